/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source: the seam every byte reader sits behind (s3backer's store vtable).
 * A track's original on a CDN, an HLS rendition, a local file, stdin and
 * the in-memory test double all look the same to the reader and the
 * uploader.
 */
#ifndef SCFS_SOURCE_H
#define SCFS_SOURCE_H

#include <stdint.h>
#include <sys/types.h>

struct source;

struct source_ops {
	/* Read up to len bytes at off into buf.  Returns the count (short
	 * only at the end), 0 at or past the end, or a negative errno
	 * (-ESTALE when the bytes changed upstream since the source was
	 * opened, -ESPIPE when a sequential-only source is asked to seek).
	 * May be called from several threads at once unless the source says
	 * otherwise. */
	ssize_t (*read)(struct source *src, void *buf, size_t len, int64_t off);
	void (*free)(struct source *src);
};

struct source {
	const struct source_ops *ops;
	int64_t size;		/* bytes, or -1 while unknown */
	int sequential_only;	/* pipes: reads must come in order */
	char *content_type;	/* owned by the source; NULL when unknown */
	char *name;		/* a file name for prefix destinations; owned */
};

static inline ssize_t source_read(struct source *src, void *buf, size_t len,
				  int64_t off)
{
	return src->ops->read(src, buf, len, off);
}

static inline void source_free(struct source *src)
{
	if (src)
		src->ops->free(src);
}

/* Fill buf with exactly len bytes from off unless the source ends first.
 * Returns the count or a negative errno. */
ssize_t source_read_full(struct source *src, void *buf, size_t len,
			 int64_t off);

/* A source over an open descriptor (a file, or a pipe read in order).
 * Takes ownership of fd.  name is copied. */
int source_fd_new(int fd, const char *name, struct source **out);

#endif
