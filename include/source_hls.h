/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source_hls: a track's HLS AAC rendition (fMP4: an init segment and media
 * segments) presented as one seekable file: the init segment followed by
 * every media segment, in playlist order.  A read maps to ranged GETs of the
 * segments it touches.  Signed playlist and segment URLs expire in minutes;
 * they are re-resolved through the API and the read resumes at the same
 * offset.  Must not include fuse or cJSON.
 */
#ifndef SCFS_SOURCE_HLS_H
#define SCFS_SOURCE_HLS_H

#include <stdint.h>

#include "source.h"

struct sc_api;

/* The exact byte size of the track's HLS file (init + every segment),
 * learned from the playlist and the segments' sizes.  Returns 0, -ENOENT
 * when the track has no HLS stream, or another negative errno. */
int source_hls_probe(struct sc_api *api, const char *track_urn,
		     int64_t *size);

/* A source over the track's HLS file.  api is borrowed and must outlive the
 * source; strings are copied.  size -1: learned on first use. */
int source_hls_new(struct sc_api *api, const char *track_urn, int64_t size,
		   const char *name, struct source **out);

#endif
