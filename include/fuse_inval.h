/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuse_inval: a thread that drops the kernel's attributes and pages of
 * paths whose bytes changed (open_pins.h says when).  The kernel's
 * invalidation waits for pages that reads in flight hold, so it must not
 * run on a FUSE thread (with -s, the only one) nor under a lock a read
 * needs: it runs here, and tells open_pins when each path is done.
 */
#ifndef SCFS_FUSE_INVAL_H
#define SCFS_FUSE_INVAL_H

struct fuse;
struct open_pins;
struct fuse_inval;

/* Start the thread (after daemonizing: FUSE's .init).  f and pins are
 * borrowed and must outlive it.  Returns 0 or a negative errno. */
int fuse_inval_start(struct fuse *f, struct open_pins *pins,
		     struct fuse_inval **out);
/* Queue path (copied); returns at once.  When it cannot be queued, the
 * path stays pending in pins, so its opens stay direct: slower, never
 * wrong.  NULL iv: the same. */
void fuse_inval_path(struct fuse_inval *iv, const char *path);
/* Finish what is queued, stop the thread, free.  NULL is a no-op. */
void fuse_inval_stop(struct fuse_inval *iv);

#endif
