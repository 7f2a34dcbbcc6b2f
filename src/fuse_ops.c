// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse_ops: the only module that speaks FUSE (with main.c, which mounts).
 * Every callback looks a node up in the catalog and answers from it; open
 * files are readers in fi->fh.  Every write path answers EROFS.
 */
#include <errno.h>
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog.h"
#include "fuse_inval.h"
#include "fuse_ops.h"
#include "log.h"
#include "open_pins.h"
#include "reader.h"
#include "scfs_copy.h"

/* An open file: fi->fh. */
struct open_file {
	struct reader *r;
	int pinned;		/* opened OPEN_CACHED: its close is reported */
	char path[];
};

static struct scfs_fs *fs_of_context(void)
{
	return fuse_get_context()->private_data;
}

static void fill_stat(const struct scfs_fs *fs, const struct catalog_node *n,
		      struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_uid = fs->uid;
	st->st_gid = fs->gid;
	st->st_mtime = st->st_ctime = st->st_atime = n->mtime;
	if (n->kind == CATALOG_FILE) {
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = n->size >= 0 ? n->size : 0;
		st->st_blocks = (st->st_size + 511) / 512;
	} else {
		st->st_mode = S_IFDIR | 0555;
		st->st_nlink = 2;
	}
	st->st_blksize = 128 * 1024;
}

/* While a version of a file is open through the page cache, the kernel
 * keeps seeing its attributes (open_pins.h): a new, smaller size would cut
 * the old descriptor's reads short without an error. */
static void apply_pin(const struct scfs_fs *fs, const char *path,
		      struct stat *st)
{
	int64_t size;
	time_t mtime;

	if (!fs->pins || !open_pins_attr(fs->pins, path, &size, &mtime))
		return;
	st->st_size = size >= 0 ? size : 0;
	st->st_blocks = (st->st_size + 511) / 512;
	st->st_mtime = st->st_ctime = st->st_atime = mtime;
}

/* Reads as large as the kernel will send (SCFS_MAX_READ): one FUSE round
 * trip per MiB instead of per 128 KiB.  libfuse derives the kernel's
 * max_pages from max_write; max_read stays 0 (no limit of our own:
 * libfuse refuses a value here that was not also given as -o max_read).
 * max_readahead can only lower the kernel's default; main raises it. */
/* Background (read-ahead) requests the kernel may have in flight: enough
 * for its read-ahead of a 1 MiB read to arrive as several requests at
 * once on several FUSE threads. */
#define SCFS_MAX_BACKGROUND 64

/* A refresh changed or removed path (on the refreshing thread, under the
 * catalog's lock: queue only). */
static void track_changed(void *arg, const char *path)
{
	struct scfs_fs *fs = arg;

	if (fs->pins && open_pins_changed(fs->pins, path))
		fuse_inval_path(fs->inval, path);
}

/* After fuse_daemonize: the read path's workers may start from here. */
static void *scfs_op_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	struct scfs_fs *fs = fs_of_context();
	struct reader_conf rc = { .cache_size = fs->cache_size,
				  .readahead_max = fs->readahead_max,
				  .disk_cache_dir = fs->disk_cache_dir,
				  .disk_cache_size = fs->disk_cache_size };
	int err;

	cfg->entry_timeout = fs->ttl;
	cfg->attr_timeout = fs->ttl;
	cfg->negative_timeout = fs->ttl;
	cfg->use_ino = 0;
	conn->max_write = SCFS_MAX_READ;
	conn->max_readahead = SCFS_MAX_READ;
	conn->max_background = SCFS_MAX_BACKGROUND;
	conn->congestion_threshold = SCFS_MAX_BACKGROUND * 3 / 4;
	err = reader_pool_new(&rc, &fs->readers);
	if (err && rc.disk_cache_dir) {
		/* main checked the directory; another mount may hold it now.
		 * Reads still work without it. */
		log_err("cannot use disk cache '%s': %s; running without it",
			rc.disk_cache_dir, strerror(-err));
		rc.disk_cache_dir = NULL;
		err = reader_pool_new(&rc, &fs->readers);
	}
	if (err)
		log_err("cannot set up the read path: %s; every open will fail",
			strerror(-err));
	err = open_pins_new(&fs->pins);
	if (!err)
		err = fuse_inval_start(fuse_get_context()->fuse, fs->pins,
				       &fs->inval);
	if (err)
		log_warn("cannot watch for changed tracks: %s; files that change upstream open in direct-I/O mode",
			 strerror(-err));
	/* From here on a refresh tells us what changed. */
	catalog_set_change_hook(fs->cat, track_changed, fs);
	return fs;
}

static void scfs_op_destroy(void *private_data)
{
	struct scfs_fs *fs = private_data;

	catalog_set_change_hook(fs->cat, NULL, NULL);
	fuse_inval_stop(fs->inval);
	fs->inval = NULL;
	reader_pool_free(fs->readers);
	fs->readers = NULL;
	open_pins_free(fs->pins);
	fs->pins = NULL;
}

static int scfs_op_getattr(const char *path, struct stat *st,
			   struct fuse_file_info *fi)
{
	struct scfs_fs *fs = fs_of_context();
	struct catalog_node n;
	int rc;

	rc = catalog_lookup(fs->cat, path, &n);
	if (!rc) {
		fill_stat(fs, &n, st);
		if (n.kind == CATALOG_FILE)
			apply_pin(fs, path, st);
		catalog_node_release(&n);
	} else if (rc == -ENOENT && fi && fi->fh &&
		   ((struct open_file *)(uintptr_t)fi->fh)->pinned) {
		/* fstat of an open file whose track is gone upstream */
		memset(st, 0, sizeof(*st));
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_uid = fs->uid;
		st->st_gid = fs->gid;
		st->st_blksize = 128 * 1024;
		apply_pin(fs, path, st);
		rc = 0;
	}
	return rc;
}

struct fill_ctx {
	struct scfs_fs *fs;
	void *buf;
	fuse_fill_dir_t filler;
	const char *dir;	/* the directory's path */
};

static int fill_one(void *arg, const char *name, const struct catalog_node *n)
{
	struct fill_ctx *c = arg;
	char path[4096];
	struct stat st;

	fill_stat(c->fs, n, &st);
	/* readdirplus sets the kernel's attributes too */
	if (n->kind == CATALOG_FILE &&
	    snprintf(path, sizeof(path), "%s/%s", c->dir, name) < (int)sizeof(path))
		apply_pin(c->fs, path, &st);
	return c->filler(c->buf, name, &st, 0, FUSE_FILL_DIR_PLUS) ? -ENOBUFS : 0;
}

/* A directory's node stays held from opendir to releasedir, so one
 * listing (and the entry offsets in it) is read from one snapshot even
 * if a refresh replaces it meanwhile. */
static int scfs_op_opendir(const char *path, struct fuse_file_info *fi)
{
	struct scfs_fs *fs = fs_of_context();
	struct catalog_node *n = malloc(sizeof(*n));
	int rc;

	if (!n)
		return -ENOMEM;
	rc = catalog_lookup(fs->cat, path, n);
	if (!rc && n->kind == CATALOG_FILE) {
		catalog_node_release(n);
		rc = -ENOTDIR;
	}
	if (rc) {
		free(n);
		return rc;
	}
	fi->fh = (uint64_t)(uintptr_t)n;
	return 0;
}

static int scfs_op_releasedir(const char *path, struct fuse_file_info *fi)
{
	struct catalog_node *n = (struct catalog_node *)(uintptr_t)fi->fh;

	(void)path;
	if (n) {
		catalog_node_release(n);
		free(n);
	}
	return 0;
}

static int scfs_op_readdir(const char *path, void *buf, fuse_fill_dir_t filler,
			   off_t off, struct fuse_file_info *fi,
			   enum fuse_readdir_flags flags)
{
	struct fill_ctx c = { fs_of_context(), buf, filler,
			      strcmp(path, "/") ? path : "" };
	const struct catalog_node *n = (struct catalog_node *)(uintptr_t)fi->fh;
	int rc;

	(void)off;
	(void)flags;
	if (!n)
		return -EBADF;
	filler(buf, ".", NULL, 0, 0);
	filler(buf, "..", NULL, 0, 0);
	rc = catalog_list(c.fs->cat, n, fill_one, &c);
	return rc == -ENOBUFS ? 0 : rc;
}

/* The page cache and the size the kernel keeps are per path, not per
 * version: open_pins decides whether this open may use them. */
static int open_mode(struct scfs_fs *fs, const char *path,
		     const struct catalog_node *n, const char *key,
		     struct open_file *of, struct fuse_file_info *fi)
{
	struct open_decision d = { .mode = OPEN_DIRECT };
	int rc = 0;

	if (fs->pins)
		rc = open_pins_open(fs->pins, path, key, n->size, n->mtime, &d);
	if (rc)
		return rc;
	if (d.invalidate)
		fuse_inval_path(fs->inval, path);
	of->pinned = d.mode == OPEN_CACHED;
	fi->keep_cache = d.keep_cache;
	/* An unknown size must not be cut short by the kernel's idea of
	 * EOF either. */
	fi->direct_io = d.mode == OPEN_DIRECT || n->size < 0;
	return 0;
}

static void open_file_free(struct scfs_fs *fs, struct open_file *of)
{
	if (of->pinned && open_pins_close(fs->pins, of->path))
		fuse_inval_path(fs->inval, of->path);
	reader_free(of->r);
	free(of);
}

static int scfs_op_open(const char *path, struct fuse_file_info *fi)
{
	struct scfs_fs *fs = fs_of_context();
	struct open_file *of = NULL;
	struct catalog_node n = { .ref = NULL };
	struct source *src = NULL;
	char key[512];
	int rc;

	if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC))
		return -EROFS;
	if (!fs->readers)
		return -ENOMEM;	/* .init could not set the read path up */
	rc = catalog_lookup(fs->cat, path, &n);
	if (rc)
		return rc;
	if (n.kind != CATALOG_FILE) {
		rc = -EISDIR;
		goto out;
	}
	of = calloc(1, sizeof(*of) + strlen(path) + 1);
	if (!of) {
		rc = -ENOMEM;
		goto out;
	}
	strcpy(of->path, path);
	/* Opens of one version share cached bytes; a new version of the
	 * track is other bytes. */
	catalog_version(&n, key, sizeof(key));
	rc = catalog_open(fs->cat, &n, &src);
	if (!rc)
		rc = reader_new(fs->readers, src, key, &of->r);
	if (!rc)
		rc = open_mode(fs, path, &n, key, of, fi);
	if (rc)
		goto out;
	fi->fh = (uint64_t)(uintptr_t)of;
	of = NULL;
out:
	if (of && of->r)
		reader_free(of->r);
	free(of);
	catalog_node_release(&n);
	return rc;
}

static int scfs_op_read(const char *path, char *buf, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	struct open_file *of = (struct open_file *)(uintptr_t)fi->fh;
	ssize_t rc;

	(void)path;
	rc = reader_read(of->r, buf, size, off);
	/* The track is gone upstream: the open file went stale, it was
	 * not "not found". */
	return rc == -ENOENT ? -ESTALE : (int)rc;
}

static int scfs_op_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	open_file_free(fs_of_context(), (struct open_file *)(uintptr_t)fi->fh);
	return 0;
}

#define XATTR_COPY "user.s3.copy"
#define XATTR_COPY_STATUS "user.s3.copy.status"

static int scfs_op_getxattr(const char *path, const char *name, char *buf,
			    size_t size)
{
	struct scfs_fs *fs = fs_of_context();
	struct catalog_node n;
	int rc = catalog_lookup(fs->cat, path, &n);

	if (rc)
		return rc;
	if (n.kind == CATALOG_FILE && !strcmp(name, XATTR_COPY_STATUS))
		rc = (int)scfs_copy_status(fs->copy, path, buf, size);
	else
		rc = (int)catalog_getxattr(&n, name, buf, size);
	catalog_node_release(&n);
	return rc;
}

/* The catalog's names, then the two of copies. */
static int scfs_op_listxattr(const char *path, char *buf, size_t size)
{
	static const char copy_names[] = XATTR_COPY "\0" XATTR_COPY_STATUS;
	struct catalog_node n;
	int rc = catalog_lookup(fs_of_context()->cat, path, &n);
	ssize_t len;

	if (rc)
		return rc;
	len = catalog_listxattr(&n, buf, size);
	if (len >= 0 && n.kind == CATALOG_FILE) {
		if (size && (size_t)len + sizeof(copy_names) > size)
			len = -ERANGE;
		else if (size)
			memcpy(buf + len, copy_names, sizeof(copy_names));
		if (len >= 0)
			len += sizeof(copy_names);
	}
	catalog_node_release(&n);
	return (int)len;
}

static int scfs_op_setxattr(const char *path, const char *name,
			    const char *value, size_t size, int flags)
{
	(void)flags;
	if (strcmp(name, XATTR_COPY))
		return -EROFS;
	return scfs_copy_submit(fs_of_context()->copy, path, value, size);
}

static int scfs_op_statfs(const char *path, struct statvfs *st)
{
	(void)path;
	memset(st, 0, sizeof(*st));
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_namemax = 255;
	st->f_flag = ST_RDONLY | ST_NOSUID | ST_NODEV;
	return 0;
}

static int erofs_path(const char *path, mode_t mode)
{
	(void)path;
	(void)mode;
	return -EROFS;
}

static int erofs_two(const char *from, const char *to)
{
	(void)from;
	(void)to;
	return -EROFS;
}

static int erofs_rename(const char *from, const char *to, unsigned flags)
{
	(void)flags;
	return erofs_two(from, to);
}

static int erofs_unlink(const char *path)
{
	return erofs_path(path, 0);
}

static int erofs_mknod(const char *path, mode_t mode, dev_t dev)
{
	(void)dev;
	return erofs_path(path, mode);
}

static int erofs_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)fi;
	return erofs_path(path, mode);
}

static int erofs_chown(const char *path, uid_t uid, gid_t gid,
		       struct fuse_file_info *fi)
{
	(void)uid;
	(void)gid;
	(void)fi;
	return erofs_path(path, 0);
}

static int erofs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	(void)size;
	(void)fi;
	return erofs_path(path, 0);
}

static int erofs_write(const char *path, const char *buf, size_t size,
		       off_t off, struct fuse_file_info *fi)
{
	(void)buf;
	(void)size;
	(void)off;
	(void)fi;
	return erofs_path(path, 0);
}

static int erofs_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)fi;
	return erofs_path(path, mode);
}

static int erofs_utimens(const char *path, const struct timespec tv[2],
			 struct fuse_file_info *fi)
{
	(void)tv;
	(void)fi;
	return erofs_path(path, 0);
}

static int erofs_removexattr(const char *path, const char *name)
{
	(void)name;
	return erofs_path(path, 0);
}

static const struct fuse_operations scfs_oper = {
	.init = scfs_op_init,
	.destroy = scfs_op_destroy,
	.getattr = scfs_op_getattr,
	.opendir = scfs_op_opendir,
	.readdir = scfs_op_readdir,
	.releasedir = scfs_op_releasedir,
	.open = scfs_op_open,
	.read = scfs_op_read,
	.release = scfs_op_release,
	.getxattr = scfs_op_getxattr,
	.listxattr = scfs_op_listxattr,
	.setxattr = scfs_op_setxattr,
	.removexattr = erofs_removexattr,
	.statfs = scfs_op_statfs,
	.mknod = erofs_mknod,
	.mkdir = erofs_path,
	.unlink = erofs_unlink,
	.rmdir = erofs_unlink,
	.symlink = erofs_two,
	.link = erofs_two,
	.rename = erofs_rename,
	.chmod = erofs_chmod,
	.chown = erofs_chown,
	.truncate = erofs_truncate,
	.write = erofs_write,
	.create = erofs_create,
	.utimens = erofs_utimens,
};

const struct fuse_operations *scfs_fuse_operations(void)
{
	return &scfs_oper;
}
