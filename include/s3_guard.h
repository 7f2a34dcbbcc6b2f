/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * s3_guard: a watchdog process that aborts the multipart upload in progress
 * when sc2s3 dies without finishing it (SIGKILL, the OOM killer).  S3 keeps
 * and bills the parts of an unfinished upload until someone aborts it; no
 * handler runs on SIGKILL, so the abort must come from another process.
 *
 * The watchdog is forked before any thread or libcurl state exists and
 * holds nothing but the read end of a pipe and the AWS configuration.  The
 * parent tells it which upload is open; when the pipe reaches end of file
 * (the parent exited, however it exited) with an upload still open, the
 * watchdog aborts it and exits.  It ignores SIGINT, SIGTERM and SIGHUP: the
 * parent handles those itself, and a Ctrl-C that reaches the whole process
 * group must not kill the watchdog first.  Must not include fuse.
 */
#ifndef SCFS_S3_GUARD_H
#define SCFS_S3_GUARD_H

#include "aws_config.h"

struct s3_guard;

/* Fork the watchdog.  aws is used by the child only, which builds its own
 * HTTP and S3 clients when it has an upload to abort.  Call before any
 * thread is created and before libcurl is initialised.  Returns 0 or a
 * negative errno (then run without a watchdog). */
int s3_guard_start(const struct aws_config *aws, struct s3_guard **out);

/* The upload now open (strings copied into the pipe), or none. */
void s3_guard_set(struct s3_guard *g, const char *bucket, const char *key,
		  const char *upload_id);
void s3_guard_clear(struct s3_guard *g);

/* Clear, close the pipe and reap the watchdog.  NULL is a no-op. */
void s3_guard_stop(struct s3_guard *g);

#endif
