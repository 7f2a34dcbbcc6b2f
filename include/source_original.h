/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source_original: a track's original upload read with ranged GETs on the
 * CDN URL that /tracks/{urn}/download redirects to.  Signed URLs expire in
 * minutes: one is re-resolved when it ages or the CDN refuses it, and the
 * read resumes at the same offset.  A changed ETag is -ESTALE.
 */
#ifndef SCFS_SOURCE_ORIGINAL_H
#define SCFS_SOURCE_ORIGINAL_H

#include <stdint.h>
#include <time.h>

#include "source.h"

struct sc_api;

/* api is borrowed and must outlive the source; strings are copied.  etag
 * may be NULL (then staleness is not checked).  size -1: unknown. */
int source_original_new(struct sc_api *api, const char *track_urn,
			int64_t size, const char *etag, const char *name,
			struct source **out);
/* The same, starting with a signed URL the caller obtained at url_time
 * (time()), e.g. by the listing's size probe: while it is fresh the first
 * read needs no API round trip; an old one is ignored, and one the CDN
 * refuses is renewed as any other.  url may be NULL; it is copied. */
int source_original_new_at(struct sc_api *api, const char *track_urn,
			   int64_t size, const char *etag, const char *name,
			   const char *url, time_t url_time,
			   struct source **out);

#endif
