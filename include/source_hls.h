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
struct source_hls_maps;

/* Recently learned offset maps, so that opening a track the listing has
 * just probed costs no HEAD (its parts' sizes are known) and, while the
 * playlist's signed URLs are fresh, no request at all.  At most max maps
 * (0: SOURCE_HLS_MAPS_DEFAULT), least recently stored dropped first.
 * Thread-safe.  Returns 0 or -ENOMEM. */
#define SOURCE_HLS_MAPS_DEFAULT 32
int source_hls_maps_new(unsigned max, struct source_hls_maps **out);
void source_hls_maps_free(struct source_hls_maps *maps);

/* The exact byte size of the track's HLS file (init + every segment),
 * learned from the playlist and the segments' sizes, and remembered in
 * maps (may be NULL).  Returns 0, -ENOENT when the track has no HLS
 * stream, or another negative errno. */
int source_hls_probe(struct sc_api *api, struct source_hls_maps *maps,
		     const char *track_urn, int64_t *size);

/* A source over the track's HLS file.  api and maps (may be NULL) are
 * borrowed and must outlive the source; strings are copied.  A map of the
 * same track and size in maps is used instead of HEADs (its URLs too while
 * fresh; else one playlist fetch renews them, and a playlist that no longer
 * matches the map means a full mapping).  size -1: learned on first use. */
int source_hls_new(struct sc_api *api, struct source_hls_maps *maps,
		   const char *track_urn, int64_t size, const char *name,
		   struct source **out);

#endif
