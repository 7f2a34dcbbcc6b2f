// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sync_plan: a merge of two sorted lists, sources by name and objects by
 * key below the prefix.  Owns only the step array it returns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sync_plan.h"

struct sorted {
	const char *name;	/* source name, or object key past the prefix */
	size_t index;
};

static int cmp_sorted(const void *a, const void *b)
{
	return strcmp(((const struct sorted *)a)->name,
		      ((const struct sorted *)b)->name);
}

static struct sorted *sort_sources(const struct sync_source *s, size_t n)
{
	struct sorted *out = calloc(n ? n : 1, sizeof(*out));
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i < n; i++)
		out[i] = (struct sorted){ s[i].name, i };
	qsort(out, n, sizeof(*out), cmp_sorted);
	return out;
}

/* Objects directly under the prefix, by the name past it. */
static struct sorted *sort_objects(const char *prefix,
				   const struct sync_object *o, size_t n,
				   size_t *kept)
{
	struct sorted *out = calloc(n ? n : 1, sizeof(*out));
	size_t plen = strlen(prefix), i;

	if (!out)
		return NULL;
	*kept = 0;
	for (i = 0; i < n; i++) {
		const char *rest = o[i].key + plen;

		if (strncmp(o[i].key, prefix, plen) || !*rest || strchr(rest, '/'))
			continue;
		out[(*kept)++] = (struct sorted){ rest, i };
	}
	qsort(out, *kept, sizeof(*out), cmp_sorted);
	return out;
}

static struct sync_step decide(const struct sync_source *s,
			       const struct sync_object *o, size_t index)
{
	struct sync_step st = { SYNC_COPY, index, "missing" };

	if (!o)
		return st;
	if (s->size < 0)
		st.why = "size unknown";
	else if (s->size != o->size)
		st.why = "size differs";
	else
		st = (struct sync_step){ SYNC_SKIP, index, "unchanged" };
	return st;
}

static int duplicate_names(const struct sorted *s, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (!strcmp(s[i - 1].name, s[i].name))
			return 1;
	return 0;
}

/* Merge sources and objects: one step per source into out, deletions
 * into del (key order, as the objects are sorted). */
static void merge(const struct sorted *src, size_t n_src,
		  const struct sorted *obj, size_t n_obj,
		  const struct sync_source *sources,
		  const struct sync_object *objects, int delete,
		  struct sync_step *out, size_t *n_out, struct sync_step *del,
		  size_t *n_del)
{
	size_t i = 0, k = 0;
	int c;

	while (i < n_src || k < n_obj) {
		c = i == n_src ? 1 : k == n_obj ? -1 : strcmp(src[i].name, obj[k].name);
		if (c <= 0) {
			out[(*n_out)++] = decide(&sources[src[i].index],
						 c ? NULL : &objects[obj[k].index],
						 src[i].index);
			i++;
			k += c == 0;
			continue;
		}
		if (delete)
			del[(*n_del)++] = (struct sync_step){ SYNC_DELETE,
							      obj[k].index, "source gone" };
		k++;
	}
}

int sync_plan(const char *prefix, const struct sync_source *sources,
	      size_t n_sources, const struct sync_object *objects,
	      size_t n_objects, int delete, struct sync_step **steps,
	      size_t *n_steps)
{
	struct sorted *src = sort_sources(sources, n_sources), *obj;
	struct sync_step *out, *del;
	size_t n_obj = 0, n_out = 0, n_del = 0;
	int rc = 0;

	obj = sort_objects(prefix, objects, n_objects, &n_obj);
	out = calloc(n_sources + n_obj + 1, sizeof(*out));
	del = calloc(n_obj + 1, sizeof(*del));
	if (!src || !obj || !out || !del)
		rc = -ENOMEM;
	else if (duplicate_names(src, n_sources))
		rc = -EINVAL;
	if (!rc) {
		merge(src, n_sources, obj, n_obj, sources, objects, delete,
		      out, &n_out, del, &n_del);
		memcpy(out + n_out, del, n_del * sizeof(*del));
		*steps = out;
		*n_steps = n_out + n_del;
		out = NULL;
	}
	free(src);
	free(obj);
	free(del);
	free(out);
	return rc;
}
