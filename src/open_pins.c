// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * open_pins: one record per path that was opened or changed, in a binary
 * tree (tsearch).  Records stay for the mount's life: their number is
 * bounded by the files of the tree, and the version a record remembers is
 * what makes keep_cache safe.
 */
#include <errno.h>
#include <pthread.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "open_pins.h"

struct pin {
	char *path;		/* owned; the tree's key */
	char *key;		/* owned; the version the kernel may cache;
				 * NULL: none (nothing cached, or unknown) */
	int64_t size;		/* the pinned version's attributes */
	time_t mtime;
	unsigned opens;		/* OPEN_CACHED descriptors of key */
	unsigned pending;	/* invalidations asked for, not yet done */
	int stale;		/* changed upstream while pinned */
};

struct open_pins {
	pthread_mutex_t lock;
	void *root;		/* tsearch tree of struct pin */
};

static int cmp_pin(const void *a, const void *b)
{
	return strcmp(((const struct pin *)a)->path,
		      ((const struct pin *)b)->path);
}

static void pin_free(void *v)
{
	struct pin *e = v;

	free(e->path);
	free(e->key);
	free(e);
}

int open_pins_new(struct open_pins **out)
{
	struct open_pins *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	*out = p;
	return 0;
}

void open_pins_free(struct open_pins *p)
{
	if (!p)
		return;
	tdestroy(p->root, pin_free);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* Called with lock held. */
static struct pin *find(struct open_pins *p, const char *path)
{
	struct pin probe = { .path = (char *)path };
	struct pin **found = tfind(&probe, &p->root, cmp_pin);

	return found ? *found : NULL;
}

/* Called with lock held.  NULL when out of memory. */
static struct pin *find_or_add(struct open_pins *p, const char *path)
{
	struct pin *e = find(p, path);
	struct pin **slot;

	if (e)
		return e;
	e = calloc(1, sizeof(*e));
	if (!e || !(e->path = strdup(path)))
		goto fail;
	slot = tsearch(e, &p->root, cmp_pin);
	if (!slot)
		goto fail;
	return e;
fail:
	if (e)
		free(e->path);
	free(e);
	return NULL;
}

static int set_key(struct pin *e, const char *key)
{
	char *copy = key ? strdup(key) : NULL;

	if (key && !copy)
		return -ENOMEM;
	free(e->key);
	e->key = copy;
	return 0;
}

int open_pins_open(struct open_pins *p, const char *path, const char *key,
		   int64_t size, time_t mtime, struct open_decision *out)
{
	struct pin *e;
	int rc = 0;

	*out = (struct open_decision){ .mode = OPEN_DIRECT };
	pthread_mutex_lock(&p->lock);
	e = find_or_add(p, path);
	if (!e) {
		rc = -ENOMEM;
		goto out;
	}
	if (e->pending)
		goto out;		/* the kernel's view is being dropped */
	if (e->opens) {
		if (!strcmp(e->key, key)) {
			e->opens++;
			*out = (struct open_decision){ OPEN_CACHED, 1, 0 };
		}
		goto out;		/* another version is pinned: direct */
	}
	if (e->key && strcmp(e->key, key)) {
		/* A version the kernel may still hold, and no refresh said
		 * so: drop it first, go direct meanwhile. */
		e->pending++;
		out->invalidate = 1;
		rc = set_key(e, NULL);
		goto out;
	}
	out->keep_cache = e->key != NULL;
	rc = set_key(e, key);
	if (rc)
		goto out;
	e->size = size;
	e->mtime = mtime;
	e->opens = 1;
	e->stale = 0;
	out->mode = OPEN_CACHED;
out:
	pthread_mutex_unlock(&p->lock);
	return rc;
}

int open_pins_close(struct open_pins *p, const char *path)
{
	struct pin *e;
	int invalidate = 0;

	pthread_mutex_lock(&p->lock);
	e = find(p, path);
	if (e && e->opens && !--e->opens && e->stale) {
		/* getattr answered the old version until now */
		e->stale = 0;
		e->pending++;
		set_key(e, NULL);
		invalidate = 1;
	}
	pthread_mutex_unlock(&p->lock);
	return invalidate;
}

int open_pins_changed(struct open_pins *p, const char *path)
{
	struct pin *e;
	int invalidate = 0;

	pthread_mutex_lock(&p->lock);
	e = find_or_add(p, path);
	if (e && e->opens) {
		e->stale = 1;
	} else if (e) {
		e->pending++;
		set_key(e, NULL);
		invalidate = 1;
	}
	pthread_mutex_unlock(&p->lock);
	return invalidate;
}

void open_pins_invalidated(struct open_pins *p, const char *path)
{
	struct pin *e;

	pthread_mutex_lock(&p->lock);
	e = find(p, path);
	if (e && e->pending)
		e->pending--;
	pthread_mutex_unlock(&p->lock);
}

int open_pins_attr(struct open_pins *p, const char *path, int64_t *size,
		   time_t *mtime)
{
	struct pin *e;
	int pinned = 0;

	pthread_mutex_lock(&p->lock);
	e = find(p, path);
	if (e && e->opens) {
		*size = e->size;
		*mtime = e->mtime;
		pinned = 1;
	}
	pthread_mutex_unlock(&p->lock);
	return pinned;
}
