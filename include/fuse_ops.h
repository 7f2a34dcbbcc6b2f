/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuse_ops: the FUSE adapter.  Translates FUSE calls into catalog and
 * reader calls and returns their negative errnos unchanged; no I/O and no
 * policy of its own.
 */
#ifndef SCFS_FUSE_OPS_H
#define SCFS_FUSE_OPS_H

#include <sys/types.h>

struct catalog;

/* What the adapter reaches through fuse_get_context()->private_data. */
struct scfs_fs {
	struct catalog *cat;	/* borrowed from main */
	uid_t uid;		/* owner of every node */
	gid_t gid;
	double ttl;		/* kernel attribute and entry cache, seconds */
};

struct fuse_operations;

/* The operations table. */
const struct fuse_operations *scfs_fuse_operations(void);

#endif
