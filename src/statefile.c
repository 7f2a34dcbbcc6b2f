// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * statefile: atomic replacement of small private files.  A reader sees
 * the old file or the new one, never a mix, even after a crash: the data
 * reaches the disk (fsync) before the rename makes it visible, and the
 * directory is synced so the rename itself survives.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "statefile.h"

int statefile_default_dir(char **out)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	/* The XDG spec says a relative value is invalid and must be
	 * ignored. */
	if (xdg && xdg[0] == '/')
		n = asprintf(out, "%s/scfs", xdg);
	else if (home && home[0] == '/')
		n = asprintf(out, "%s/.cache/scfs", home);
	else
		return -ENOENT;
	if (n < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

int statefile_mkdirs(const char *dir)
{
	char *path = strdup(dir), *p;
	int rc = 0, end;

	if (!path)
		return -ENOMEM;
	for (p = path + 1; !rc; p++) {
		if (*p && *p != '/')
			continue;
		end = !*p;
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST)
			rc = -errno;
		if (end)
			break;
		*p = '/';
	}
	free(path);
	return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		rc = -errno;
	close(fd);
	return rc;
}

int statefile_write(const char *dir, const char *name, const void *data,
		    size_t len)
{
	char *tmp = NULL, *path = NULL;
	int fd = -1, rc = 0;

	if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, name) < 0 ||
	    asprintf(&path, "%s/%s", dir, name) < 0) {
		rc = -ENOMEM;
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);	/* mode 0600 */
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	rc = write_all(fd, data, len);
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	else
		rc = sync_dir(dir);
out:
	free(tmp);
	free(path);
	return rc;
}

static int read_fd(int fd, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *data;
	ssize_t n;
	size_t got = 0;

	if (fstat(fd, &st))
		return -errno;
	if ((size_t)st.st_size > max)
		return -E2BIG;
	data = malloc((size_t)st.st_size + 1);
	if (!data)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		n = read(fd, data + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* shrank under us: what we have is a file */
		got += (size_t)n;
	}
	data[got] = '\0';
	*out = data;
	*len = got;
	return 0;
}

int statefile_read(const char *dir, const char *name, size_t max,
		   char **out, size_t *len)
{
	char *path;
	int fd, rc;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return -errno;
	rc = read_fd(fd, max, out, len);
	close(fd);
	return rc;
}

int statefile_lock(const char *dir, const char *name)
{
	char *path;
	int fd;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(path);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR) {
			int rc = -errno;

			close(fd);
			return rc;
		}
	}
	return fd;
}

void statefile_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* drops the flock */
}
