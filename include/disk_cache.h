/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * disk_cache: the optional on-disk cache of files' bytes, in fixed blocks
 * of DISK_CACHE_BLOCK, one file per block in one directory, within a size
 * cap (least recently used blocks go first).  A block is named by its
 * file's key (the reader's, catalog_version: track URN, rendition, size,
 * last_modified and ETag, so a changed track is another key and never
 * serves old bytes) and its index.
 * Each block file carries its key, index, length and a checksum: a block
 * that is corrupt, truncated or another key's is a miss, removed, and
 * fetched again.  Blocks survive a remount; one process uses a directory
 * at a time (a lock file).  Also a source decorator: reads are answered
 * from the blocks and what is missing is fetched from the inner source in
 * whole blocks and stored.  Thread-safe; no lock is held across a block's
 * read or write (only unlinking an evicted or bad block is done under it).
 */
#ifndef SCFS_DISK_CACHE_H
#define SCFS_DISK_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* 256 KiB: big enough that a GiB is 4,096 files and a block is one cheap
 * request, small enough that a random 4 KiB read fetching its whole block
 * costs little and that two requests in flight fetching the same edge
 * block (they cannot see each other's) waste at most 3 % of 8 MiB. */
#define DISK_CACHE_BLOCK (256u << 10)

struct source;
struct disk_cache;

struct disk_cache_conf {
	const char *dir;	/* created 0700 if missing; copied */
	uint64_t size_max;	/* bytes the directory may take (as du counts) */
};

struct disk_cache_stats {
	uint64_t size_max;
	uint64_t used;		/* bytes accounted (blocks as du counts) */
	unsigned long blocks;	/* files held */
	unsigned long hits, misses, stores, evictions;
	unsigned long corrupt;	/* block files found bad and removed */
};

/* Opens dir: takes its lock file, drops leftovers of interrupted writes,
 * accounts the blocks there (evicting down to the cap).  Returns 0,
 * -EBUSY when another process uses dir, -EINVAL for a cap smaller than
 * one block, or another negative errno. */
int disk_cache_new(const struct disk_cache_conf *conf, struct disk_cache **out);
void disk_cache_free(struct disk_cache *dc);
void disk_cache_get_stats(struct disk_cache *dc, struct disk_cache_stats *out);

/* Block idx of key, exactly len bytes (the block's length: DISK_CACHE_BLOCK,
 * less only for a file's last block), into buf.  Returns 0, or -ENOENT when
 * the block is absent or was bad (then it is removed). */
int disk_cache_get(struct disk_cache *dc, const char *key, uint64_t idx,
		   void *buf, size_t len);
/* Whether the index has the block (a get may still find it bad). */
int disk_cache_has(struct disk_cache *dc, const char *key, uint64_t idx);
/* Store len bytes (1 to DISK_CACHE_BLOCK) as block idx of key, written to a
 * temporary file (0600) and renamed into place; evicts to stay within the
 * cap.  Returns 0 or a negative errno (the cache is then unchanged). */
int disk_cache_put(struct disk_cache *dc, const char *key, uint64_t idx,
		   const void *buf, size_t len);

/* A source reading inner through the cache under key (copied).  inner must
 * have a known size; ownership of inner passes, even on failure.  dc is
 * borrowed and must outlive the source. */
int disk_cache_source_new(struct disk_cache *dc, const char *key,
			  struct source *inner, struct source **out);

#endif
