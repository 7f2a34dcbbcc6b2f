/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount_tune: the kernel's read-ahead for our own mount.  FUSE's INIT can
 * only lower a mount's read-ahead below the kernel default (128 KiB); the
 * mount's backing device in sysfs can raise it, and only root may write
 * there.  One sequential read of 1 MiB then reaches the daemon as one
 * request instead of eight.
 */
#ifndef SCFS_MOUNT_TUNE_H
#define SCFS_MOUNT_TUNE_H

#include <stddef.h>

/* The "MAJOR:MINOR" of the last mount at mountpoint (an absolute path)
 * in text, which has /proc/self/mountinfo's format.  Pure.  Returns 0,
 * or -ENOENT when no line names that mount point. */
int mount_tune_find_dev(const char *mountinfo, const char *mountpoint,
			char *dev, size_t dev_size);

/* Set the read-ahead of the mount at mountpoint to kib KiB, where the
 * process may (root); says why not at debug level otherwise.  Returns 0
 * or a negative errno. */
int mount_tune_readahead(const char *mountpoint, unsigned kib);

#endif
