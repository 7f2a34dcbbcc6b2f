// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mem_doubles: the in-memory source and sink.  The sink enforces what S3
 * enforces on a multipart upload (every listed part present, every part but
 * the last at least 5 MiB, no parts after the end) so that an uploader bug
 * shows up as a failed complete, as it would against a real bucket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hash.h"
#include "mem_doubles.h"

#define MEM_S3_PART_MIN (5u << 20)
#define MEM_S3_MAX_PARTS 10000
#define MEM_WAIT_S 5

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t gen_word(uint32_t seed, int64_t word)
{
	return mix((uint64_t)seed << 40 ^ (uint64_t)word);
}

unsigned char mem_gen_byte(uint32_t seed, int64_t off)
{
	return (unsigned char)(gen_word(seed, off >> 3) >> ((off & 7) * 8));
}

void mem_gen_fill(uint32_t seed, int64_t off, void *buf, size_t len)
{
	unsigned char *p = buf;
	uint64_t w;
	size_t i = 0;
	int b;

	while (i < len && (off + (int64_t)i) & 7) {
		p[i] = mem_gen_byte(seed, off + (int64_t)i);
		i++;
	}
	while (len - i >= 8) {
		w = gen_word(seed, (off + (int64_t)i) >> 3);
		for (b = 0; b < 8; b++)
			p[i + (size_t)b] = (unsigned char)(w >> (b * 8));
		i += 8;
	}
	for (; i < len; i++)
		p[i] = mem_gen_byte(seed, off + (int64_t)i);
}

int64_t mem_gen_mismatch(uint32_t seed, const void *buf, size_t len)
{
	unsigned char chunk[4096];
	const unsigned char *p = buf;
	size_t done = 0, n, i;

	while (done < len) {
		n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
		mem_gen_fill(seed, (int64_t)done, chunk, n);
		if (memcmp(chunk, p + done, n))
			for (i = 0; i < n; i++)
				if (chunk[i] != p[done + i])
					return (int64_t)(done + i);
		done += n;
	}
	return -1;
}

/* ---- source ---------------------------------------------------------- */

static ssize_t ms_read(struct source *src, void *buf, size_t len, int64_t off)
{
	struct mem_source *ms = (struct mem_source *)src;
	int64_t end = ms->len;
	size_t n;

	if (ms->on_read)
		ms->on_read(ms, off, len);
	if (off < 0)
		return -EINVAL;
	pthread_mutex_lock(&ms->lock);
	if (src->sequential_only && off != ms->pos) {
		ms->seek_errors++;
		pthread_mutex_unlock(&ms->lock);
		return -ESPIPE;
	}
	if ((ms->fail_after >= 0 && ms->reads >= (unsigned long)ms->fail_after) ||
	    (ms->fail_at >= 0 && off >= ms->fail_at) ||
	    (ms->fail_every && (ms->reads + ms->failed_reads + 1) % ms->fail_every == 0)) {
		ms->failed_reads++;
		pthread_mutex_unlock(&ms->lock);
		return -ms->fail_errno;
	}
	if (ms->fail_at >= 0 && ms->fail_at < end)
		end = ms->fail_at;
	n = off >= end ? 0 : (uint64_t)(end - off) < len ? (size_t)(end - off) : len;
	if (ms->max_chunk && n > ms->max_chunk)
		n = ms->max_chunk;
	ms->reads++;
	ms->pos = off + (int64_t)n;
	pthread_mutex_unlock(&ms->lock);
	if (ms->data)
		memcpy(buf, ms->data + off, n);
	else
		mem_gen_fill(ms->seed, off, buf, n);
	return (ssize_t)n;
}

static void ms_free(struct source *src)
{
	struct mem_source *ms = (struct mem_source *)src;

	pthread_mutex_destroy(&ms->lock);
	free(src->name);
	free(src->content_type);
	free(ms);
}

static const struct source_ops mem_source_ops = {
	.read = ms_read,
	.free = ms_free,
};

int mem_source_new(const void *data, int64_t len, struct mem_source **out)
{
	struct mem_source *ms = calloc(1, sizeof(*ms));

	if (!ms)
		return -ENOMEM;
	ms->base.ops = &mem_source_ops;
	ms->base.size = len;
	ms->base.name = strdup("mem");
	if (!ms->base.name) {
		free(ms);
		return -ENOMEM;
	}
	ms->data = data;
	ms->len = len;
	ms->fail_at = -1;
	ms->fail_after = -1;
	ms->fail_errno = EIO;
	pthread_mutex_init(&ms->lock, NULL);
	*out = ms;
	return 0;
}

int mem_source_new_gen(int64_t len, uint32_t seed, struct mem_source **out)
{
	int rc = mem_source_new(NULL, len, out);

	if (!rc)
		(*out)->seed = seed;
	return rc;
}

void mem_source_make_pipe(struct mem_source *ms)
{
	ms->base.size = -1;
	ms->base.sequential_only = 1;
}

/* ---- sink ------------------------------------------------------------ */

static void md5_etag(const unsigned char md5[16], const char *suffix,
		     char out[64])
{
	char hex[33];

	hash_hex(md5, 16, hex);
	snprintf(out, 64, "\"%s%s\"", hex, suffix);
}

/* Record a failure's message and return rc.  Called locked. */
static int sink_fail(struct mem_sink *mk, int rc, const char *what)
{
	snprintf(mk->error, sizeof(mk->error), "mem sink: %s: %s", what,
		 strerror(-rc));
	return rc;
}

static void drop_parts(struct mem_sink *mk)
{
	unsigned i;

	for (i = 0; i < mk->parts_cap; i++)
		free(mk->parts[i].data);
	free(mk->parts);
	mk->parts = NULL;
	mk->parts_cap = 0;
}

static int mk_put_whole(struct sink *sk, const void *data, size_t len,
			const unsigned char md5[16])
{
	struct mem_sink *mk = (struct mem_sink *)sk;
	unsigned char real[16], *copy = malloc(len ? len : 1);
	int rc = 0;

	hash_md5(data, len, real);
	pthread_mutex_lock(&mk->lock);
	mk->calls_put_whole++;
	if (memcmp(real, md5, 16))
		mk->md5_mismatches++;
	if (!copy)
		rc = sink_fail(mk, -ENOMEM, "put_whole");
	else if (mk->fail_put_whole_rc)
		rc = sink_fail(mk, mk->fail_put_whole_rc, "put_whole");
	if (!rc) {
		memcpy(copy, data, len);
		free(mk->object);
		mk->object = copy;
		copy = NULL;
		mk->object_len = len;
		mk->has_object = 1;
		md5_etag(real, "", mk->object_etag);
	}
	pthread_mutex_unlock(&mk->lock);
	free(copy);
	return rc;
}

static int mk_begin(struct sink *sk)
{
	struct mem_sink *mk = (struct mem_sink *)sk;
	int rc = 0;

	pthread_mutex_lock(&mk->lock);
	mk->calls_begin++;
	if (mk->fail_begin_rc) {
		rc = sink_fail(mk, mk->fail_begin_rc, "begin");
	} else {
		drop_parts(mk);
		mk->upload_open = 1;
		if (mk->wants_after_begin)
			sk->wants = mk->wants_after_begin;
	}
	pthread_mutex_unlock(&mk->lock);
	return rc;
}

static void note_buffer(struct mem_sink *mk, const void *data)
{
	unsigned i;

	for (i = 0; i < mk->n_buffers; i++)
		if (mk->buffers[i] == data)
			return;
	if (mk->n_buffers < MEM_SINK_MAX_BUFFERS)
		mk->buffers[mk->n_buffers++] = data;
}

static void wait_in_flight_locked(struct mem_sink *mk)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += MEM_WAIT_S;
	while (mk->in_flight < mk->wait_in_flight)
		if (pthread_cond_timedwait(&mk->cond, &mk->lock, &deadline))
			break;
}

static int store_part_locked(struct mem_sink *mk, unsigned part,
			     unsigned char *data, size_t len,
			     const unsigned char md5[16])
{
	struct mem_part *grown;
	unsigned n;

	if (part > mk->parts_cap) {
		n = mk->parts_cap ? mk->parts_cap : 16;
		while (n < part)
			n *= 2;
		grown = realloc(mk->parts, n * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		memset(grown + mk->parts_cap, 0,
		       (n - mk->parts_cap) * sizeof(*grown));
		mk->parts = grown;
		mk->parts_cap = n;
	}
	free(mk->parts[part - 1].data);
	mk->parts[part - 1].data = data;
	mk->parts[part - 1].len = len;
	memcpy(mk->parts[part - 1].md5, md5, 16);
	mk->parts[part - 1].present = 1;
	return 0;
}

/* Whether the digests sk->wants names are those of data. */
static int digests_match(const struct sink *sk, const void *data, size_t len,
			 const struct sink_digests *d)
{
	unsigned char sha[32], md5[16];

	if (sk->wants & SINK_WANT_SHA256) {
		hash_sha256(data, len, sha);
		if (memcmp(sha, d->sha256, 32))
			return 0;
	}
	if (sk->wants & SINK_WANT_MD5) {
		hash_md5(data, len, md5);
		if (memcmp(md5, d->md5, 16))
			return 0;
	}
	return !(sk->wants & SINK_WANT_CRC32C) ||
	       hash_crc32c(0, data, len) == d->crc32c;
}

/* Stores like UploadPart: the ETag answered is the MD5 of the bytes. */
static int mk_put_part(struct sink *sk, unsigned part, const void *data,
		       size_t len, const struct sink_digests *d,
		       struct sink_part_etag *etag)
{
	struct mem_sink *mk = (struct mem_sink *)sk;
	unsigned char real[16], *copy;
	int rc = 0, good = digests_match(sk, data, len, d);

	pthread_mutex_lock(&mk->lock);
	mk->calls_put_part++;
	if (++mk->in_flight > mk->max_in_flight)
		mk->max_in_flight = mk->in_flight;
	note_buffer(mk, data);
	if (!mk->upload_open)
		mk->after_end_calls++;
	if (part == 0 || part > MEM_S3_MAX_PARTS)
		mk->part_number_errors++;
	pthread_cond_broadcast(&mk->cond);
	if (part == 1)
		wait_in_flight_locked(mk);
	pthread_mutex_unlock(&mk->lock);

	if (mk->on_put_part)
		mk->on_put_part(mk, part);
	hash_md5(data, len, real);
	copy = malloc(len ? len : 1);
	if (copy)
		memcpy(copy, data, len);

	pthread_mutex_lock(&mk->lock);
	mk->digest_mismatches += !good;
	if (mk->fail_part && part == mk->fail_part)
		rc = sink_fail(mk, mk->fail_part_rc, "put_part");
	else if (!mk->upload_open || part == 0 || part > MEM_S3_MAX_PARTS)
		rc = sink_fail(mk, -EINVAL, "put_part outside an upload");
	else if (!copy)
		rc = sink_fail(mk, -ENOMEM, "put_part");
	else if (!(rc = store_part_locked(mk, part, copy, len, real)))
		copy = NULL;
	mk->in_flight--;
	memcpy(etag->md5, real, 16);
	etag->is_md5 = !mk->opaque_part_etags;
	pthread_cond_broadcast(&mk->cond);
	pthread_mutex_unlock(&mk->lock);
	free(copy);
	return rc;
}

/* Checks what S3's CompleteMultipartUpload checks.  Called locked. */
static int check_parts_locked(struct mem_sink *mk, unsigned n, size_t *total)
{
	unsigned i;

	*total = 0;
	if (!mk->upload_open)
		return sink_fail(mk, -ENOENT, "complete: NoSuchUpload");
	if (n == 0 || n > mk->parts_cap)
		return sink_fail(mk, -EINVAL, "complete: InvalidPart");
	for (i = 0; i < n; i++) {
		if (!mk->parts[i].present)
			return sink_fail(mk, -EINVAL, "complete: InvalidPart");
		if (i + 1 < n && mk->parts[i].len < MEM_S3_PART_MIN)
			return sink_fail(mk, -EINVAL, "complete: EntityTooSmall");
		*total += mk->parts[i].len;
	}
	return 0;
}

static int mk_complete(struct sink *sk, unsigned n)
{
	struct mem_sink *mk = (struct mem_sink *)sk;
	unsigned char (*md5s)[16] = NULL, md[16];
	unsigned char *obj = NULL;
	size_t total, off = 0;
	char suffix[16];
	unsigned i, j;
	int rc;

	pthread_mutex_lock(&mk->lock);
	mk->calls_complete++;
	rc = mk->fail_complete_rc ? sink_fail(mk, mk->fail_complete_rc, "complete") :
	     check_parts_locked(mk, n, &total);
	if (!rc) {
		obj = malloc(total ? total : 1);
		md5s = malloc((size_t)n * 16);
		if (!obj || !md5s)
			rc = sink_fail(mk, -ENOMEM, "complete");
	}
	if (!rc) {
		for (i = 0; i < n; i++) {
			/* With complete_swaps, parts 1 and 2 trade places. */
			j = mk->complete_swaps && n > 1 && i < 2 ? 1 - i : i;
			memcpy(obj + off, mk->parts[j].data, mk->parts[j].len);
			off += mk->parts[j].len;
			memcpy(md5s[i], mk->parts[j].md5, 16);
		}
		hash_md5(md5s, (size_t)n * 16, md);
		snprintf(suffix, sizeof(suffix), "-%u", n);
		md5_etag(md, suffix, mk->object_etag);
		free(mk->object);
		mk->object = obj;
		obj = NULL;
		mk->object_len = total;
		mk->has_object = 1;
		mk->upload_open = 0;
		mk->completed_parts = n;
		drop_parts(mk);
	}
	pthread_mutex_unlock(&mk->lock);
	free(obj);
	free(md5s);
	return rc;
}

static int mk_abort(struct sink *sk)
{
	struct mem_sink *mk = (struct mem_sink *)sk;
	int rc = 0;

	pthread_mutex_lock(&mk->lock);
	mk->calls_abort++;
	if (mk->fail_abort_rc) {
		rc = sink_fail(mk, mk->fail_abort_rc, "abort");
	} else {
		drop_parts(mk);
		mk->upload_open = 0;
	}
	pthread_mutex_unlock(&mk->lock);
	return rc;
}

static int mk_stat(struct sink *sk, int64_t *size, char **etag)
{
	struct mem_sink *mk = (struct mem_sink *)sk;
	int rc = 0;

	pthread_mutex_lock(&mk->lock);
	mk->calls_stat++;
	if (mk->fail_stat_rc)
		rc = sink_fail(mk, mk->fail_stat_rc, "stat");
	else if (!mk->has_object)
		rc = sink_fail(mk, -ENOENT, "stat: NotFound");
	if (!rc) {
		*size = (int64_t)mk->object_len + mk->stat_size_delta;
		*etag = strdup(mk->stat_etag ? mk->stat_etag : mk->object_etag);
		if (!*etag)
			rc = sink_fail(mk, -ENOMEM, "stat");
	}
	pthread_mutex_unlock(&mk->lock);
	return rc;
}

static int mk_remove(struct sink *sk)
{
	struct mem_sink *mk = (struct mem_sink *)sk;

	pthread_mutex_lock(&mk->lock);
	mk->calls_remove++;
	free(mk->object);
	mk->object = NULL;
	mk->object_len = 0;
	mk->has_object = 0;
	pthread_mutex_unlock(&mk->lock);
	return 0;
}

static const char *mk_last_error(struct sink *sk)
{
	return ((struct mem_sink *)sk)->error;
}

void mem_sink_free(struct mem_sink *mk)
{
	if (!mk)
		return;
	drop_parts(mk);
	free(mk->object);
	pthread_cond_destroy(&mk->cond);
	pthread_mutex_destroy(&mk->lock);
	free(mk);
}

static void mk_free(struct sink *sk)
{
	mem_sink_free((struct mem_sink *)sk);
}

static const struct sink_ops mem_sink_ops = {
	.put_whole = mk_put_whole,
	.begin = mk_begin,
	.put_part = mk_put_part,
	.complete = mk_complete,
	.abort = mk_abort,
	.stat = mk_stat,
	.remove = mk_remove,
	.last_error = mk_last_error,
	.free = mk_free,
};

int mem_sink_new(struct mem_sink **out)
{
	struct mem_sink *mk = calloc(1, sizeof(*mk));

	if (!mk)
		return -ENOMEM;
	mk->base.ops = &mem_sink_ops;
	pthread_mutex_init(&mk->lock, NULL);
	pthread_cond_init(&mk->cond, NULL);
	*out = mk;
	return 0;
}

/* ---- fixtures -------------------------------------------------------- */

char *fixture_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL, *grown;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			grown = realloc(data, cap);
			if (!grown) {
				free(data);
				fclose(f);
				return NULL;
			}
			data = grown;
		}
		got = fread(data + n, 1, 4096, f);
		n += got;
	} while (got);
	fclose(f);
	data[n] = '\0';
	*len = n;
	return data;
}

char *fixture_load(const char *dir, const char *name, size_t *len)
{
	char path[512];
	char *s;

	snprintf(path, sizeof(path), "%s%s", dir, name);
	s = fixture_read(path, len);
	if (!s)
		fprintf(stderr, "cannot read fixture '%s'\n", path);
	return s;
}
