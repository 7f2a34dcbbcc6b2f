/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reader: the read path of one open file, between FUSE and a source.  Today
 * it passes reads through and fills them completely; prefetch and the block
 * cache will live here.  Must not include fuse or curl.
 */
#ifndef SCFS_READER_H
#define SCFS_READER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct source;
struct reader;

/* Takes ownership of src (freed by reader_free, or here on failure). */
int reader_new(struct source *src, struct reader **out);
void reader_free(struct reader *r);

/* Fill buf with size bytes at off, fewer only at the end.  Returns the
 * count or a negative errno (-ESTALE, -EIO).  Any FUSE thread. */
ssize_t reader_read(struct reader *r, char *buf, size_t size, int64_t off);

/* The file's size, or -1 while unknown. */
int64_t reader_size(const struct reader *r);

#endif
