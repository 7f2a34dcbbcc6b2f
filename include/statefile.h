/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * statefile: small private files under the cache directory (tokens, the
 * metadata cache).  A write never leaves a torn file behind: it goes to a
 * temporary file that is fsync'd and renamed over the old one, mode 0600.
 * No knowledge of what the files hold.  Thread-safe (no shared state).
 */
#ifndef SCFS_STATEFILE_H
#define SCFS_STATEFILE_H

#include <stddef.h>

/* The default cache directory: $XDG_CACHE_HOME/scfs, else
 * $HOME/.cache/scfs.  Caller frees *out.  -ENOENT when neither variable
 * is set to an absolute path. */
int statefile_default_dir(char **out);

/* mkdir -p dir with mode 0700 for what it creates.  0 or -errno. */
int statefile_mkdirs(const char *dir);

/* Replace dir/name with len bytes of data, atomically (temporary file in
 * dir, fsync, rename, fsync of dir), mode 0600.  0 or -errno. */
int statefile_write(const char *dir, const char *name, const void *data,
		    size_t len);

/* The whole of dir/name, NUL-terminated, into *out (caller frees), at
 * most max bytes.  -ENOENT when absent, -E2BIG when larger than max. */
int statefile_read(const char *dir, const char *name, size_t max,
		   char **out, size_t *len);

/* An exclusive advisory lock (flock) on dir/name, created 0600 if
 * needed; blocks until held.  Returns the descriptor to pass to
 * statefile_unlock, or -errno.  Serialises processes, not threads. */
int statefile_lock(const char *dir, const char *name);
void statefile_unlock(int fd);

#endif
