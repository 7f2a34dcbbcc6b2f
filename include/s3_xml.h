/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * s3_xml: S3's XML answers read with expat, so entity-encoded ETags
 * (&quot;...&quot;) and any whitespace arrive decoded.  Pure; no I/O.
 */
#ifndef SCFS_S3_XML_H
#define SCFS_S3_XML_H

#include <stddef.h>

/* Called for each element with text, with its slash-separated path from the
 * root ("Error/Code") and its decoded text.  Both borrowed for the call.
 * Return non-zero to stop the walk. */
typedef int (*s3_xml_text_fn)(void *arg, const char *path, const char *text);

/* Walk a document.  Returns 0, -EBADMSG for malformed XML, -ENOMEM, or the
 * callback's non-zero value negated when positive. */
int s3_xml_walk(const char *xml, size_t len, s3_xml_text_fn fn, void *arg);

/* The text of the first element at path, into out (truncated to size).
 * Returns 0, -ENOENT when absent, or what s3_xml_walk returns. */
int s3_xml_find(const char *xml, size_t len, const char *path, char *out,
		size_t size);

/* The root element's name into out; -EBADMSG when there is none. */
int s3_xml_root(const char *xml, size_t len, char *out, size_t size);

#endif
