/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * s3_guard: a watchdog process that aborts the multipart uploads a process
 * left open when it died without finishing them (SIGKILL, the OOM
 * killer).  S3 keeps and bills the parts of an unfinished upload until
 * someone aborts it; no handler runs on SIGKILL, so the abort must come
 * from another process.
 *
 * The watchdog is forked before any thread or libcurl state exists and
 * holds nothing but its end of a socket pair and the AWS configuration.
 * Its parent tells it of every upload it creates and of every upload that
 * is over, from any thread, so several can be open at once (sc2s3 sync
 * --jobs, the daemon's copy workers).  When the socket reaches end of file
 * (every process holding the other end has exited, however it exited),
 * the watchdog aborts the uploads still open and exits.  A process that
 * forks after starting it (fuse_daemonize) passes the duty on: the
 * watchdog acts only once the last holder is gone.  It ignores SIGINT,
 * SIGTERM and SIGHUP: its parent handles those itself, and a Ctrl-C that
 * reaches the whole process group must not kill the watchdog first.
 * Must not include fuse.
 */
#ifndef SCFS_S3_GUARD_H
#define SCFS_S3_GUARD_H

#include "aws_config.h"
#include "sink.h"

struct s3_guard_conf {
	/* Who is watched, for messages and the watchdog's process name
	 * ("OWNER-guard"): "sc2s3", "scfs". */
	const char *owner;
	/* The watched process becomes a daemon: the watchdog logs to syslog,
	 * lets go of the terminal (stdio on /dev/null) and of the working
	 * directory, as fuse_daemonize does for the daemon. */
	int daemon;
};

struct s3_guard;

/* Fork the watchdog.  aws is used by the child only, which builds its own
 * HTTP and S3 clients when it has uploads to abort.  Call before any
 * thread is created and before libcurl is initialised.  Returns 0 or a
 * negative errno (then run without a watchdog). */
int s3_guard_start(const struct s3_guard_conf *conf,
		   const struct aws_config *aws, struct s3_guard **out);

/* Callbacks for sink_s3_set_watch that tell the watchdog; thread-safe.
 * Borrowed from g, valid until s3_guard_stop.  NULL when g is NULL. */
const struct sink_s3_watch *s3_guard_watch(struct s3_guard *g);

/* Tell the watchdog that this is a clean stop, close our end and reap it
 * (when it is our child).  The watchdog then aborts nothing: the caller
 * has aborted what it had to, and an upload that still looks open is one
 * whose Complete answer was lost, then checked by HEAD.  NULL is a no-op. */
void s3_guard_stop(struct s3_guard *g);

#endif
