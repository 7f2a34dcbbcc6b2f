// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reader: owns the source of an open file.  Reads are complete, so that a
 * FUSE read never returns short before the end of the file (a short read
 * means EOF to the kernel).
 */
#include <errno.h>
#include <stdlib.h>

#include "reader.h"
#include "source.h"

struct reader {
	struct source *src;
};

int reader_new(struct source *src, struct reader **out)
{
	struct reader *r = calloc(1, sizeof(*r));

	if (!r) {
		source_free(src);
		return -ENOMEM;
	}
	r->src = src;
	*out = r;
	return 0;
}

void reader_free(struct reader *r)
{
	if (!r)
		return;
	source_free(r->src);
	free(r);
}

ssize_t reader_read(struct reader *r, char *buf, size_t size, int64_t off)
{
	return source_read_full(r->src, buf, size, off);
}

int64_t reader_size(const struct reader *r)
{
	return r->src->size;
}
