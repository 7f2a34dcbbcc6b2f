/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parallel: threads started with signals blocked, and a bounded parallel
 * for: run fn(arg, 0) .. fn(arg, n - 1) on at most `threads` threads
 * at once and wait for all of them (a bounded parallel for).  Used for
 * the catalog's size probes: each is two short requests whose time is
 * almost all network latency, so a few in flight cut a listing's time by
 * about that factor while the API sees bounded concurrency.
 */
#ifndef SCFS_PARALLEL_H
#define SCFS_PARALLEL_H

#include <pthread.h>
#include <stddef.h>

/* pthread_create with every signal blocked in the new thread, so that
 * signals meant for the process (SIGINT, SIGTERM) reach the thread that
 * handles them (libfuse's, or sc2s3's main), never a worker.  Returns 0
 * or pthread_create's error number. */
int parallel_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

/* Calls fn for every index exactly once, from the calling thread and up
 * to threads - 1 helpers (threads 0 or 1: all on the caller).  fn must be
 * safe to call concurrently for different indices; its return value is
 * ignored (record results in arg).  When a helper cannot be created the
 * remaining work runs on the threads that exist. */
void parallel_for(size_t n, unsigned threads,
		  void (*fn)(void *arg, size_t i), void *arg);

#endif
