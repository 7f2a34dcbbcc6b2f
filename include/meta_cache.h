/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meta_cache: what a probe learned about a track (its source, size,
 * extension and ETag), kept in memory and in one file of the cache
 * directory, so that a remount lists a catalogue with only the API's
 * pages and no probe.  An entry is keyed by the track's URN and is valid
 * only for the last_modified it was learned at and for the source that was
 * asked for (the original for its owner, the stream for others): a track
 * changed upstream, or seen by another viewer, misses and is probed again.  The file is rewritten atomically (statefile)
 * and a damaged one is ignored: this is a cache, never the truth.
 *
 * Thread-safe: any thread may get, put and flush.
 */
#ifndef SCFS_META_CACHE_H
#define SCFS_META_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Extensions are short (names.c keeps them under 16 bytes). */
#define META_EXT_MAX 16
/* Generous for a hundred thousand tracks; a larger file is not ours. */
#define META_FILE_MAX (64u << 20)

enum meta_source {
	META_ORIGINAL,		/* the original upload on the CDN */
	META_HLS,		/* the HLS AAC rendition */
};

struct meta_entry {
	char *urn;		/* owned */
	time_t modified;	/* the track's last_modified when probed */
	enum meta_source asked;	/* the source the listing wanted */
	enum meta_source source;	/* the one it got (a refused
					 * original falls back to HLS) */
	int64_t size;		/* bytes, >= 0 */
	char ext[META_EXT_MAX];
	char *etag;		/* owned; NULL when the CDN gave none */
};

struct meta_cache;

/* The cache stored in dir (NULL: memory only) for one API, named after a
 * hash of scope (the API's URL), loaded now.  A missing or damaged file
 * gives an empty cache.  0 or -ENOMEM. */
int meta_cache_open(const char *dir, const char *scope,
		    struct meta_cache **out);
void meta_cache_free(struct meta_cache *mc);

/* A copy of the entry for urn learned at modified for the asked source
 * into out (release it with meta_entry_release): 1 when found, 0 when
 * not, -ENOMEM. */
int meta_cache_get(struct meta_cache *mc, const char *urn, time_t modified,
		   enum meta_source asked, struct meta_entry *out);

/* Remember e (copied), replacing any entry for its URN.  0, -EINVAL for
 * an entry the file could not carry (negative size, tab or newline in a
 * field), or -ENOMEM. */
int meta_cache_put(struct meta_cache *mc, const struct meta_entry *e);

/* Write the file if anything changed since the last write.  0 or -errno
 * (the memory copy stays intact either way). */
int meta_cache_flush(struct meta_cache *mc);

/* Entries held, for tests and logs. */
size_t meta_cache_count(struct meta_cache *mc);

/* The file format, pure: one line per entry,
 * "URN \t MODIFIED \t ASKED \t SOURCE \t SIZE \t EXT \t ETAG \n", the
 * sources "original" or "hls" (ETAG
 * empty when none).  format appends to a malloc'd string; parse fills out
 * or returns -EBADMSG / -ENOMEM. */
int meta_entry_format(const struct meta_entry *e, char **out, size_t *len);
int meta_entry_parse(const char *line, size_t len, struct meta_entry *out);

/* Deep copy; 0 or -ENOMEM (dst then holds nothing). */
int meta_entry_copy(const struct meta_entry *src, struct meta_entry *dst);
void meta_entry_release(struct meta_entry *e);

#endif
