/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scfs_copy: copies from the mount into S3, as the daemon sees them.
 * Composes the catalog (which file, may it be copied), the copy queue and
 * the S3 client, so that the FUSE adapter only passes paths and values.
 * S3 settings come from the environment at mount time (as the AWS CLI reads
 * them) or the s3_* mount options.  Must not include fuse.
 */
#ifndef SCFS_SCFS_COPY_H
#define SCFS_SCFS_COPY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct catalog;
struct http_client;

struct scfs_copy_conf {
	const char *s3_endpoint;	/* NULL: the AWS variables, then AWS */
	const char *s3_region;
	int s3_path_style;
	size_t part_size;		/* 0: the uploader's default */
	unsigned concurrency;
	unsigned workers;		/* copies at once; 0: default */
	int daemon;			/* the daemon forks to the background:
					 * the watchdog logs to syslog */
};

struct scfs_copy;

/* Load the S3 settings and fork the upload watchdog (s3_guard.h), which
 * aborts the copies' open uploads if the daemon is killed.  Call before
 * any thread exists, before libcurl is initialised and before the mount
 * (the watchdog must not hold the FUSE device).  Missing AWS credentials
 * do not fail here: each copy then fails with the reason.  The conf's
 * strings are not kept. */
int scfs_copy_new(const struct scfs_copy_conf *conf, struct scfs_copy **out);
/* The S3 client and the copy queue.  cat and http are borrowed and must
 * outlive the copier.  No thread starts until the first copy. */
int scfs_copy_start(struct scfs_copy *c, struct catalog *cat,
		    struct http_client *http);
/* Aborts running copies, waits for them, then stops the watchdog.  NULL
 * is a no-op. */
void scfs_copy_free(struct scfs_copy *c);

/* setxattr("user.s3.copy") on path: 0 when queued, -EINVAL for a
 * malformed value, -EACCES when policy forbids copying the track, -EBUSY
 * when a copy of it runs, -ENOENT, -EISDIR. */
int scfs_copy_submit(struct scfs_copy *c, const char *path,
		     const char *value, size_t size);

/* The SoundCloud API is paused for its rate limit until until_ms (wall
 * clock, ms since the epoch): statuses of copies not yet done say they
 * may be waiting, after INTERFACE.md's text.  Any thread; NULL c: no-op. */
void scfs_copy_note_wait(struct scfs_copy *c, int64_t until_ms);

/* getxattr("user.s3.copy.status") semantics: the status line's length
 * with size 0, -ERANGE when buf is too small. */
ssize_t scfs_copy_status(struct scfs_copy *c, const char *path, char *buf,
			 size_t size);

#endif
