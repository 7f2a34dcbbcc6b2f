// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * s3_list: ListBucketResult through s3_xml's path walk.  A Contents
 * element's children arrive one by one; the entry is checked when the next
 * one starts and at the end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "s3_list.h"
#include "s3_xml.h"

#define S3_LIST_ROOT "ListBucketResult"

struct list_walk {
	struct s3_list_page *page;
	size_t first;		/* entries before this document */
	int in_entry;		/* the last entry is still being filled */
	int error;
};

static int entry_complete(const struct s3_list_entry *e)
{
	return e->key && e->size >= 0;
}

static int start_entry(struct list_walk *w)
{
	struct s3_list_page *p = w->page;
	struct s3_list_entry *grown;

	if (w->in_entry && !entry_complete(&p->entries[p->n - 1]))
		return -EBADMSG;
	grown = realloc(p->entries, (p->n + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->entries = grown;
	memset(&p->entries[p->n], 0, sizeof(*grown));
	p->entries[p->n].size = -1;
	p->n++;
	w->in_entry = 1;
	return 0;
}

static char *unquoted(const char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
		return strndup(s + 1, n - 2);
	return strdup(s);
}

static int set_field(struct s3_list_entry *e, const char *field,
		     const char *text)
{
	char *end;

	if (!strcmp(field, "Key")) {
		free(e->key);
		e->key = strdup(text);
		return e->key ? 0 : -ENOMEM;
	}
	if (!strcmp(field, "Size")) {
		e->size = strtoll(text, &end, 10);
		return *end || e->size < 0 ? -EBADMSG : 0;
	}
	if (!strcmp(field, "ETag")) {
		free(e->etag);
		e->etag = unquoted(text);
		return e->etag ? 0 : -ENOMEM;
	}
	return 0;
}

/* Keys of a Contents entry come in document order: a Key field opens a
 * new entry (S3 always sends Key first). */
static int on_text(void *arg, const char *path, const char *text)
{
	struct list_walk *w = arg;
	struct s3_list_page *p = w->page;
	const char *field;
	int rc = 0;

	if (!strncmp(path, S3_LIST_ROOT "/Contents/", 26)) {
		field = path + 26;
		if (!strcmp(field, "Key"))
			rc = start_entry(w);
		if (!rc && w->in_entry)
			rc = set_field(&p->entries[p->n - 1], field, text);
	} else if (!strcmp(path, S3_LIST_ROOT "/IsTruncated")) {
		p->truncated = !strcmp(text, "true");
	} else if (!strcmp(path, S3_LIST_ROOT "/NextContinuationToken")) {
		free(p->next_token);
		p->next_token = strdup(text);
		rc = p->next_token ? 0 : -ENOMEM;
	}
	w->error = rc;
	return rc ? 1 : 0;
}

int s3_list_parse(const char *xml, size_t len, struct s3_list_page *out)
{
	struct list_walk w = { .page = out, .first = out->n };
	char root[64];
	int rc;

	rc = s3_xml_root(xml, len, root, sizeof(root));
	if (!rc && strcmp(root, S3_LIST_ROOT))
		rc = -EBADMSG;
	out->truncated = 0;
	free(out->next_token);
	out->next_token = NULL;
	if (!rc)
		rc = s3_xml_walk(xml, len, on_text, &w);
	if (w.error)
		rc = w.error;
	if (!rc && out->n > w.first && !entry_complete(&out->entries[out->n - 1]))
		rc = -EBADMSG;
	return rc;
}

void s3_list_page_release(struct s3_list_page *page)
{
	size_t i;

	for (i = 0; i < page->n; i++) {
		free(page->entries[i].key);
		free(page->entries[i].etag);
	}
	free(page->entries);
	free(page->next_token);
	memset(page, 0, sizeof(*page));
}
