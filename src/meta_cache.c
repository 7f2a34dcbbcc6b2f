// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * meta_cache: a hash table of probe results keyed by URN, and its file:
 *
 *     scfs-meta 1
 *     soundcloud:tracks:123 \t 1547566849 \t original \t original \t 2500000 \t wav \t "etag"
 *
 * Lines that do not parse are skipped, so one damaged line costs one
 * probe, not the cache.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "meta_cache.h"
#include "statefile.h"

#define META_MAGIC "scfs-meta 2\n"
/* Buckets at start; the table doubles when it is 3/4 full. */
#define META_INITIAL_BUCKETS 1024

struct meta_node {
	struct meta_node *next;
	struct meta_entry e;
};

struct meta_cache {
	char *dir;		/* NULL: memory only */
	char file[48];
	pthread_mutex_t lock;
	struct meta_node **buckets;	/* protected by lock */
	size_t n_buckets;		/* protected by lock */
	size_t count;			/* protected by lock */
	unsigned long changes;		/* protected by lock */
	/* Serialises writers, so an older snapshot never lands after a
	 * newer one; held across the file write, never with lock. */
	pthread_mutex_t flush_lock;
	unsigned long written;		/* protected by flush_lock */
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* A field of the file: no tab, newline or NUL, and not empty unless
 * allowed. */
static int field_ok(const char *s, int may_be_empty)
{
	if (!s)
		return may_be_empty;
	if (!*s && !may_be_empty)
		return 0;
	return !s[strcspn(s, "\t\n\r")];
}

static const char *source_name(enum meta_source s)
{
	return s == META_HLS ? "hls" : "original";
}

/* "original" or "hls" into *out; -EBADMSG otherwise. */
static int parse_source(const char *s, enum meta_source *out)
{
	if (!strcmp(s, "original"))
		*out = META_ORIGINAL;
	else if (!strcmp(s, "hls"))
		*out = META_HLS;
	else
		return -EBADMSG;
	return 0;
}

int meta_entry_format(const struct meta_entry *e, char **out, size_t *len)
{
	int n;

	if (!field_ok(e->urn, 0) || !field_ok(e->ext, 0) ||
	    !field_ok(e->etag, 1) || e->size < 0 || e->modified < 0 ||
	    strnlen(e->ext, META_EXT_MAX) >= META_EXT_MAX)
		return -EINVAL;
	n = asprintf(out, "%s\t%lld\t%s\t%s\t%" PRId64 "\t%s\t%s\n", e->urn,
		     (long long)e->modified, source_name(e->asked),
		     source_name(e->source), e->size, e->ext,
		     e->etag ? e->etag : "");
	if (n < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	*len = (size_t)n;
	return 0;
}

/* The next tab-separated field of [*p, end) as a NUL-terminated copy in
 * tmp (size bytes); *p becomes NULL after the last field.  -EBADMSG when
 * there is no field left or it is too long. */
static int next_field(const char **p, const char *end, char *tmp, size_t size)
{
	const char *tab, *stop;
	size_t n;

	if (!*p)
		return -EBADMSG;
	tab = memchr(*p, '\t', (size_t)(end - *p));
	stop = tab ? tab : end;
	n = (size_t)(stop - *p);
	if (n >= size || memchr(*p, '\0', n))
		return -EBADMSG;
	memcpy(tmp, *p, n);
	tmp[n] = '\0';
	*p = tab ? tab + 1 : NULL;
	return 0;
}

static int parse_number(const char *s, long long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EBADMSG;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return *end || errno ? -EBADMSG : 0;
}

int meta_entry_parse(const char *line, size_t len, struct meta_entry *out)
{
	const char *p = line, *end = line + len;
	char urn[512], mod[32], asked[16], src[16], size[32], etag[512];
	struct meta_entry e = { 0 };
	long long v1, v2;
	int rc;

	rc = next_field(&p, end, urn, sizeof(urn));
	if (!rc)
		rc = next_field(&p, end, mod, sizeof(mod));
	if (!rc)
		rc = next_field(&p, end, asked, sizeof(asked));
	if (!rc)
		rc = next_field(&p, end, src, sizeof(src));
	if (!rc)
		rc = next_field(&p, end, size, sizeof(size));
	if (!rc)
		rc = next_field(&p, end, e.ext, sizeof(e.ext));
	if (!rc)
		rc = next_field(&p, end, etag, sizeof(etag));
	if (!rc && (p || !*urn || !*e.ext || parse_number(mod, &v1) ||
		    parse_number(size, &v2) || parse_source(asked, &e.asked) ||
		    parse_source(src, &e.source)))
		rc = -EBADMSG;	/* an eighth field, or a bad value */
	if (rc)
		return rc;
	e.modified = (time_t)v1;
	e.size = v2;
	e.urn = urn;
	e.etag = *etag ? etag : NULL;
	return meta_entry_copy(&e, out);
}

int meta_entry_copy(const struct meta_entry *src, struct meta_entry *dst)
{
	*dst = *src;
	dst->urn = strdup(src->urn);
	dst->etag = src->etag ? strdup(src->etag) : NULL;
	if (!dst->urn || (src->etag && !dst->etag)) {
		meta_entry_release(dst);
		return -ENOMEM;
	}
	return 0;
}

void meta_entry_release(struct meta_entry *e)
{
	free(e->urn);
	free(e->etag);
	memset(e, 0, sizeof(*e));
}

/* The node for urn, or NULL.  Called with lock held. */
static struct meta_node *find(struct meta_cache *mc, const char *urn)
{
	struct meta_node *n = mc->buckets[fnv1a(urn) % mc->n_buckets];

	while (n && strcmp(n->e.urn, urn))
		n = n->next;
	return n;
}

/* Double the table.  Called with lock held; on failure the table stays
 * as it was (only slower). */
static void grow(struct meta_cache *mc)
{
	size_t n = mc->n_buckets * 2, i;
	struct meta_node **b = calloc(n, sizeof(*b)), *node, *next;

	if (!b)
		return;
	for (i = 0; i < mc->n_buckets; i++) {
		for (node = mc->buckets[i]; node; node = next) {
			next = node->next;
			node->next = b[fnv1a(node->e.urn) % n];
			b[fnv1a(node->e.urn) % n] = node;
		}
	}
	free(mc->buckets);
	mc->buckets = b;
	mc->n_buckets = n;
}

/* Insert or replace, taking ownership of e.  Called with lock held. */
static void insert(struct meta_cache *mc, struct meta_node *node)
{
	struct meta_node *old = find(mc, node->e.urn);
	size_t i;

	if (old) {
		meta_entry_release(&old->e);
		old->e = node->e;
		free(node);
		return;
	}
	if (mc->count + 1 > mc->n_buckets / 4 * 3)
		grow(mc);
	i = fnv1a(node->e.urn) % mc->n_buckets;
	node->next = mc->buckets[i];
	mc->buckets[i] = node;
	mc->count++;
}

static void load(struct meta_cache *mc)
{
	char *text = NULL, *p, *nl, *end;
	struct meta_node *node;
	size_t len = 0;

	if (!mc->dir || statefile_read(mc->dir, mc->file, META_FILE_MAX, &text, &len))
		return;
	end = text + len;
	p = text + strlen(META_MAGIC);
	if (len < strlen(META_MAGIC) || memcmp(text, META_MAGIC, strlen(META_MAGIC)))
		p = end;	/* another version: start afresh */
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;	/* a torn last line */
		node = calloc(1, sizeof(*node));
		if (node && !meta_entry_parse(p, (size_t)(nl - p), &node->e))
			insert(mc, node);
		else
			free(node);
	}
	free(text);
}

int meta_cache_open(const char *dir, const char *scope,
		    struct meta_cache **out)
{
	struct meta_cache *mc = calloc(1, sizeof(*mc));
	char hex[65];

	if (!mc)
		return -ENOMEM;
	hash_sha256_hex(scope ? scope : "", scope ? strlen(scope) : 0, hex);
	snprintf(mc->file, sizeof(mc->file), "meta-%.32s", hex);
	mc->n_buckets = META_INITIAL_BUCKETS;
	mc->buckets = calloc(mc->n_buckets, sizeof(*mc->buckets));
	mc->dir = dir ? strdup(dir) : NULL;
	if (!mc->buckets || (dir && !mc->dir)) {
		free(mc->buckets);
		free(mc->dir);
		free(mc);
		return -ENOMEM;
	}
	pthread_mutex_init(&mc->lock, NULL);
	pthread_mutex_init(&mc->flush_lock, NULL);
	load(mc);
	*out = mc;
	return 0;
}

void meta_cache_free(struct meta_cache *mc)
{
	struct meta_node *n, *next;
	size_t i;

	if (!mc)
		return;
	for (i = 0; i < mc->n_buckets; i++) {
		for (n = mc->buckets[i]; n; n = next) {
			next = n->next;
			meta_entry_release(&n->e);
			free(n);
		}
	}
	free(mc->buckets);
	free(mc->dir);
	pthread_mutex_destroy(&mc->lock);
	pthread_mutex_destroy(&mc->flush_lock);
	free(mc);
}

int meta_cache_get(struct meta_cache *mc, const char *urn, time_t modified,
		   enum meta_source asked, struct meta_entry *out)
{
	struct meta_node *n;
	int rc = 0;

	pthread_mutex_lock(&mc->lock);
	n = find(mc, urn);
	if (n && n->e.modified == modified && n->e.asked == asked)
		rc = meta_entry_copy(&n->e, out) ?: 1;
	pthread_mutex_unlock(&mc->lock);
	return rc;
}

int meta_cache_put(struct meta_cache *mc, const struct meta_entry *e)
{
	struct meta_node *node;
	char *line;
	size_t len;
	int rc = meta_entry_format(e, &line, &len);	/* validates */

	if (rc)
		return rc;
	free(line);
	node = calloc(1, sizeof(*node));
	if (!node)
		return -ENOMEM;
	rc = meta_entry_copy(e, &node->e);
	if (rc) {
		free(node);
		return rc;
	}
	pthread_mutex_lock(&mc->lock);
	insert(mc, node);
	mc->changes++;
	pthread_mutex_unlock(&mc->lock);
	return 0;
}

size_t meta_cache_count(struct meta_cache *mc)
{
	size_t n;

	pthread_mutex_lock(&mc->lock);
	n = mc->count;
	pthread_mutex_unlock(&mc->lock);
	return n;
}

/* The whole file into out.  Called with lock held. */
static int format_all(struct meta_cache *mc, struct buf *out)
{
	struct meta_node *n;
	char *line;
	size_t i, len;
	int rc = buf_appends(out, META_MAGIC);

	for (i = 0; !rc && i < mc->n_buckets; i++) {
		for (n = mc->buckets[i]; !rc && n; n = n->next) {
			/* an entry the format cannot carry is left out */
			if (meta_entry_format(&n->e, &line, &len))
				continue;
			rc = buf_append(out, line, len);
			free(line);
		}
	}
	return rc;
}

int meta_cache_flush(struct meta_cache *mc)
{
	unsigned long changes;
	struct buf file;
	int rc = 0;

	if (!mc->dir)
		return 0;
	buf_init(&file, META_FILE_MAX);
	pthread_mutex_lock(&mc->flush_lock);
	pthread_mutex_lock(&mc->lock);
	changes = mc->changes;
	if (changes != mc->written)
		rc = format_all(mc, &file);
	pthread_mutex_unlock(&mc->lock);
	if (!rc && changes != mc->written) {
		rc = statefile_write(mc->dir, mc->file, file.data, file.len);
		if (!rc)
			mc->written = changes;
	}
	pthread_mutex_unlock(&mc->flush_lock);
	buf_release(&file);
	return rc;
}
