// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cache: extents of files' bytes under one lock, one byte budget and one
 * LRU list.  Each file keeps its extents sorted by offset, never
 * overlapping.  An extent is LOADING (its loader fills it without the
 * lock; lookups of it wait on the condition variable), then READY, or it
 * fails and leaves the index at once.  Memory is anonymous mappings,
 * accounted from reservation to unmapping, so the budget bounds what the
 * process really holds; freed buffers are kept for reuse (a steady stream
 * asks for the same sizes again and again) and unmapped when room is
 * needed for another size.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cache.h"

enum ext_state { EXT_LOADING, EXT_READY, EXT_FAILED };

struct cache_extent {
	struct cache_file *file;
	int64_t off;
	size_t len;		/* claimed bytes: what the extent covers */
	size_t got;		/* loaded bytes (READY); < len: the file ends */
	size_t cap;		/* buffer size, a multiple of CACHE_STEP */
	char *data;
	enum ext_state state;
	int error;		/* FAILED: why */
	unsigned pins;		/* the loader and every view */
	int indexed;		/* in its file's index (and, READY, the LRU) */
	int unread;		/* prefetched and not looked at yet */
	struct cache_extent *lru_prev, *lru_next;
};

struct cache_file {
	struct cache *cache;
	char *key;		/* NULL: private */
	unsigned opens;
	unsigned alive;		/* extents referring to the file */
	struct cache_extent **ext;	/* sorted by off */
	size_t n, cap;
	struct cache_file *prev, *next;
};

/* A buffer kept for reuse. */
struct cache_spare {
	char *data;
	size_t cap;
	struct cache_spare *next;
};

/* Everything below the lock is protected by it. */
struct cache {
	pthread_mutex_t lock;
	pthread_cond_t loaded;
	size_t budget;
	size_t used;
	struct cache_stats stats;
	struct cache_extent *lru_head, *lru_tail;	/* head: most recent */
	struct cache_file *files;
	struct cache_spare *spares;
};

/* ---- buffers ------------------------------------------------------------ */

static char *map_buffer(size_t cap)
{
	void *p = mmap(NULL, cap, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	/* Fewer page faults on every refill of a big buffer. */
	if (cap >= (2u << 20))
		madvise(p, cap, MADV_HUGEPAGE);
#endif
	return p;
}

static void unmap_buffer(struct cache *c, char *data, size_t cap)
{
	munmap(data, cap);
	c->used -= cap;
}

static char *spare_take(struct cache *c, size_t cap)
{
	struct cache_spare **pp, *s;
	char *data;

	for (pp = &c->spares; (s = *pp); pp = &s->next) {
		if (s->cap != cap)
			continue;
		*pp = s->next;
		data = s->data;
		free(s);
		return data;
	}
	return NULL;
}

/* Keep a buffer for reuse, or unmap it when no node can be had. */
static void spare_put(struct cache *c, char *data, size_t cap)
{
	struct cache_spare *s = malloc(sizeof(*s));

	if (!s) {
		unmap_buffer(c, data, cap);
		return;
	}
	s->data = data;
	s->cap = cap;
	s->next = c->spares;
	c->spares = s;
}

static int spare_drop_one(struct cache *c)
{
	struct cache_spare *s = c->spares;

	if (!s)
		return 0;
	c->spares = s->next;
	unmap_buffer(c, s->data, s->cap);
	free(s);
	return 1;
}

/* ---- files and their index ------------------------------------------------ */

/* Index of the last extent of f starting at or before off, or -1. */
static ssize_t index_find(const struct cache_file *f, int64_t off)
{
	size_t lo = 0, hi = f->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->ext[mid]->off <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ssize_t)lo - 1;
}

static int index_insert(struct cache_file *f, struct cache_extent *e)
{
	struct cache_extent **grown;
	size_t at = (size_t)(index_find(f, e->off) + 1);

	if (f->n == f->cap) {
		grown = realloc(f->ext, (f->cap ? f->cap * 2 : 16) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		f->ext = grown;
		f->cap = f->cap ? f->cap * 2 : 16;
	}
	memmove(&f->ext[at + 1], &f->ext[at], (f->n - at) * sizeof(*f->ext));
	f->ext[at] = e;
	f->n++;
	e->indexed = 1;
	return 0;
}

static void file_free_if_unused(struct cache_file *f)
{
	struct cache *c = f->cache;

	if (f->opens || f->alive)
		return;
	if (f->prev)
		f->prev->next = f->next;
	else if (c->files == f)
		c->files = f->next;
	if (f->next)
		f->next->prev = f->prev;
	free(f->ext);
	free(f->key);
	free(f);
}

/* ---- extents ------------------------------------------------------------ */

static void lru_unlink(struct cache *c, struct cache_extent *e)
{
	if (e->lru_prev)
		e->lru_prev->lru_next = e->lru_next;
	else if (c->lru_head == e)
		c->lru_head = e->lru_next;
	if (e->lru_next)
		e->lru_next->lru_prev = e->lru_prev;
	else if (c->lru_tail == e)
		c->lru_tail = e->lru_prev;
	e->lru_prev = e->lru_next = NULL;
}

static void lru_push(struct cache *c, struct cache_extent *e)
{
	e->lru_prev = NULL;
	e->lru_next = c->lru_head;
	if (c->lru_head)
		c->lru_head->lru_prev = e;
	c->lru_head = e;
	if (!c->lru_tail)
		c->lru_tail = e;
}

/* Take e out of its file's index (and the LRU); views keep it alive. */
static void extent_unindex(struct cache *c, struct cache_extent *e)
{
	struct cache_file *f = e->file;
	ssize_t at;

	if (!e->indexed)
		return;
	at = index_find(f, e->off);
	memmove(&f->ext[at], &f->ext[at + 1],
		(f->n - (size_t)at - 1) * sizeof(*f->ext));
	f->n--;
	e->indexed = 0;
	if (e->state == EXT_READY)
		lru_unlink(c, e);
}

/* Free e once it is out of the index and nobody pins it. */
static void extent_put(struct cache *c, struct cache_extent *e)
{
	struct cache_file *f = e->file;

	if (e->indexed || e->pins)
		return;
	spare_put(c, e->data, e->cap);
	free(e);
	f->alive--;
	file_free_if_unused(f);
}

static int evictable(const struct cache_extent *e)
{
	return !e->pins && (!e->unread || !e->file->opens);
}

/* Evict the least recently used extent that may go.  Returns 1 if one
 * went (its buffer is then a spare), 0 if none may. */
static int evict_one(struct cache *c)
{
	struct cache_extent *e;

	for (e = c->lru_tail; e && !evictable(e); e = e->lru_prev)
		;
	if (!e)
		return 0;
	extent_unindex(c, e);
	extent_put(c, e);
	c->stats.evictions++;
	return 1;
}

/* A buffer of cap bytes within the budget: a spare of that size, a new
 * mapping, after dropping spares of other sizes and then evicting. */
static int reserve(struct cache *c, size_t cap, char **out)
{
	for (;;) {
		if ((*out = spare_take(c, cap)))
			return 0;
		if (c->used + cap <= c->budget) {
			*out = map_buffer(cap);
			if (!*out)
				return -ENOMEM;
			c->used += cap;
			if (c->used > c->stats.peak)
				c->stats.peak = c->used;
			return 0;
		}
		if (!spare_drop_one(c) && !evict_one(c))
			return -ENOBUFS;
	}
}

/* ---- the cache ---------------------------------------------------------- */

int cache_new(const struct cache_conf *conf, struct cache **out)
{
	struct cache *c;

	if (conf->budget < CACHE_STEP)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->loaded, NULL);
	c->budget = conf->budget;
	*out = c;
	return 0;
}

void cache_free(struct cache *c)
{
	struct cache_file *f;

	if (!c)
		return;
	while ((f = c->files)) {
		f->opens = 0;
		f->alive++;	/* f outlives its extents in this loop */
		while (f->n) {
			struct cache_extent *e = f->ext[f->n - 1];

			extent_unindex(c, e);
			e->pins = 0;
			extent_put(c, e);
		}
		f->alive--;
		file_free_if_unused(f);
	}
	while (spare_drop_one(c))
		;
	pthread_cond_destroy(&c->loaded);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void cache_get_stats(struct cache *c, struct cache_stats *out)
{
	pthread_mutex_lock(&c->lock);
	*out = c->stats;
	out->budget = c->budget;
	out->used = c->used;
	pthread_mutex_unlock(&c->lock);
}

static struct cache_file *file_find(struct cache *c, const char *key)
{
	struct cache_file *f;

	for (f = c->files; key && f; f = f->next)
		if (f->key && !strcmp(f->key, key))
			return f;
	return NULL;
}

int cache_file_open(struct cache *c, const char *key, struct cache_file **out)
{
	struct cache_file *f;
	int rc = 0;

	pthread_mutex_lock(&c->lock);
	f = file_find(c, key);
	if (!f) {
		f = calloc(1, sizeof(*f));
		if (f && key && !(f->key = strdup(key))) {
			free(f);
			f = NULL;
		}
		if (f) {
			f->cache = c;
			f->next = c->files;
			if (c->files)
				c->files->prev = f;
			c->files = f;
		}
	}
	if (f) {
		f->opens++;
		*out = f;
	} else {
		rc = -ENOMEM;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

void cache_file_close(struct cache_file *f)
{
	struct cache *c = f->cache;
	size_t i;

	pthread_mutex_lock(&c->lock);
	f->alive++;	/* f outlives its extents in this function */
	if (!--f->opens && !f->key) {
		/* Nobody can ask for a private file's bytes again. */
		for (i = f->n; i-- > 0;) {
			struct cache_extent *e = f->ext[i];

			if (e->state == EXT_READY) {
				extent_unindex(c, e);
				extent_put(c, e);
			}
		}
	}
	f->alive--;
	file_free_if_unused(f);
	pthread_mutex_unlock(&c->lock);
}

/* ---- lookups and loads ---------------------------------------------------- */

static struct cache_extent *extent_at(const struct cache_file *f, int64_t off,
				      int64_t *next)
{
	ssize_t at = index_find(f, off);
	struct cache_extent *e = at >= 0 ? f->ext[at] : NULL;

	if (e && off < e->off + (int64_t)e->len)
		return e;
	*next = (size_t)(at + 1) < f->n ? f->ext[at + 1]->off : INT64_MAX;
	return NULL;
}

static void view_fill(struct cache *c, struct cache_extent *e, int64_t off,
		      struct cache_view *v)
{
	size_t skip = (size_t)(off - e->off);

	e->pins++;
	e->unread = 0;
	lru_unlink(c, e);
	lru_push(c, e);
	v->ext = e;
	v->data = e->data + skip;
	v->len = skip < e->got ? e->got - skip : 0;
}

int cache_lookup(struct cache_file *f, int64_t off, struct cache_view *v,
		 int64_t *next)
{
	struct cache *c = f->cache;
	struct cache_extent *e;
	int rc = 0;

	pthread_mutex_lock(&c->lock);
	e = extent_at(f, off, next);
	if (e && e->state == EXT_LOADING) {
		c->stats.waits++;
		e->pins++;
		while (e->state == EXT_LOADING)
			pthread_cond_wait(&c->loaded, &c->lock);
		e->pins--;
		if (e->state == EXT_FAILED)
			rc = e->error == -ECANCELED ? -EAGAIN : e->error;
		else
			view_fill(c, e, off, v);
		extent_put(c, e);
	} else if (e) {
		c->stats.hits++;
		view_fill(c, e, off, v);
	} else {
		c->stats.misses++;
		rc = -ENOENT;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

void cache_view_release(struct cache_view *v)
{
	struct cache *c;

	if (!v->ext)
		return;
	c = v->ext->file->cache;
	pthread_mutex_lock(&c->lock);
	v->ext->pins--;
	extent_put(c, v->ext);
	pthread_mutex_unlock(&c->lock);
	v->ext = NULL;
}

static size_t round_step(size_t len)
{
	return (len + CACHE_STEP - 1) / CACHE_STEP * CACHE_STEP;
}

int cache_claim(struct cache_file *f, int64_t off, size_t len, int prefetch,
		struct cache_extent **out, int64_t *held_end)
{
	struct cache *c = f->cache;
	struct cache_extent *e;
	int64_t next;
	int rc;

	if (!len)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	e = extent_at(f, off, &next);
	if (e) {
		*held_end = e->off + (int64_t)e->len;
		rc = -EEXIST;
		goto out;
	}
	if (next - off < (int64_t)len)
		len = (size_t)(next - off);
	rc = -ENOMEM;
	e = calloc(1, sizeof(*e));
	if (!e)
		goto out;
	*e = (struct cache_extent){ .file = f, .off = off, .len = len,
		.cap = round_step(len), .pins = 1, .unread = prefetch };
	/* Room first: evictions change the index, the insert comes after. */
	rc = reserve(c, e->cap, &e->data);
	if (!rc && (rc = index_insert(f, e)))
		spare_put(c, e->data, e->cap);
	if (rc) {
		c->stats.refused += rc == -ENOBUFS;
		free(e);
		goto out;
	}
	f->alive++;
	c->stats.loads++;
	*out = e;
out:
	pthread_mutex_unlock(&c->lock);
	return rc;
}

void *cache_extent_buf(const struct cache_extent *e)
{
	return e->data;
}

size_t cache_extent_len(const struct cache_extent *e)
{
	return e->len;
}

int64_t cache_extent_off(const struct cache_extent *e)
{
	return e->off;
}

void cache_extent_done(struct cache_extent *e, ssize_t n)
{
	struct cache *c = e->file->cache;

	pthread_mutex_lock(&c->lock);
	if (n >= 0) {
		e->got = (size_t)n < e->len ? (size_t)n : e->len;
		e->state = EXT_READY;
		if (e->indexed)
			lru_push(c, e);
		if (!e->file->opens && !e->file->key)
			extent_unindex(c, e);	/* nobody can look it up */
	} else {
		e->error = (int)n;
		extent_unindex(c, e);	/* before FAILED: not in the LRU */
		e->state = EXT_FAILED;
	}
	e->pins--;
	pthread_cond_broadcast(&c->loaded);
	extent_put(c, e);
	pthread_mutex_unlock(&c->lock);
}
