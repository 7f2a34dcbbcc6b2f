/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache: the in-memory block cache shared by every open file.  It holds
 * extents of files' bytes (each the result of one request), keyed by a
 * file key, within a byte budget that is never exceeded: reserving room
 * evicts least-recently-used extents, and when nothing can be evicted the
 * caller is told to read around the cache instead.  A byte being loaded is
 * loaded once: other readers of it wait for that load (single-flight, after
 * httpdirfs's ActiveDownload).  No I/O of its own; thread-safe; must not
 * include fuse or curl.
 */
#ifndef SCFS_CACHE_H
#define SCFS_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Buffers are reserved in steps of this: a step is cheap to reuse for the
 * next extent of the same size, and small enough not to waste the budget. */
#define CACHE_STEP (64u << 10)

struct cache_conf {
	size_t budget;		/* bytes of extent buffers held at most */
};

struct cache_stats {
	size_t budget;
	size_t used;		/* buffers held now, free ones included */
	size_t peak;		/* the most ever held */
	unsigned long hits;	/* lookups answered from memory */
	unsigned long waits;	/* lookups that waited for a load */
	unsigned long misses;
	unsigned long loads;	/* extents claimed */
	unsigned long refused;	/* claims refused for want of room */
	unsigned long evictions;
};

struct cache;
struct cache_file;
struct cache_extent;

/* Bytes the cache holds at some offset, pinned until cache_view_release. */
struct cache_view {
	struct cache_extent *ext;
	const char *data;	/* the byte asked for, then the rest */
	size_t len;		/* bytes from there; 0: the file ends there */
};

/* Copies conf.  Returns 0, -EINVAL for a zero budget, or -ENOMEM. */
int cache_new(const struct cache_conf *conf, struct cache **out);
/* Frees every extent and buffer.  No file may be open, no view held. */
void cache_free(struct cache *c);
void cache_get_stats(struct cache *c, struct cache_stats *out);

/* The file with this key (copied), shared by every opener of the same
 * key; NULL: a file of its own.  Close it with cache_file_close. */
int cache_file_open(struct cache *c, const char *key,
		    struct cache_file **out);
/* Once the last opener is gone, the file's extents stay until evicted
 * (a private file's go at once). */
void cache_file_close(struct cache_file *f);

/* The extent holding byte off, waiting while it loads.  Returns 0 with v
 * pinned (release it), -ENOENT when nothing holds off (*next: where the
 * next extent starts, or INT64_MAX), -EAGAIN when the load waited for was
 * cancelled (look again), or the negative errno its load failed with. */
int cache_lookup(struct cache_file *f, int64_t off, struct cache_view *v,
		 int64_t *next);
void cache_view_release(struct cache_view *v);

/* Claim [off, off + len) for loading by the caller, cut short where the
 * next extent starts.  prefetch: the bytes are read ahead of their reader;
 * they are not evicted before a lookup has seen them while the file is
 * open.  Returns 0 and the extent to fill (then call cache_extent_done),
 * -EEXIST when an extent already holds off (*held_end: where it ends),
 * -ENOBUFS when the budget has no room now, or -ENOMEM. */
int cache_claim(struct cache_file *f, int64_t off, size_t len, int prefetch,
		struct cache_extent **out, int64_t *held_end);
void *cache_extent_buf(const struct cache_extent *e);
size_t cache_extent_len(const struct cache_extent *e);	/* as claimed */
int64_t cache_extent_off(const struct cache_extent *e);
/* The load is over: n bytes arrived (n < the claimed length means the
 * file ends there), or n is a negative errno and the extent is dropped
 * (waiters get n; -ECANCELED reaches them as -EAGAIN).  Wakes waiters; the
 * extent must not be used afterwards. */
void cache_extent_done(struct cache_extent *e, ssize_t n);

#endif
