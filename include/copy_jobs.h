/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * copy_jobs: the queue behind `setfattr -n user.s3.copy -v s3://b/k FILE`.
 * A submit only queues and returns; a bounded pool of worker threads (never
 * FUSE threads) streams each file through the uploader into S3.  The status
 * of the last copy of each file is kept for user.s3.copy.status.  Freeing
 * the queue cancels running copies, which abort their uploads.
 * Must not include fuse, curl or S3 headers: files and S3 are reached
 * through the callbacks.
 */
#ifndef SCFS_COPY_JOBS_H
#define SCFS_COPY_JOBS_H

#include <stddef.h>

#include "uploader.h"

struct copy_jobs_ops {
	/* Open the bytes of file (as given to submit).  Worker thread. */
	int (*open_source)(void *arg, const char *file, struct source **out);
	/* A sink for s3://bucket/key receiving file's bytes from src (for
	 * type, size and metadata).  Worker thread.  On failure, why holds a
	 * line for the status. */
	int (*open_sink)(void *arg, const char *file, const char *bucket,
			 const char *key, struct source *src, struct sink **out,
			 char *why, size_t why_size);
};

struct copy_jobs_conf {
	unsigned workers;		/* 0: COPY_JOBS_WORKERS_DEFAULT */
	size_t part_size;		/* as upload_conf */
	unsigned concurrency;
};

/* Copies running at once: each has its parts in flight already, so two
 * keep S3 busy while bounding memory to 2 x (concurrency + 1) parts. */
#define COPY_JOBS_WORKERS_DEFAULT 2

struct copy_jobs;

/* ops and arg are borrowed for the queue's lifetime.  No thread starts
 * until the first submit. */
int copy_jobs_new(const struct copy_jobs_conf *conf,
		  const struct copy_jobs_ops *ops, void *arg,
		  struct copy_jobs **out);
/* Cancel running copies (their uploads are aborted), fail queued ones,
 * join the workers, free everything. */
void copy_jobs_free(struct copy_jobs *jobs);

/* Queue a copy of file to value ("s3://bucket/key", or "s3://bucket/prefix/"
 * to which name is appended; value_len bytes, not NUL-terminated, one
 * trailing newline tolerated).  Returns 0 when queued, -EINVAL for a
 * malformed value (why says what is wrong), -EBUSY when a copy of file is
 * queued or running, -ESHUTDOWN while stopping, -ENOMEM.  Any thread. */
int copy_jobs_submit(struct copy_jobs *jobs, const char *file,
		     const char *name, const char *value, size_t value_len,
		     char *why, size_t why_size);

/* The status line of file's last copy: "idle", "queued s3://b/k",
 * "copying s3://b/k DONE/TOTAL", "done s3://b/k etag=ETAG bytes=N" or
 * "failed s3://b/k: REASON".  Returns its length (truncated to size - 1). */
size_t copy_jobs_status(struct copy_jobs *jobs, const char *file, char *out,
			size_t size);

/* Block until no copy is queued or running (tests, clean shutdown). */
void copy_jobs_wait_idle(struct copy_jobs *jobs);

#endif
