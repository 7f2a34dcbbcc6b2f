// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse_ops: the only module that speaks FUSE (with main.c, which mounts).
 * Every callback looks a node up in the catalog and answers from it; open
 * files are readers in fi->fh.  Every write path answers EROFS.
 */
#include <errno.h>
#include <fuse.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog.h"
#include "fuse_ops.h"
#include "log.h"
#include "reader.h"

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

static void *scfs_op_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	struct scfs_fs *fs = fs_of_context();

	(void)conn;
	cfg->entry_timeout = fs->ttl;
	cfg->attr_timeout = fs->ttl;
	cfg->negative_timeout = fs->ttl;
	cfg->use_ino = 0;
	return fs;
}

static int scfs_op_getattr(const char *path, struct stat *st,
			   struct fuse_file_info *fi)
{
	struct scfs_fs *fs = fs_of_context();
	struct catalog_node n;
	int rc;

	(void)fi;
	rc = catalog_lookup(fs->cat, path, &n);
	if (!rc)
		fill_stat(fs, &n, st);
	return rc;
}

struct fill_ctx {
	struct scfs_fs *fs;
	void *buf;
	fuse_fill_dir_t filler;
};

static int fill_one(void *arg, const char *name, const struct catalog_node *n)
{
	struct fill_ctx *c = arg;
	struct stat st;

	fill_stat(c->fs, n, &st);
	return c->filler(c->buf, name, &st, 0, FUSE_FILL_DIR_PLUS) ? -ENOBUFS : 0;
}

static int scfs_op_readdir(const char *path, void *buf, fuse_fill_dir_t filler,
			   off_t off, struct fuse_file_info *fi,
			   enum fuse_readdir_flags flags)
{
	struct fill_ctx c = { fs_of_context(), buf, filler };
	struct catalog_node n;
	int rc;

	(void)off;
	(void)fi;
	(void)flags;
	rc = catalog_lookup(c.fs->cat, path, &n);
	if (rc)
		return rc;
	if (n.kind == CATALOG_FILE)
		return -ENOTDIR;
	filler(buf, ".", NULL, 0, 0);
	filler(buf, "..", NULL, 0, 0);
	rc = catalog_list(c.fs->cat, &n, fill_one, &c);
	return rc == -ENOBUFS ? 0 : rc;
}

static int scfs_op_open(const char *path, struct fuse_file_info *fi)
{
	struct scfs_fs *fs = fs_of_context();
	struct catalog_node n;
	struct source *src;
	struct reader *r;
	int rc;

	if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC))
		return -EROFS;
	rc = catalog_lookup(fs->cat, path, &n);
	if (!rc && n.kind != CATALOG_FILE)
		rc = -EISDIR;
	if (!rc)
		rc = catalog_open(fs->cat, &n, &src);
	if (!rc)
		rc = reader_new(src, &r);
	if (rc)
		return rc;
	fi->fh = (uint64_t)(uintptr_t)r;
	/* A track's bytes never change under one name; an unknown size must
	 * not be cut short by the kernel's idea of EOF. */
	fi->keep_cache = 1;
	fi->direct_io = n.size < 0;
	return 0;
}

static int scfs_op_read(const char *path, char *buf, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	struct reader *r = (struct reader *)(uintptr_t)fi->fh;

	(void)path;
	return (int)reader_read(r, buf, size, off);
}

static int scfs_op_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	reader_free((struct reader *)(uintptr_t)fi->fh);
	return 0;
}

static int scfs_op_getxattr(const char *path, const char *name, char *buf,
			    size_t size)
{
	struct catalog_node n;
	int rc = catalog_lookup(fs_of_context()->cat, path, &n);

	return rc ? rc : (int)catalog_getxattr(&n, name, buf, size);
}

static int scfs_op_listxattr(const char *path, char *buf, size_t size)
{
	struct catalog_node n;
	int rc = catalog_lookup(fs_of_context()->cat, path, &n);

	return rc ? rc : (int)catalog_listxattr(&n, buf, size);
}

static int scfs_op_setxattr(const char *path, const char *name,
			    const char *value, size_t size, int flags)
{
	(void)path;
	(void)value;
	(void)size;
	(void)flags;
	/* Copies to S3 arrive with the copy-job queue; until then say so. */
	return strcmp(name, "user.s3.copy") ? -EROFS : -ENOTSUP;
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
	.getattr = scfs_op_getattr,
	.readdir = scfs_op_readdir,
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
