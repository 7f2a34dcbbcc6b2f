// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sink_s3: the sink interface over S3's PutObject and multipart calls.
 * Owns the upload id and what each part went with (ETag, CRC-32C, size);
 * never leaves an upload behind once abort has been called.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "log.h"
#include "s3.h"
#include "s3_list.h"
#include "sink.h"

struct sink_s3 {
	struct sink base;
	struct s3_client *s3;
	const struct s3_meta *meta;
	char *bucket;
	char *key;
	char *upload_id;	/* set by begin, cleared by complete/abort */
	int checksums;		/* the upload takes checksum headers (s3.h) */
	const struct sink_s3_watch *watch;	/* NULL: none */
	pthread_mutex_t lock;
	/* What each UploadPart answered and sent (the bytes counted), to
	 * complete with and to check ListParts against. */
	struct s3_part_done *parts;	/* protected by lock; index part - 1 */
	int64_t *sent;		/* protected by lock; index part - 1 */
	unsigned n_parts;	/* protected by lock; room in both */
	char error[512];	/* protected by lock */
};

static void record_error(struct sink_s3 *s, const char *what,
			 const struct s3_error *err, int rc)
{
	char text[400];

	pthread_mutex_lock(&s->lock);
	snprintf(s->error, sizeof(s->error), "%s 's3://%s/%s' failed: %s", what,
		 s->bucket, s->key, s3_error_text(err, rc, text, sizeof(text)));
	pthread_mutex_unlock(&s->lock);
}

static int s3_put_whole(struct sink *sk, const void *data, size_t len,
			const unsigned char md5[16])
{
	struct sink_s3 *s = (struct sink_s3 *)sk;
	struct s3_error err;
	char *etag = NULL;
	int rc;

	(void)md5;
	rc = s3_put_object(s->s3, s->bucket, s->key, data, len, s->meta, &etag,
			   &err);
	if (rc)
		record_error(s, "PutObject", &err, rc);
	free(etag);
	return rc;
}

static int s3_begin(struct sink *sk)
{
	struct sink_s3 *s = (struct sink_s3 *)sk;
	struct s3_error err;
	int rc;

	rc = s3_multipart_create(s->s3, s->bucket, s->key, s->meta,
				 &s->upload_id, &s->checksums, &err);
	if (rc) {
		record_error(s, "CreateMultipartUpload", &err, rc);
		return rc;
	}
	if (!s->checksums)
		sk->wants = (sk->wants & ~SINK_WANT_CRC32C) | SINK_WANT_MD5;
	if (s->watch)
		s->watch->begun(s->watch->arg, s->bucket, s->key, s->upload_id);
	return 0;
}

/* The upload is over: nothing is left for anyone to abort. */
static void upload_over(struct sink_s3 *s)
{
	if (s->watch)
		s->watch->ended(s->watch->arg, s->bucket, s->key, s->upload_id);
	free(s->upload_id);
	s->upload_id = NULL;
}

/* Room for part numbers up to part.  Called locked. */
static int grow_parts_locked(struct sink_s3 *s, unsigned part)
{
	struct s3_part_done *grown;
	int64_t *sent;
	unsigned n;

	if (part <= s->n_parts)
		return 0;
	n = s->n_parts ? s->n_parts : 64;
	while (n < part)
		n *= 2;
	grown = realloc(s->parts, n * sizeof(*grown));
	if (grown)
		s->parts = grown;
	sent = realloc(s->sent, n * sizeof(*sent));
	if (sent)
		s->sent = sent;
	if (!grown || !sent)
		return -ENOMEM;
	memset(grown + s->n_parts, 0, (n - s->n_parts) * sizeof(*grown));
	s->n_parts = n;
	return 0;
}

static int store_part(struct sink_s3 *s, unsigned part, char *etag,
		      uint32_t crc32c, size_t len)
{
	int rc;

	pthread_mutex_lock(&s->lock);
	rc = grow_parts_locked(s, part);
	if (!rc) {
		free(s->parts[part - 1].etag);
		s->parts[part - 1].etag = etag;
		s->parts[part - 1].crc32c = crc32c;
		s->sent[part - 1] = (int64_t)len;
		etag = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	free(etag);
	return rc;
}

static int s3_put_part(struct sink *sk, unsigned part, const void *data,
		       size_t len, const struct sink_digests *dg,
		       struct sink_part_etag *out)
{
	struct sink_s3 *s = (struct sink_s3 *)sk;
	/* Complete repeats every part's CRC-32C (s3.h): known here. */
	uint32_t crc = !s->checksums ? 0 :
		       sk->wants & SINK_WANT_CRC32C ? dg->crc32c :
		       hash_crc32c(0, data, len);
	struct s3_part_digests d = {
		.sha256 = sk->wants & SINK_WANT_SHA256 ? dg->sha256 : NULL,
		.crc32c = &crc,
		.md5 = sk->wants & SINK_WANT_MD5 ? dg->md5 : NULL,
		.checksums = s->checksums };
	struct s3_error err;
	char *etag = NULL, what[64];
	int rc;

	rc = s3_multipart_upload_part(s->s3, s->bucket, s->key, s->upload_id,
				      part, data, len, &d, &etag, &err);
	if (rc) {
		snprintf(what, sizeof(what), "UploadPart %u of", part);
		record_error(s, what, &err, rc);
		return rc;
	}
	out->is_md5 = etag && !hash_md5_from_etag(etag, out->md5);
	return store_part(s, part, etag, crc, len);
}

/* Part number's entry in a ListParts answer, or NULL. */
static const struct s3_part_entry *find_part(const struct s3_parts_page *p,
					     unsigned number)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->parts[i].number == number)
			return &p->parts[i];
	return NULL;
}

/* Whether a ListParts ETag (unquoted: s3_list.h) is the one UploadPart
 * answered, quoted as S3 sends it (or not, as some servers do). */
static int same_etag(const char *listed, const char *answered)
{
	size_t n = strlen(answered);

	if (n >= 2 && answered[0] == '"' && answered[n - 1] == '"')
		return strlen(listed) == n - 2 && !strncmp(listed, answered + 1, n - 2);
	return !strcmp(listed, answered);
}

/* Check every part S3 holds against what was sent: its size, and its ETag
 * against the one its UploadPart answered.  Returns 0 when every part is
 * there as sent, else -EIO with the first difference in why. */
static int check_parts(struct sink_s3 *s, unsigned n,
		       const struct s3_parts_page *page, char *why,
		       size_t why_size)
{
	const struct s3_part_entry *e;
	unsigned i;

	for (i = 1; i <= n; i++) {
		e = find_part(page, i);
		if (!e)
			snprintf(why, why_size, "part %u is missing", i);
		else if (e->size != s->sent[i - 1])
			snprintf(why, why_size, "part %u holds %lld bytes, %lld were sent",
				 i, (long long)e->size, (long long)s->sent[i - 1]);
		else if (!same_etag(e->etag ? e->etag : "", s->parts[i - 1].etag))
			snprintf(why, why_size, "part %u's ETag \"%s\" is not the %s its UploadPart answered",
				 i, e->etag ? e->etag : "", s->parts[i - 1].etag);
		else
			continue;
		return -EIO;
	}
	return 0;
}

/* Complete answered InvalidPart or InvalidPartOrder: ask ListParts what
 * S3 holds.  When every part is there as sent, complete once more (the
 * first answer was S3's mistake); otherwise say which part differs.  rc and err are
 * Complete's failure, kept when ListParts cannot help. */
static int reconcile(struct sink_s3 *s, unsigned n, int rc,
		     struct s3_error *err)
{
	struct s3_parts_page page = { 0 };
	struct s3_error lerr;
	char why[200];

	if (s3_multipart_list_parts(s->s3, s->bucket, s->key, s->upload_id,
				    &page, &lerr))
		goto out;
	if (check_parts(s, n, &page, why, sizeof(why))) {
		snprintf(err->message, sizeof(err->message), "ListParts: %s", why);
		goto out;
	}
	log_info("CompleteMultipartUpload of 's3://%s/%s' answered %s, but ListParts holds every part as sent; completing again",
		 s->bucket, s->key, err->code);
	rc = s3_multipart_complete(s->s3, s->bucket, s->key, s->upload_id, n,
				   s->parts, s->checksums, err);
out:
	s3_parts_page_release(&page);
	return rc;
}

static int s3_complete(struct sink *sk, unsigned n_parts)
{
	struct sink_s3 *s = (struct sink_s3 *)sk;
	struct s3_error err;
	unsigned i;
	int rc;

	for (i = 0; i < n_parts; i++)
		if (i >= s->n_parts || !s->parts[i].etag)
			return -EIO;
	rc = s3_multipart_complete(s->s3, s->bucket, s->key, s->upload_id,
				   n_parts, s->parts, s->checksums, &err);
	if (rc && (!strcmp(err.code, "InvalidPart") ||
		   !strcmp(err.code, "InvalidPartOrder")))
		rc = reconcile(s, n_parts, rc, &err);
	if (rc == -EALREADY) {
		/* The uploader's check of the object decides; should it
		 * fail, abort still runs (and finds nothing, or cleans up
		 * after a server that answered wrongly). */
		log_info("CompleteMultipartUpload of 's3://%s/%s' found the upload gone after a retry; checking the object",
			 s->bucket, s->key);
		return 0;
	}
	if (rc) {
		record_error(s, "CompleteMultipartUpload", &err, rc);
		return rc;
	}
	upload_over(s);
	return 0;
}

static int s3_abort(struct sink *sk)
{
	struct sink_s3 *s = (struct sink_s3 *)sk;
	struct s3_error err;
	char text[400];
	int rc;

	if (!s->upload_id)
		return 0;
	rc = s3_multipart_abort(s->s3, s->bucket, s->key, s->upload_id, &err);
	/* NoSuchUpload: already gone, which is what abort wants. */
	if (rc == -ENOENT && !strcmp(err.code, "NoSuchUpload"))
		rc = 0;
	if (rc)
		log_err("cannot abort the multipart upload of 's3://%s/%s': %s",
			s->bucket, s->key, s3_error_text(&err, rc, text, sizeof(text)));
	else
		upload_over(s);
	return rc;
}

static int s3_stat(struct sink *sk, int64_t *size, char **etag)
{
	struct sink_s3 *s = (struct sink_s3 *)sk;
	struct s3_error err;
	int rc;

	rc = s3_head_object(s->s3, s->bucket, s->key, size, etag, &err);
	if (rc)
		record_error(s, "HeadObject", &err, rc);
	return rc;
}

static int s3_remove(struct sink *sk)
{
	struct sink_s3 *s = (struct sink_s3 *)sk;
	struct s3_error err;
	char text[400];
	int rc;

	rc = s3_delete_object(s->s3, s->bucket, s->key, &err);
	if (rc)
		log_err("cannot delete 's3://%s/%s': %s", s->bucket, s->key,
			s3_error_text(&err, rc, text, sizeof(text)));
	return rc;
}

static const char *s3_last_error(struct sink *sk)
{
	return ((struct sink_s3 *)sk)->error;
}

static void s3_free(struct sink *sk)
{
	struct sink_s3 *s = (struct sink_s3 *)sk;
	unsigned i;

	for (i = 0; i < s->n_parts; i++)
		free(s->parts[i].etag);
	free(s->parts);
	free(s->sent);
	free(s->upload_id);
	free(s->bucket);
	free(s->key);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void sink_s3_set_watch(struct sink *sk, const struct sink_s3_watch *w)
{
	((struct sink_s3 *)sk)->watch = w;
}

static const struct sink_ops sink_s3_ops = {
	.put_whole = s3_put_whole,
	.begin = s3_begin,
	.put_part = s3_put_part,
	.complete = s3_complete,
	.abort = s3_abort,
	.stat = s3_stat,
	.remove = s3_remove,
	.last_error = s3_last_error,
	.free = s3_free,
};

int sink_s3_new(struct s3_client *s3, const char *bucket, const char *key,
		const struct s3_meta *meta, struct sink **out)
{
	struct sink_s3 *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->base.ops = &sink_s3_ops;
	/* What UploadPart sends (s3.h): the uploader hashes a part once. */
	s->base.wants = SINK_WANT_CRC32C |
			(s3_signs_payload(s3) ? SINK_WANT_SHA256 : 0);
	s->s3 = s3;
	s->meta = meta;
	s->bucket = strdup(bucket);
	s->key = strdup(key);
	pthread_mutex_init(&s->lock, NULL);
	if (!s->bucket || !s->key) {
		s3_free(&s->base);
		return -ENOMEM;
	}
	*out = &s->base;
	return 0;
}
