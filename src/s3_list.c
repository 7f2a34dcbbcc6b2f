// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * s3_list: ListBucketResult and ListPartsResult through s3_xml's path
 * walk.  An entry's children arrive one by one; the entry is checked when
 * the next one starts and at the end.
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

/* arr (n elements of size bytes) grown by one zeroed element, or NULL
 * (arr still valid). */
static void *grow_one(void *arr, size_t n, size_t size)
{
	char *grown = realloc(arr, (n + 1) * size);

	if (grown)
		memset(grown + n * size, 0, size);
	return grown;
}

static int start_entry(struct list_walk *w)
{
	struct s3_list_page *p = w->page;
	struct s3_list_entry *grown;

	if (w->in_entry && !entry_complete(&p->entries[p->n - 1]))
		return -EBADMSG;
	grown = grow_one(p->entries, p->n, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->entries = grown;
	p->entries[p->n++].size = -1;
	w->in_entry = 1;
	return 0;
}

static int set_size(int64_t *size, const char *text)
{
	char *end;

	*size = strtoll(text, &end, 10);
	return *end || *size < 0 ? -EBADMSG : 0;
}

/* ETags arrive quoted; kept without the quotes. */
static int set_etag(char **etag, const char *s)
{
	size_t n = strlen(s);

	free(*etag);
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
		*etag = strndup(s + 1, n - 2);
	else
		*etag = strdup(s);
	return *etag ? 0 : -ENOMEM;
}

static int set_field(struct s3_list_entry *e, const char *field,
		     const char *text)
{
	if (!strcmp(field, "Key")) {
		free(e->key);
		e->key = strdup(text);
		return e->key ? 0 : -ENOMEM;
	}
	if (!strcmp(field, "Size"))
		return set_size(&e->size, text);
	if (!strcmp(field, "ETag"))
		return set_etag(&e->etag, text);
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

/* Walk a document whose root element must be root_name; the callback's
 * own error (*error) wins over the walk's. */
static int walk_root(const char *xml, size_t len, const char *root_name,
		     s3_xml_text_fn fn, void *arg, const int *error)
{
	char root[64];
	int rc = s3_xml_root(xml, len, root, sizeof(root));

	if (!rc && strcmp(root, root_name))
		rc = -EBADMSG;
	if (!rc)
		rc = s3_xml_walk(xml, len, fn, arg);
	return *error ? *error : rc;
}

int s3_list_parse(const char *xml, size_t len, struct s3_list_page *out)
{
	struct list_walk w = { .page = out, .first = out->n };
	int rc;

	out->truncated = 0;
	free(out->next_token);
	out->next_token = NULL;
	rc = walk_root(xml, len, S3_LIST_ROOT, on_text, &w, &w.error);
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

/* ---- ListParts ----------------------------------------------------------- */

#define S3_PARTS_ROOT "ListPartsResult"

struct parts_walk {
	struct s3_parts_page *page;
	size_t first;		/* parts before this document */
	int error;
};

static int part_complete(const struct s3_part_entry *e)
{
	return e->number >= 1 && e->number <= 10000 && e->size >= 0 && e->etag;
}

static int start_part(struct parts_walk *w)
{
	struct s3_parts_page *p = w->page;
	struct s3_part_entry *grown;

	if (p->n > w->first && !part_complete(&p->parts[p->n - 1]))
		return -EBADMSG;
	grown = grow_one(p->parts, p->n, sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->parts = grown;
	p->parts[p->n++].size = -1;
	return 0;
}

/* Whether field is already set in e: then it belongs to the next part.
 * Children come in no fixed order (RGW sends LastModified, PartNumber,
 * ETag, Size; AWS PartNumber first), so no one field can open a part. */
static int has_part_field(const struct s3_part_entry *e, const char *field)
{
	if (!strcmp(field, "PartNumber"))
		return e->number != 0;
	if (!strcmp(field, "Size"))
		return e->size >= 0;
	if (!strcmp(field, "ETag"))
		return e->etag != NULL;
	return 0;
}

static int set_part_field(struct s3_part_entry *e, const char *field,
			  const char *text)
{
	char *end;

	if (!strcmp(field, "PartNumber")) {
		e->number = (unsigned)strtoul(text, &end, 10);
		return *end || !e->number ? -EBADMSG : 0;
	}
	if (!strcmp(field, "Size"))
		return set_size(&e->size, text);
	if (!strcmp(field, "ETag"))
		return set_etag(&e->etag, text);
	return 0;
}

static int on_parts_text(void *arg, const char *path, const char *text)
{
	static const char part[] = S3_PARTS_ROOT "/Part/";
	struct parts_walk *w = arg;
	struct s3_parts_page *p = w->page;
	int rc = 0;

	if (!strncmp(path, part, sizeof(part) - 1)) {
		path += sizeof(part) - 1;
		if (p->n == w->first || has_part_field(&p->parts[p->n - 1], path))
			rc = start_part(w);
		if (!rc)
			rc = set_part_field(&p->parts[p->n - 1], path, text);
	} else if (!strcmp(path, S3_PARTS_ROOT "/IsTruncated")) {
		p->truncated = !strcmp(text, "true");
	} else if (!strcmp(path, S3_PARTS_ROOT "/NextPartNumberMarker")) {
		p->next_marker = (unsigned)strtoul(text, NULL, 10);
	}
	w->error = rc;
	return rc ? 1 : 0;
}

int s3_parts_parse(const char *xml, size_t len, struct s3_parts_page *out)
{
	struct parts_walk w = { .page = out, .first = out->n };
	int rc;

	out->truncated = 0;
	out->next_marker = 0;
	rc = walk_root(xml, len, S3_PARTS_ROOT, on_parts_text, &w, &w.error);
	if (!rc && out->n > w.first && !part_complete(&out->parts[out->n - 1]))
		rc = -EBADMSG;
	return rc;
}

void s3_parts_page_release(struct s3_parts_page *page)
{
	size_t i;

	for (i = 0; i < page->n; i++)
		free(page->parts[i].etag);
	free(page->parts);
	memset(page, 0, sizeof(*page));
}
