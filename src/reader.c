// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reader: sequential detection, the read-ahead window and the workers that
 * fetch ahead (docs/internals/reader.md).  A stream starts when a read
 * continues the previous one; it grows its window by doubling, one step
 * per read that issues a request, from READER_WINDOW_INITIAL up to
 * readahead_max, in requests of a quarter of the window (from
 * READER_WINDOW_INITIAL to READER_REQUEST_MAX) run by the pool's workers; a read elsewhere ends it.  Every byte read ahead lands in
 * the cache; a random read goes straight to the source into FUSE's buffer,
 * so it costs no memory and exactly one request.  The reader never holds
 * its lock while waiting for the network.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "disk_cache.h"
#include "log.h"
#include "parallel.h"
#include "reader.h"
#include "source.h"

struct fetch_job {
	struct reader *r;		/* a reference */
	struct cache_extent *ext;
	struct fetch_job *next;
};

struct reader_pool {
	struct reader_conf conf;
	struct cache *cache;
	struct disk_cache *disk;	/* NULL: none */
	pthread_mutex_t lock;
	pthread_cond_t work;
	struct fetch_job *head, *tail;	/* protected by lock */
	pthread_t *threads;		/* protected by lock */
	unsigned n_threads;		/* protected by lock */
	unsigned idle;			/* protected by lock */
	int stopping;			/* protected by lock */
	struct reader *readers;		/* protected by lock: all alive */
};

struct reader {
	struct reader_pool *pool;
	struct source *src;
	struct cache_file *file;
	unsigned refs;			/* protected by pool->lock */
	int closed;			/* protected by pool->lock */
	struct reader *prev, *next;	/* protected by pool->lock */
	pthread_mutex_t lock;
	int64_t last_end;		/* protected by lock: previous read's end */
	int64_t head;			/* protected by lock: the stream's front */
	int64_t ra_end;			/* protected by lock: requested up to */
	size_t window;			/* protected by lock: 0: no stream */
	struct reader_stats stats;	/* protected by lock */
};

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* ---- readers' lifetime ---------------------------------------------------- */

static void reader_destroy(struct reader *r)
{
	cache_file_close(r->file);
	source_free(r->src);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

static void reader_unlink_locked(struct reader *r)
{
	struct reader_pool *p = r->pool;

	if (r->prev)
		r->prev->next = r->next;
	else
		p->readers = r->next;
	if (r->next)
		r->next->prev = r->prev;
}

static void reader_unref(struct reader *r)
{
	struct reader_pool *p = r->pool;
	int last;

	pthread_mutex_lock(&p->lock);
	last = !--r->refs;
	if (last)
		reader_unlink_locked(r);
	pthread_mutex_unlock(&p->lock);
	if (last)
		reader_destroy(r);
}

/* ---- workers ---------------------------------------------------------------- */

static void stat_fetch(struct reader *r, size_t len, int prefetch)
{
	pthread_mutex_lock(&r->lock);
	r->stats.loads++;
	r->stats.prefetches += prefetch;
	r->stats.fetched += (int64_t)len;
	pthread_mutex_unlock(&r->lock);
}

static void run_job(struct fetch_job *job, int cancel)
{
	struct cache_extent *e = job->ext;
	struct reader *r = job->r;
	ssize_t n = -ECANCELED;

	if (!cancel) {
		stat_fetch(r, cache_extent_len(e), 1);
		n = source_read_full(r->src, cache_extent_buf(e),
				     cache_extent_len(e), cache_extent_off(e));
		if (n < 0)
			log_debug(LOG_SUB_READER, "read-ahead of %zu bytes at %lld failed: %s",
				  cache_extent_len(e), (long long)cache_extent_off(e),
				  strerror((int)-n));
	}
	cache_extent_done(e, n);
	reader_unref(r);
	free(job);
}

static void *worker_main(void *arg)
{
	struct reader_pool *p = arg;
	struct fetch_job *job;
	int cancel;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->head && !p->stopping) {
			p->idle++;
			pthread_cond_wait(&p->work, &p->lock);
			p->idle--;
		}
		job = p->head;
		if (!job)
			break;		/* stopping, nothing left */
		p->head = job->next;
		if (!p->head)
			p->tail = NULL;
		cancel = job->r->closed || p->stopping;
		pthread_mutex_unlock(&p->lock);
		run_job(job, cancel);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* One more worker, with every signal blocked: they are the FUSE loop's. */
static void worker_start_locked(struct reader_pool *p)
{
	if (!parallel_thread_start(&p->threads[p->n_threads], worker_main, p))
		p->n_threads++;
}

/* Queue the load of e for a worker.  On failure e is cancelled. */
static int enqueue(struct reader *r, struct cache_extent *e)
{
	struct reader_pool *p = r->pool;
	struct fetch_job *job = malloc(sizeof(*job));
	int rc = 0;

	if (!job) {
		cache_extent_done(e, -ECANCELED);
		return -ENOMEM;
	}
	*job = (struct fetch_job){ r, e, NULL };
	pthread_mutex_lock(&p->lock);
	if (!p->idle && p->n_threads < p->conf.workers)
		worker_start_locked(p);
	if (p->n_threads && !p->stopping) {
		r->refs++;
		if (p->tail)
			p->tail->next = job;
		else
			p->head = job;
		p->tail = job;
		pthread_cond_signal(&p->work);
	} else {
		rc = -EAGAIN;	/* no thread could be had */
	}
	pthread_mutex_unlock(&p->lock);
	if (rc) {
		cache_extent_done(e, -ECANCELED);
		free(job);
	}
	return rc;
}

/* ---- the pool --------------------------------------------------------------- */

static int pool_open_disk(struct reader_pool *p, const struct reader_conf *conf)
{
	struct disk_cache_conf dc = { .dir = conf->disk_cache_dir,
		.size_max = conf->disk_cache_size ? conf->disk_cache_size :
						    READER_DISK_CACHE_DEFAULT };

	p->conf.disk_cache_dir = NULL;	/* borrowed for this call only */
	return disk_cache_new(&dc, &p->disk);
}

int reader_pool_new(const struct reader_conf *conf, struct reader_pool **out)
{
	struct cache_conf cc;
	struct reader_pool *p;
	int rc;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->conf = *conf;
	if (!p->conf.cache_size)
		p->conf.cache_size = READER_CACHE_DEFAULT;
	if (!p->conf.readahead_max)
		p->conf.readahead_max = READER_READAHEAD_MAX_DEFAULT;
	if (!p->conf.workers)
		p->conf.workers = READER_WORKERS_DEFAULT;
	cc.budget = p->conf.cache_size;
	p->threads = calloc(p->conf.workers, sizeof(*p->threads));
	rc = p->threads ? cache_new(&cc, &p->cache) : -ENOMEM;
	if (!rc && conf->disk_cache_dir)
		rc = pool_open_disk(p, conf);
	if (rc) {
		cache_free(p->cache);
		free(p->threads);
		free(p);
		return rc;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	*out = p;
	return 0;
}

void reader_pool_free(struct reader_pool *p)
{
	struct reader *r;
	unsigned i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->n_threads; i++)
		pthread_join(p->threads[i], NULL);
	/* Files FUSE never released (a lazy unmount): nothing uses them. */
	while ((r = p->readers)) {
		p->readers = r->next;
		reader_destroy(r);
	}
	cache_free(p->cache);
	disk_cache_free(p->disk);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p);
}

void reader_pool_cache_stats(struct reader_pool *p, struct cache_stats *out)
{
	cache_get_stats(p->cache, out);
}

/* ---- one open file ---------------------------------------------------------- */

int reader_new(struct reader_pool *p, struct source *src, const char *key,
	       struct reader **out)
{
	struct reader *r = calloc(1, sizeof(*r));
	int rc = r ? cache_file_open(p->cache, key, &r->file) : -ENOMEM;

	if (rc) {
		free(r);
		source_free(src);
		return rc;
	}
	/* Under the memory cache: what it misses comes from the disk. */
	if (p->disk && key && src->size >= 0)
		rc = disk_cache_source_new(p->disk, key, src, &src);
	if (rc) {
		cache_file_close(r->file);	/* src is gone already */
		free(r);
		return rc;
	}
	r->pool = p;
	r->src = src;
	r->refs = 1;
	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_lock(&p->lock);
	r->next = p->readers;
	if (p->readers)
		p->readers->prev = r;
	p->readers = r;
	pthread_mutex_unlock(&p->lock);
	*out = r;
	return 0;
}

void reader_free(struct reader *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->pool->lock);
	r->closed = 1;
	pthread_mutex_unlock(&r->pool->lock);
	reader_unref(r);
}

int64_t reader_size(const struct reader *r)
{
	return r->src->size;
}

void reader_get_stats(struct reader *r, struct reader_stats *out)
{
	pthread_mutex_lock(&r->lock);
	*out = r->stats;
	out->window = r->window;
	pthread_mutex_unlock(&r->lock);
}

/* Is [off, off + len) part of the stream, starting one, or a random read?
 * Updates the stream and returns whether it is on.  Locked. */
static int classify(struct reader *r, int64_t off, size_t len)
{
	int64_t end = off + (int64_t)len;
	int64_t front = r->ra_end > r->head ? r->ra_end : r->head;

	if (r->window && end > r->head - (int64_t)READER_SEEK_BACK &&
	    off <= front + (int64_t)r->window) {
		/* In the stream, or a jump forward within one window: the gap
		 * is not fetched, the read itself is. */
		if (end > r->ra_end && off >= r->ra_end)
			r->ra_end = end;
		if (end > r->head)
			r->head = end;
	} else if (off == r->last_end) {
		r->window = min_size(READER_WINDOW_INITIAL,
				     r->pool->conf.readahead_max);
		r->head = r->ra_end = end;
	} else {
		r->window = 0;
	}
	r->last_end = end;
	return r->window != 0;
}

/* With the on-disk cache, read-ahead requests end on its block
 * boundaries: then each request is whole blocks, fetched straight into
 * the extent, instead of edges fetched twice and through a copy. */
static size_t disk_aligned(int64_t start, size_t want)
{
	int64_t end = start + (int64_t)want;

	end = (end + DISK_CACHE_BLOCK - 1) / DISK_CACHE_BLOCK * DISK_CACHE_BLOCK;
	return (size_t)(end - start);
}

/* A quarter of the window per request, within [READER_WINDOW_INITIAL,
 * READER_REQUEST_MAX]: an extent is served only once all of it has
 * arrived, so while the window grows, a request of the whole window would
 * make the reader wait for all of it; a quarter lets it start on the
 * first while the others are still arriving, in parallel. */
static size_t request_size(size_t window)
{
	size_t quarter = window / 4;

	if (quarter < READER_WINDOW_INITIAL)
		quarter = READER_WINDOW_INITIAL;
	return min_size(quarter, READER_REQUEST_MAX);
}

/* Keep a window's worth of requests ahead of the stream's front.  The
 * window doubles once per read that issues anything.  Locked. */
static void prefetch(struct reader *r)
{
	int64_t size = r->src->size, held;
	struct cache_extent *e;
	size_t want;
	int issued = 0, rc;

	while (r->ra_end - r->head < (int64_t)r->window &&
	       (size < 0 || r->ra_end < size)) {
		want = request_size(r->window);
		if (r->pool->disk)
			want = disk_aligned(r->ra_end, want);
		if (size >= 0)
			want = (size_t)min_size(want, (size_t)(size - r->ra_end));
		rc = cache_claim(r->file, r->ra_end, want, 1, &e, &held);
		if (rc == -EEXIST) {
			r->ra_end = held;	/* another reader's, or ours */
			continue;
		}
		if (rc)
			break;		/* no room now: the next read tries */
		r->ra_end += (int64_t)cache_extent_len(e);
		if (enqueue(r, e))
			break;
		issued = 1;
	}
	if (issued)
		r->window = min_size(r->window * 2, r->pool->conf.readahead_max);
}

/* Bytes no extent holds: loaded into the cache by this thread when the
 * stream is on and there is room, else read straight into dst.  Returns
 * the count copied to dst (short: the file ends) or a negative errno. */
static ssize_t fetch_gap(struct reader *r, char *dst, int64_t pos, size_t len,
			 int seq)
{
	struct cache_extent *e;
	int64_t held;
	ssize_t n;
	int rc = seq ? cache_claim(r->file, pos, len, 0, &e, &held) : -ENOBUFS;

	if (rc == -EEXIST)
		return -EAGAIN;	/* someone claimed it meanwhile: look again */
	if (!rc) {
		len = cache_extent_len(e);
		stat_fetch(r, len, 0);
		n = source_read_full(r->src, cache_extent_buf(e), len, pos);
		if (n > 0)
			memcpy(dst, cache_extent_buf(e), (size_t)n);
		cache_extent_done(e, n);
		return n;
	}
	pthread_mutex_lock(&r->lock);
	r->stats.direct++;
	r->stats.fetched += (int64_t)len;
	pthread_mutex_unlock(&r->lock);
	return source_read_full(r->src, dst, len, pos);
}

/* Copy [off, off + len) from the cache, filling its gaps.  A short count
 * only at the end of the file; otherwise all or an error.  A load that
 * failed for someone else (read-ahead reaching further than this read)
 * gets one more try for just these bytes; a changed file does not. */
static ssize_t serve(struct reader *r, char *buf, size_t len, int64_t off,
		     int seq)
{
	int64_t pos = off, end = off + (int64_t)len, next;
	struct cache_view v;
	int rc, retried = 0;
	size_t want;
	ssize_t n;

	while (pos < end) {
		rc = cache_lookup(r->file, pos, &v, &next);
		if (!rc) {
			n = (ssize_t)min_size(v.len, (size_t)(end - pos));
			memcpy(buf + (pos - off), v.data, (size_t)n);
			cache_view_release(&v);
			if (!n)
				break;	/* the file ends here */
			pos += n;
			continue;
		}
		if (rc == -EAGAIN)
			continue;
		if (rc != -ENOENT && (rc == -ESTALE || retried++))
			return rc;
		if (rc != -ENOENT)
			continue;	/* the failed extent is gone: look again */
		want = (size_t)((next < end ? next : end) - pos);
		n = fetch_gap(r, buf + (pos - off), pos, want, seq);
		if (n == -EAGAIN)
			continue;
		if (n < 0)
			return n;
		pos += n;
		if ((size_t)n < want)
			break;
	}
	return (ssize_t)(pos - off);
}

ssize_t reader_read(struct reader *r, char *buf, size_t size, int64_t off)
{
	int64_t fsize = r->src->size;
	int seq;

	if (off < 0)
		return -EINVAL;
	if (fsize >= 0 && off >= fsize)
		return 0;
	if (fsize >= 0 && (int64_t)size > fsize - off)
		size = (size_t)(fsize - off);
	if (!size)
		return 0;
	pthread_mutex_lock(&r->lock);
	r->stats.reads++;
	seq = classify(r, off, size);
	if (seq)
		prefetch(r);
	pthread_mutex_unlock(&r->lock);
	return serve(r, buf, size, off, seq);
}
