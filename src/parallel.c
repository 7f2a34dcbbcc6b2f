// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parallel: a shared counter hands out indices; every thread, the caller
 * included, takes the next one until none is left.  Threads live only for
 * one call, so nothing outlives it and there is no pool to shut down.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include "parallel.h"

struct parallel_job {
	void (*fn)(void *arg, size_t i);
	void *arg;
	size_t n;
	pthread_mutex_t lock;
	size_t next;		/* protected by lock */
};

static void *worker(void *p)
{
	struct parallel_job *job = p;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&job->lock);
		i = job->next < job->n ? job->next++ : job->n;
		pthread_mutex_unlock(&job->lock);
		if (i == job->n)
			return NULL;
		job->fn(job->arg, i);
	}
}

int parallel_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

void parallel_for(size_t n, unsigned threads,
		  void (*fn)(void *arg, size_t i), void *arg)
{
	struct parallel_job job = { .fn = fn, .arg = arg, .n = n };
	pthread_t *helpers = NULL;
	size_t want = threads > 1 ? threads - 1 : 0, started = 0, i;

	if (want > n)
		want = n ? n - 1 : 0;
	pthread_mutex_init(&job.lock, NULL);
	if (want)
		helpers = calloc(want, sizeof(*helpers));
	for (i = 0; helpers && i < want; i++) {
		if (parallel_thread_start(&helpers[started], worker, &job))
			break;
		started++;
	}
	worker(&job);
	for (i = 0; i < started; i++)
		pthread_join(helpers[i], NULL);
	free(helpers);
	pthread_mutex_destroy(&job.lock);
}
