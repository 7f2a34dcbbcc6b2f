// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * s3_xml: a path-tracking walk over an expat parse.  Knows nothing of which
 * S3 call produced the document.
 */
#include <errno.h>
#include <expat.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "s3_xml.h"

/* S3 answers are small; ListObjectsV2 pages of 1000 keys stay well below. */
#define S3_XML_TEXT_MAX (1u << 20)
#define S3_XML_PATH_MAX 1024

struct walk {
	XML_Parser parser;
	s3_xml_text_fn fn;
	void *arg;
	char path[S3_XML_PATH_MAX];
	size_t path_len;
	struct buf text;
	int stop;
	int error;
};

/* S3 answers 200 to CompleteMultipartUpload, keeps the connection alive
 * with spaces, then sends the document, whose XML declaration expat rejects
 * unless it comes first. */
static void skip_leading_space(const char **xml, size_t *len)
{
	while (*len && (**xml == ' ' || **xml == '\t' || **xml == '\r' ||
			**xml == '\n')) {
		(*xml)++;
		(*len)--;
	}
}

static const char *local_name(const char *name)
{
	const char *sep = strrchr(name, ' ');	/* namespace separator */

	return sep ? sep + 1 : name;
}

static void on_start(void *data, const char *name, const char **attrs)
{
	struct walk *w = data;
	const char *local = local_name(name);
	size_t n = strlen(local);

	(void)attrs;
	if (w->path_len + n + 2 > sizeof(w->path)) {
		w->error = -EBADMSG;
		XML_StopParser(w->parser, XML_FALSE);
		return;
	}
	if (w->path_len)
		w->path[w->path_len++] = '/';
	memcpy(w->path + w->path_len, local, n + 1);
	w->path_len += n;
	buf_reset(&w->text);
}

static void on_end(void *data, const char *name)
{
	struct walk *w = data;
	char *slash;
	int rc;

	(void)name;
	if (w->text.len && !w->stop) {
		rc = w->fn(w->arg, w->path, buf_str(&w->text));
		if (rc) {
			w->stop = rc;
			XML_StopParser(w->parser, XML_FALSE);
		}
	}
	buf_reset(&w->text);
	slash = strrchr(w->path, '/');
	w->path_len = slash ? (size_t)(slash - w->path) : 0;
	w->path[w->path_len] = '\0';
}

static void on_text(void *data, const char *s, int len)
{
	struct walk *w = data;

	if (w->error)
		return;
	w->error = buf_append(&w->text, s, (size_t)len);
	if (w->error)
		XML_StopParser(w->parser, XML_FALSE);
}

int s3_xml_walk(const char *xml, size_t len, s3_xml_text_fn fn, void *arg)
{
	struct walk w = { .fn = fn, .arg = arg };
	int rc = 0;

	skip_leading_space(&xml, &len);
	buf_init(&w.text, S3_XML_TEXT_MAX);
	w.parser = XML_ParserCreateNS(NULL, ' ');
	if (!w.parser)
		return -ENOMEM;
	XML_SetUserData(w.parser, &w);
	XML_SetElementHandler(w.parser, on_start, on_end);
	XML_SetCharacterDataHandler(w.parser, on_text);
	if (XML_Parse(w.parser, xml, (int)len, XML_TRUE) == XML_STATUS_ERROR &&
	    !w.stop && !w.error)
		rc = -EBADMSG;
	if (w.error)
		rc = w.error;
	else if (w.stop)
		rc = w.stop > 0 ? -w.stop : w.stop;
	XML_ParserFree(w.parser);
	buf_release(&w.text);
	return rc;
}

struct find {
	const char *path;
	char *out;
	size_t size;
	int found;
};

static int find_text(void *arg, const char *path, const char *text)
{
	struct find *f = arg;

	if (strcmp(path, f->path))
		return 0;
	snprintf(f->out, f->size, "%s", text);
	f->found = 1;
	return 1;
}

int s3_xml_find(const char *xml, size_t len, const char *path, char *out,
		size_t size)
{
	struct find f = { .path = path, .out = out, .size = size };
	int rc = s3_xml_walk(xml, len, find_text, &f);

	if (f.found)	/* the walk stopped there, with -1 */
		return 0;
	return rc ? rc : -ENOENT;
}

struct root {
	XML_Parser parser;
	char *out;
	size_t size;
	int found;
};

static void root_start(void *data, const char *name, const char **attrs)
{
	struct root *r = data;

	(void)attrs;
	snprintf(r->out, r->size, "%s", local_name(name));
	r->found = 1;
	XML_StopParser(r->parser, XML_FALSE);
}

int s3_xml_root(const char *xml, size_t len, char *out, size_t size)
{
	struct root r = { .out = out, .size = size };

	skip_leading_space(&xml, &len);
	r.parser = XML_ParserCreateNS(NULL, ' ');
	if (!r.parser)
		return -ENOMEM;
	XML_SetUserData(r.parser, &r);
	XML_SetStartElementHandler(r.parser, root_start);
	XML_Parse(r.parser, xml, (int)len, XML_TRUE);
	XML_ParserFree(r.parser);
	return r.found ? 0 : -EBADMSG;
}
