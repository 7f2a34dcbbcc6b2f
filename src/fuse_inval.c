// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse_inval: a queue of paths and one thread that empties it.
 */
#include <errno.h>
#include <fuse.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_inval.h"
#include "log.h"
#include "open_pins.h"
#include "parallel.h"

struct inval_item {
	struct inval_item *next;
	char path[];
};

struct fuse_inval {
	struct fuse *fuse;
	struct open_pins *pins;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* an item was queued; stop */
	struct inval_item *head, **tail;	/* protected by lock */
	int stop;			/* protected by lock */
};

static void *inval_main(void *arg)
{
	struct fuse_inval *iv = arg;
	struct inval_item *it;
	int rc;

	pthread_mutex_lock(&iv->lock);
	for (;;) {
		while (!iv->head && !iv->stop)
			pthread_cond_wait(&iv->cond, &iv->lock);
		it = iv->head;
		if (!it)
			break;
		iv->head = it->next;
		if (!iv->head)
			iv->tail = &iv->head;
		pthread_mutex_unlock(&iv->lock);
		/* -ENOENT: the kernel never saw the path, nothing to drop */
		rc = fuse_invalidate_path(iv->fuse, it->path);
		if (rc && rc != -ENOENT)
			log_debug(LOG_SUB_CATALOG, "cannot drop the kernel's view of %s: %s", it->path,
				  strerror(-rc));
		open_pins_invalidated(iv->pins, it->path);
		free(it);
		pthread_mutex_lock(&iv->lock);
	}
	pthread_mutex_unlock(&iv->lock);
	return NULL;
}

int fuse_inval_start(struct fuse *f, struct open_pins *pins,
		     struct fuse_inval **out)
{
	struct fuse_inval *iv = calloc(1, sizeof(*iv));
	int rc;

	if (!iv)
		return -ENOMEM;
	iv->fuse = f;
	iv->pins = pins;
	iv->tail = &iv->head;
	pthread_mutex_init(&iv->lock, NULL);
	pthread_cond_init(&iv->cond, NULL);
	rc = parallel_thread_start(&iv->thread, inval_main, iv);
	if (rc) {
		pthread_cond_destroy(&iv->cond);
		pthread_mutex_destroy(&iv->lock);
		free(iv);
		return -rc;
	}
	*out = iv;
	return 0;
}

void fuse_inval_path(struct fuse_inval *iv, const char *path)
{
	size_t len = strlen(path) + 1;
	struct inval_item *it;

	if (!iv)
		return;
	it = malloc(sizeof(*it) + len);
	if (!it)
		return;
	it->next = NULL;
	memcpy(it->path, path, len);
	pthread_mutex_lock(&iv->lock);
	*iv->tail = it;
	iv->tail = &it->next;
	pthread_cond_signal(&iv->cond);
	pthread_mutex_unlock(&iv->lock);
}

void fuse_inval_stop(struct fuse_inval *iv)
{
	if (!iv)
		return;
	pthread_mutex_lock(&iv->lock);
	iv->stop = 1;
	pthread_cond_signal(&iv->cond);
	pthread_mutex_unlock(&iv->lock);
	pthread_join(iv->thread, NULL);
	pthread_cond_destroy(&iv->cond);
	pthread_mutex_destroy(&iv->lock);
	free(iv);
}
