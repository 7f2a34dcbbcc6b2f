/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * open_pins: what the kernel may hold of each file, so that a new version
 * of a track never meets the old one's page cache or size.
 *
 * The kernel caches a file's pages and attributes per path (one inode),
 * not per version.  When a track changes upstream while a descriptor of
 * the old version is open, two things could mix bytes or cut them short:
 * the page cache (pages of one version read through a descriptor of the
 * other) and the size (a smaller new size bounds cached reads of the old
 * descriptor, which would end early without an error).  So:
 *
 *  - a version opened through the page cache is pinned: until its last
 *    such descriptor closes, getattr answers its attributes, and any other
 *    version of the path is opened in direct-I/O mode (no page cache, no
 *    size bound);
 *  - when the pin ends after a change, or when a refresh changes a path
 *    that nothing pins, the kernel's view of the path must be invalidated
 *    (attributes and pages); until that is done, opens are direct too.
 *
 * Pure bookkeeping: the caller performs the invalidations.  Thread-safe.
 */
#ifndef SCFS_OPEN_PINS_H
#define SCFS_OPEN_PINS_H

#include <stdint.h>
#include <time.h>

enum open_mode {
	OPEN_CACHED,	/* through the page cache; pins the version */
	OPEN_DIRECT,	/* direct I/O; pins nothing */
};

struct open_decision {
	enum open_mode mode;
	int keep_cache;		/* OPEN_CACHED: the kernel's pages are this version's */
	int invalidate;		/* the caller must invalidate the path, then
				 * call open_pins_invalidated */
};

struct open_pins;

int open_pins_new(struct open_pins **out);
void open_pins_free(struct open_pins *p);

/* How to open path at version key (a string naming the bytes), whose
 * attributes are size and mtime.  Returns 0 or -ENOMEM.  A descriptor
 * opened OPEN_CACHED must be reported to open_pins_close. */
int open_pins_open(struct open_pins *p, const char *path, const char *key,
		   int64_t size, time_t mtime, struct open_decision *out);

/* An OPEN_CACHED descriptor of path closed.  Returns 1 when the caller
 * must invalidate the path (then call open_pins_invalidated), else 0. */
int open_pins_close(struct open_pins *p, const char *path);

/* A refresh changed or removed path.  Returns 1 when the caller must
 * invalidate it now (then call open_pins_invalidated); 0 when it is pinned
 * (the invalidation comes with the last close) or memory ran out (-ENOMEM
 * is not reported: the next open of a new version still goes direct). */
int open_pins_changed(struct open_pins *p, const char *path);

/* An invalidation asked for by one of the calls above is done. */
void open_pins_invalidated(struct open_pins *p, const char *path);

/* The attributes getattr must answer for path while it is pinned: 1 and
 * size, mtime filled; 0 when nothing pins it. */
int open_pins_attr(struct open_pins *p, const char *path, int64_t *size,
		   time_t *mtime);

#endif
