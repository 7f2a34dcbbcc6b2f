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
};

struct scfs_copy;

/* cat and http are borrowed and must outlive the copier.  Missing AWS
 * credentials do not fail here: each copy then fails with the reason. */
int scfs_copy_new(const struct scfs_copy_conf *conf, struct catalog *cat,
		  struct http_client *http, struct scfs_copy **out);
/* Aborts running copies and waits for them. */
void scfs_copy_free(struct scfs_copy *c);

/* setxattr("user.s3.copy") on path: 0 when queued, -EINVAL for a
 * malformed value, -EACCES when policy forbids copying the track, -EBUSY
 * when a copy of it runs, -ENOENT, -EISDIR. */
int scfs_copy_submit(struct scfs_copy *c, const char *path,
		     const char *value, size_t size);

/* getxattr("user.s3.copy.status") semantics: the status line's length
 * with size 0, -ERANGE when buf is too small. */
ssize_t scfs_copy_status(struct scfs_copy *c, const char *path, char *buf,
			 size_t size);

#endif
