/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuse_ops: the FUSE adapter.  Translates FUSE calls into catalog and
 * reader calls and returns their negative errnos unchanged; no I/O and no
 * policy of its own.
 */
#ifndef SCFS_FUSE_OPS_H
#define SCFS_FUSE_OPS_H

#include <stdint.h>
#include <sys/types.h>

#include "reader.h"	/* the read path's defaults, for -h */

struct catalog;
struct fuse_inval;
struct open_pins;
struct reader_pool;
struct scfs_copy;

/* What the adapter reaches through fuse_get_context()->private_data. */
struct scfs_fs {
	struct catalog *cat;	/* borrowed from main */
	uid_t uid;		/* owner of every node */
	gid_t gid;
	double ttl;		/* kernel attribute and entry cache, seconds */
	/* The read path (reader.h): its options, 0 for the defaults; the
	 * pool of readers is made in .init (after daemonizing) and freed in
	 * .destroy. */
	size_t cache_size;	/* bytes */
	size_t readahead_max;	/* bytes */
	const char *disk_cache_dir;	/* borrowed from main; NULL: none */
	uint64_t disk_cache_size;	/* bytes; 0: the default */
	struct reader_pool *readers;
	struct scfs_copy *copy;	/* borrowed from main; user.s3.copy */
	/* Which version of each file the kernel may cache, and the thread
	 * that drops what a change made wrong: made in .init. */
	struct open_pins *pins;
	struct fuse_inval *inval;
};

/* The largest read the adapter asks the kernel for; main also sets the
 * mount's kernel read-ahead to it (mount_tune.h). */
#define SCFS_MAX_READ (1u << 20)

struct fuse_operations;

/* The operations table. */
const struct fuse_operations *scfs_fuse_operations(void);

#endif
