// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * source_fd: a local file or a pipe as a source.  Pipes are read strictly
 * in order; the uploader never asks otherwise.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"

struct source_fd {
	struct source base;
	int fd;
	int64_t pos;	/* next offset of a sequential source */
};

static ssize_t fd_read(struct source *src, void *buf, size_t len, int64_t off)
{
	struct source_fd *s = (struct source_fd *)src;
	ssize_t n;

	if (src->sequential_only && off != s->pos)
		return -ESPIPE;
	/* EINTR is not retried: the only handlers installed are the ones
	 * that ask us to stop, and a pipe may never deliver another byte. */
	n = src->sequential_only ? read(s->fd, buf, len) :
	    pread(s->fd, buf, len, off);
	if (n < 0)
		return -errno;
	s->pos = off + n;
	return n;
}

static void fd_free(struct source *src)
{
	struct source_fd *s = (struct source_fd *)src;

	close(s->fd);
	free(src->content_type);
	free(src->name);
	free(s);
}

static const struct source_ops source_fd_ops = {
	.read = fd_read,
	.free = fd_free,
};

int source_fd_new(int fd, const char *name, struct source **out)
{
	struct source_fd *s;
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->base.ops = &source_fd_ops;
	s->base.name = strdup(name ? name : "stdin");
	if (!s->base.name) {
		free(s);
		return -ENOMEM;
	}
	s->fd = fd;
	/* Files on a FUSE mount in direct-I/O mode may report 0 while having
	 * bytes; only a regular file with a size is trusted as sized. */
	s->base.sequential_only = !S_ISREG(st.st_mode);
	s->base.size = S_ISREG(st.st_mode) && st.st_size > 0 ? st.st_size : -1;
	*out = &s->base;
	return 0;
}

ssize_t source_read_full(struct source *src, void *buf, size_t len,
			 int64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = source_read(src, (char *)buf + done, len - done,
				off + (int64_t)done);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}
