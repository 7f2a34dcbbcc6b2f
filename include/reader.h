/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reader: the read path of open files, between FUSE and the sources.  A
 * reader_pool is shared by every open file: the block cache and the worker
 * threads that fetch ahead.  A reader is one open file: it tells a
 * sequential stream from random reads, grows a read-ahead window while the
 * stream lasts (mountpoint-s3's prefetcher), serves small backward seeks
 * from the cache, and answers random reads with exactly the bytes asked.
 * Reads are always complete, short only at the end of the file.  Must not
 * include fuse or curl.
 */
#ifndef SCFS_READER_H
#define SCFS_READER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The cache's budget: a stream at full speed keeps about
 * READER_READAHEAD_MAX_DEFAULT plus one request in flight, so this lets
 * three streams run at full speed and still keeps what was just read for
 * backward seeks. */
#define READER_CACHE_DEFAULT (128u << 20)
/* The on-disk cache's cap when it is on and none is given: a few albums'
 * originals, small next to any disk. */
#define READER_DISK_CACHE_DEFAULT (1024ull << 20)
/* The window's cap: at 40 ms round trip and 400 MB/s, 16 MB are in the
 * pipe at any time; twice that absorbs a slow request. */
#define READER_READAHEAD_MAX_DEFAULT (32u << 20)
/* Requests in flight across all open files.  Each is a connection of the
 * shared pool, so that one slow round trip does not stall the stream. */
#define READER_WORKERS_DEFAULT 8
/* The first request of a stream (mountpoint-s3's INITIAL_REQUEST_SIZE):
 * one 1 MiB read plus the kernel's 128 KiB read-ahead, in one request. */
#define READER_WINDOW_INITIAL ((1u << 20) + (128u << 10))
/* Each request at most: past this, several smaller requests in flight beat
 * one big one (a drop costs less, the bytes arrive in parallel). */
#define READER_REQUEST_MAX (8u << 20)
/* Reads this far behind the stream's head keep the stream going: FUSE
 * threads deliver the kernel's concurrent reads slightly out of order. */
#define READER_SEEK_BACK (8u << 20)

struct source;
struct reader;
struct reader_pool;

struct reader_conf {
	size_t cache_size;	/* bytes; 0: READER_CACHE_DEFAULT */
	size_t readahead_max;	/* bytes; 0: READER_READAHEAD_MAX_DEFAULT */
	unsigned workers;	/* 0: READER_WORKERS_DEFAULT */
	/* The on-disk cache under the memory one (disk_cache.h): a
	 * directory, borrowed during reader_pool_new; NULL: none. */
	const char *disk_cache_dir;
	uint64_t disk_cache_size;	/* bytes; 0: READER_DISK_CACHE_DEFAULT */
};

/* What one reader did, for tests and debug logs. */
struct reader_stats {
	unsigned long reads;		/* reader_read calls */
	unsigned long direct;		/* source reads around the cache */
	unsigned long loads;		/* extents this reader filled */
	unsigned long prefetches;	/* of which read ahead */
	int64_t fetched;		/* bytes asked of the source */
	size_t window;			/* the read-ahead window now; 0: none */
};

/* The shared part.  Creates no thread: workers start with the first
 * read-ahead (FUSE's .init and later are after daemonizing).  Returns 0,
 * -EINVAL for a configuration that cannot work, -ENOMEM, or the errno of
 * an on-disk cache that cannot be opened (disk_cache_new). */
int reader_pool_new(const struct reader_conf *conf, struct reader_pool **out);
/* Cancels queued read-ahead, waits for the fetches running (each ends
 * within the sources' retry budget), joins the workers, frees readers
 * still open and the cache. */
void reader_pool_free(struct reader_pool *pool);
/* The cache's figures (struct cache_stats from cache.h). */
struct cache_stats;
void reader_pool_cache_stats(struct reader_pool *pool, struct cache_stats *out);

/* A reader of src (ownership passes, even on failure).  Opens of the same
 * key share cached bytes and in-flight loads; key NULL: shares nothing.
 * With an on-disk cache, a keyed source of known size reads through it:
 * the key must then name the file's version.  key is copied.  Any
 * thread. */
int reader_new(struct reader_pool *pool, struct source *src, const char *key,
	       struct reader **out);
/* Returns at once: fetches still running for r finish in the background
 * and are then dropped. */
void reader_free(struct reader *r);

/* Fill buf with size bytes at off, fewer only at the end.  Returns the
 * count or a negative errno (-ESTALE: the bytes changed upstream; -EIO:
 * retries exhausted).  Any thread; concurrent calls are fine. */
ssize_t reader_read(struct reader *r, char *buf, size_t size, int64_t off);

/* The file's size, or -1 while unknown. */
int64_t reader_size(const struct reader *r);

void reader_get_stats(struct reader *r, struct reader_stats *out);

#endif
