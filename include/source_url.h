/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * source_url: an http(s) URL as a source, read with ranged GETs straight
 * into the caller's buffer.  Size, type and ETag come from a first ranged
 * GET of one byte (which also proves that the server honours ranges);
 * redirects are followed there, once, and the final URL is kept.  A read
 * that breaks resumes at the exact offset; a changed ETag is -ESTALE.
 * Safe to read from several threads at once.  Must not include fuse or s3.
 */
#ifndef SCFS_SOURCE_URL_H
#define SCFS_SOURCE_URL_H

#include <stddef.h>

#include "source.h"

struct http_client;

/* http is borrowed and must outlive the source.  Returns 0, or a negative
 * errno with a line in err: -ENOENT (404/410), -EACCES (401/403),
 * -ENOTSUP (the server ignores Range: pipe it through stdin instead),
 * -EIO and transport errors. */
int source_url_new(struct http_client *http, const char *url,
		   struct source **out, char *err, size_t err_size);

#endif
