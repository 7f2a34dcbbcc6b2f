/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * buf: a growable byte buffer with a per-use maximum (after curl's dynbuf).
 * Every network body lands in one, so that a hostile or broken server cannot
 * make us allocate without bound.  On any failure the buffer releases itself,
 * so callers never clean up a half-filled buffer.
 */
#ifndef SCFS_BUF_H
#define SCFS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;	/* NUL-terminated when non-NULL; owned */
	size_t len;
	size_t cap;
	size_t max;	/* appending beyond this fails with -E2BIG */
};

/* Prepare an empty buffer that will refuse to grow beyond max bytes. */
void buf_init(struct buf *b, size_t max);

/* Free the storage; the buffer is empty and reusable with the same max. */
void buf_release(struct buf *b);

/* Empty the buffer but keep its storage. */
void buf_reset(struct buf *b);

/* Append n bytes.  Returns 0, -E2BIG past max or -ENOMEM; on failure the
 * buffer has been released. */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_appends(struct buf *b, const char *s);
int buf_appendf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vappendf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* The contents as a C string: "" when empty.  Borrowed until the next call
 * that modifies the buffer. */
const char *buf_str(const struct buf *b);

/* Take ownership of the storage (caller frees with free()); the buffer is
 * left empty.  Returns NULL only for an empty buffer that never allocated. */
char *buf_detach(struct buf *b);

#endif
