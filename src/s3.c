// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * s3: request building (addressing, SigV4 headers, retries) and the
 * multipart calls.  Owns no threads; the uploader decides concurrency.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "hash.h"
#include "log.h"
#include "s3.h"
#include "s3_list.h"
#include "s3_xml.h"
#include "sigv4.h"

/* S3 asks clients to retry 5xx and SlowDown with backoff; six attempts
 * spread over about half a minute ride out a restart of a gateway. */
#define S3_MAX_ATTEMPTS 6
#define S3_BACKOFF_BASE_MS 250
#define S3_BACKOFF_CAP_MS 8000
#define S3_MAX_XML (1u << 20)
#define S3_MAX_META 8
#define S3_META_NAME_MAX 128
/* Host, date, payload hash, token, Content-MD5, type and metadata. */
#define S3_MAX_HEADERS (6 + S3_MAX_META)

struct s3_client {
	const struct aws_config *aws;
	struct http_client *http;
	char *scheme;		/* "http" or "https" */
	char *host;		/* host[:port] of the endpoint */
	char *base_path;	/* path part of the endpoint, "" or "/x" */
	/* The server refused x-amz-checksum-algorithm once (Backblaze B2,
	 * Cloudflare R2): later uploads go without it.  Atomic. */
	int checksums_refused;
};

struct s3_call {
	const char *method;
	const char *bucket;
	const char *key;	/* NULL for a bucket-level call */
	const char *query;	/* already encoded, without '?'; NULL: none */
	const struct sigv4_header *extra;	/* signed and sent */
	size_t n_extra;
	const void *body;
	size_t body_len;
	const char *payload_hash;	/* NULL: computed from body */
	int cleanup;		/* runs even when the transfer is cancelled */
	/* S3 may answer 200 and report the failure in the body (it has
	 * sent white-space keep-alives while working): a 200 whose root
	 * element is <Error> is then a failure like any other. */
	int error_in_200;
	unsigned part;		/* UploadPart's number, for messages */
};

int s3_client_new(const struct aws_config *aws, struct http_client *http,
		  struct s3_client **out)
{
	struct s3_client *s3 = calloc(1, sizeof(*s3));
	const char *ep = aws->endpoint_url, *host, *path;

	if (!s3)
		return -ENOMEM;
	s3->aws = aws;
	s3->http = http;
	host = strstr(ep, "://") + 3;
	path = strchr(host, '/');
	s3->scheme = strndup(ep, (size_t)(host - 3 - ep));
	s3->host = path ? strndup(host, (size_t)(path - host)) : strdup(host);
	s3->base_path = strdup(path ? path : "");
	if (!s3->scheme || !s3->host || !s3->base_path) {
		s3_client_free(s3);
		return -ENOMEM;
	}
	*out = s3;
	return 0;
}

void s3_client_free(struct s3_client *s3)
{
	if (!s3)
		return;
	free(s3->scheme);
	free(s3->host);
	free(s3->base_path);
	free(s3);
}

/* Path and Host of a call, by addressing style. */
static int s3_target(const struct s3_client *s3, const struct s3_call *c,
		     struct buf *path, struct buf *host)
{
	int rc = buf_appends(path, s3->base_path);

	if (!rc && s3->aws->path_style) {
		rc = buf_appends(host, s3->host);
		if (!rc)
			rc = buf_appendf(path, "/%s", c->bucket);
	} else if (!rc) {
		rc = buf_appendf(host, "%s.%s", c->bucket, s3->host);
	}
	if (!rc && (c->key || !path->len))
		rc = buf_appends(path, "/");
	if (!rc && c->key)
		rc = sigv4_uri_encode(c->key, strlen(c->key), 1, path);
	return rc;
}

static int s3_sign(const struct s3_client *s3, const struct s3_call *c,
		   const char *path, const char *host, const char *hash,
		   struct buf *auth, const char **wire, size_t *n_wire,
		   char amz_date[17])
{
	struct sigv4_header h[S3_MAX_HEADERS];
	struct sigv4_credentials cred = {
		s3->aws->access_key_id, s3->aws->secret_access_key,
		s3->aws->session_token };
	struct sigv4_params p = { s3->aws->region, "s3", time(NULL), 0, 0 };
	struct sigv4_request r = { c->method, path, c->query, h, 0, hash };
	struct sigv4_signature sig;
	size_t i, n = 0;
	int rc;

	sigv4_amz_date(p.now, amz_date);
	h[n++] = (struct sigv4_header){ "Host", host };
	h[n++] = (struct sigv4_header){ "x-amz-date", amz_date };
	h[n++] = (struct sigv4_header){ "x-amz-content-sha256", hash };
	if (cred.session_token)
		h[n++] = (struct sigv4_header){ "x-amz-security-token",
						cred.session_token };
	for (i = 0; i < c->n_extra && n < S3_MAX_HEADERS; i++)
		h[n++] = c->extra[i];
	r.n_headers = n;
	rc = sigv4_sign(&r, &cred, &p, &sig);
	if (rc)
		return rc;
	/* One buffer holds every "Name: value" line, NUL-separated. */
	for (i = 0; !rc && i < n; i++)
		rc = buf_appendf(auth, "%s: %s%c", h[i].name, h[i].value, 0);
	if (!rc)
		rc = buf_appendf(auth, "Authorization: %s%c", sig.authorization, 0);
	sigv4_signature_release(&sig);
	if (rc)
		return rc;
	for (i = 0, *n_wire = 0; i < auth->len; i += strlen(auth->data + i) + 1)
		wire[(*n_wire)++] = auth->data + i;
	wire[*n_wire] = NULL;
	return 0;
}

static void s3_parse_error(const struct http_response *resp,
			   struct s3_error *err)
{
	err->status = resp->status;
	err->code[0] = err->message[0] = '\0';
	if (resp->body.len) {
		s3_xml_find(resp->body.data, resp->body.len, "Error/Code",
			    err->code, sizeof(err->code));
		s3_xml_find(resp->body.data, resp->body.len, "Error/Message",
			    err->message, sizeof(err->message));
	}
	if (!err->code[0])
		snprintf(err->code, sizeof(err->code), "%s",
			 resp->status == 404 ? "NotFound" :
			 resp->status == 403 ? "AccessDenied" :
			 resp->status == 400 ? "BadRequest" : "HTTPError");
}

/* XAmzContentSHA256Mismatch and BadDigest: the body did not match its
 * signed SHA-256 or its Content-MD5, i.e. bytes were damaged on the way;
 * the next attempt sends them again from memory. */
static int s3_code_retryable(const char *code)
{
	static const char *const codes[] = { "SlowDown", "InternalError",
		"RequestTimeout", "RequestTimeTooSkewed", "ServiceUnavailable",
		"XAmzContentSHA256Mismatch", "BadDigest", NULL };
	const char *const *c;

	for (c = codes; *c; c++)
		if (!strcmp(code, *c))
			return 1;
	return 0;
}

static int s3_body_is_error(const struct http_response *resp)
{
	char root[64];

	return !s3_xml_root(resp->body.data, resp->body.len, root, sizeof(root)) &&
	       !strcmp(root, "Error");
}

static int s3_status_errno(long status)
{
	int rc = http_status_to_errno(status);

	if (status >= 200 && status < 300)
		return -EIO;	/* an <Error> inside a 200 */

	return rc == -EINVAL || rc == -ERANGE || rc == -EAGAIN ? -EIO : rc;
}

/* One attempt.  Returns 0, a transport errno, or -EIO/-EACCES/... with err
 * filled; *retry says whether another attempt may help. */
static int s3_attempt(struct s3_client *s3, const struct s3_call *c,
		      const char *url, const char *path, const char *host,
		      const char *hash, struct http_response *resp,
		      struct s3_error *err, int *retry)
{
	const char *wire[S3_MAX_HEADERS + 2];
	struct http_request req;
	struct buf lines;
	char amz_date[17];
	size_t n_wire;
	int rc;

	buf_init(&lines, 64 << 10);
	rc = s3_sign(s3, c, path, host, hash, &lines, wire, &n_wire, amz_date);
	if (rc) {
		buf_release(&lines);
		return rc;
	}
	http_request_init(&req, c->method, url);
	req.headers = wire;
	req.body = c->body;
	req.body_len = c->body_len;
	req.max_body = S3_MAX_XML;
	req.ignore_cancel = c->cleanup;
	req.ca_file = s3->aws->ca_bundle;
	rc = http_perform(s3->http, &req, resp);
	buf_release(&lines);
	if (rc) {
		*retry = http_is_retryable(rc, 0);
		err->status = 0;
		snprintf(err->code, sizeof(err->code), "%s", "");
		snprintf(err->message, sizeof(err->message), "%s", strerror(-rc));
		return rc;
	}
	if (resp->status >= 200 && resp->status < 300 &&
	    !(c->error_in_200 && s3_body_is_error(resp)))
		return 0;
	s3_parse_error(resp, err);
	*retry = http_is_retryable(0, resp->status) || s3_code_retryable(err->code);
	return s3_status_errno(resp->status);
}

/* "PUT s3://bucket/key" for messages: never the query (upload ids are
 * harmless, but one rule for every URL is easier to keep). */
static void s3_where(const struct s3_call *c, char *out, size_t size)
{
	snprintf(out, size, "%s s3://%s/%s", c->method, c->bucket,
		 c->key ? c->key : "");
}

static void s3_log_attempt(const struct s3_call *c, int rc,
			   const struct http_response *resp,
			   const struct s3_error *err, const struct timespec *t0,
			   unsigned attempt)
{
	char where[300], what[128];
	struct timespec t1;

	if (!log_enabled(LOG_DEBUG, LOG_SUB_S3))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s3_where(c, where, sizeof(where));
	if (resp->status)
		snprintf(what, sizeof(what), "HTTP %ld%s%s", resp->status,
			 rc ? " " : "", rc ? err->code : "");
	else
		snprintf(what, sizeof(what), "%s", strerror(-rc));
	/* %.0u prints nothing for 0: only UploadPart has a part number. */
	log_debug(LOG_SUB_S3, "%s%s%.0u: %s, %zu bytes up, %.1f ms (attempt %u)",
		  where, c->part ? " part " : "", c->part, what, c->body_len,
		  (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
		  (double)(t1.tv_nsec - t0->tv_nsec) / 1e6, attempt + 1);
}

static int s3_call(struct s3_client *s3, const struct s3_call *c,
		   struct http_response *resp, struct s3_error *err)
{
	struct buf path, host, url;
	char hash[65], where[300];
	unsigned attempt, seed = (unsigned)time(NULL) ^ (unsigned)(size_t)c;
	struct timespec t0;
	int rc, retry;

	buf_init(&path, 8192);
	buf_init(&host, 1024);
	buf_init(&url, 16384);
	memset(resp, 0, sizeof(*resp));
	rc = s3_target(s3, c, &path, &host);
	if (!rc)
		rc = buf_appendf(&url, "%s://%s%s%s%s", s3->scheme, buf_str(&host),
				 buf_str(&path), c->query ? "?" : "",
				 c->query ? c->query : "");
	if (!rc && !c->payload_hash)
		hash_sha256_hex(c->body ? c->body : "", c->body_len, hash);
	for (attempt = 0; !rc; attempt++) {
		retry = 0;
		err->attempts = attempt + 1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = s3_attempt(s3, c, buf_str(&url), buf_str(&path), buf_str(&host),
				c->payload_hash ? c->payload_hash : hash, resp,
				err, &retry);
		s3_log_attempt(c, rc, resp, err, &t0, attempt);
		if (!rc || !retry || attempt + 1 >= S3_MAX_ATTEMPTS)
			break;
		s3_where(c, where, sizeof(where));
		log_info("retrying %s after %s (attempt %u)", where,
			 err->code[0] ? err->code : err->message, attempt + 1);
		http_response_release(resp);
		rc = http_sleep_ms(s3->http, http_backoff_ms(attempt,
				   S3_BACKOFF_BASE_MS, S3_BACKOFF_CAP_MS, &seed),
				   c->cleanup);
	}
	buf_release(&path);
	buf_release(&host);
	buf_release(&url);
	return rc;
}

/* Run a call whose answer is not needed beyond its headers. */
static int s3_call_simple(struct s3_client *s3, const struct s3_call *c,
			  char **etag, struct s3_error *err)
{
	struct http_response resp;
	int rc = s3_call(s3, c, &resp, err);

	if (!rc && etag) {
		*etag = resp.etag ? strdup(resp.etag) : NULL;
		if (!*etag)
			rc = resp.etag ? -ENOMEM : -EIO;
		if (rc == -EIO)
			snprintf(err->message, sizeof(err->message),
				 "no ETag in the answer");
	}
	http_response_release(&resp);
	return rc;
}

int s3_check_bucket(struct s3_client *s3, const char *bucket,
		    struct s3_error *err)
{
	struct s3_call c = { .method = "GET", .bucket = bucket,
			     .query = "list-type=2&max-keys=0" };

	return s3_call_simple(s3, &c, NULL, err);
}

/* Room for the x-amz-meta-NAME header names of one request. */
struct s3_meta_names {
	char name[S3_MAX_META][S3_META_NAME_MAX];
};

/* Content-Type and x-amz-meta-* as signed headers; returns how many. */
static size_t meta_headers(const struct s3_meta *meta, struct sigv4_header *h,
			   struct s3_meta_names *names)
{
	size_t i, n = 0;

	if (!meta)
		return 0;
	if (meta->content_type)
		h[n++] = (struct sigv4_header){ "Content-Type", meta->content_type };
	for (i = 0; i < meta->n && i < S3_MAX_META; i++) {
		snprintf(names->name[i], sizeof(names->name[i]), "x-amz-meta-%s",
			 meta->names[i]);
		h[n++] = (struct sigv4_header){ names->name[i], meta->values[i] };
	}
	return n;
}

int s3_put_object(struct s3_client *s3, const char *bucket, const char *key,
		  const void *data, size_t len, const struct s3_meta *meta,
		  char **etag, struct s3_error *err)
{
	struct sigv4_header h[S3_MAX_META + 2];
	struct s3_call c = { .method = "PUT", .bucket = bucket, .key = key,
			     .body = data, .body_len = len, .extra = h };
	struct s3_meta_names names;
	unsigned char md5[16];
	char md5_b64[32];

	c.n_extra = meta_headers(meta, h, &names);
	hash_md5(data ? data : "", len, md5);
	hash_base64(md5, sizeof(md5), md5_b64);
	h[c.n_extra++] = (struct sigv4_header){ "Content-MD5", md5_b64 };
	return s3_call_simple(s3, &c, etag, err);
}

int s3_head_object(struct s3_client *s3, const char *bucket, const char *key,
		   int64_t *size, char **etag, struct s3_error *err)
{
	struct s3_call c = { .method = "HEAD", .bucket = bucket, .key = key };
	struct http_response resp;
	int rc = s3_call(s3, &c, &resp, err);

	if (!rc) {
		*size = resp.content_length;
		*etag = resp.etag ? strdup(resp.etag) : strdup("");
		if (!*etag)
			rc = -ENOMEM;
	}
	http_response_release(&resp);
	return rc;
}

int s3_delete_object(struct s3_client *s3, const char *bucket,
		     const char *key, struct s3_error *err)
{
	struct s3_call c = { .method = "DELETE", .bucket = bucket, .key = key,
			     .cleanup = 1 };

	return s3_call_simple(s3, &c, NULL, err);
}

/* Whether a refused Create was refused for its checksum header: B2
 * answers 400 InvalidArgument "Unsupported header
 * 'x-amz-checksum-algorithm' ...", R2 501 NotImplemented "Header
 * 'x-amz-checksum-algorithm' ... not implemented". */
static int refuses_checksums(int rc, const struct s3_error *err)
{
	return rc && (err->status == 400 || err->status == 501) &&
	       (!strcmp(err->code, "InvalidArgument") ||
		!strcmp(err->code, "InvalidRequest") ||
		!strcmp(err->code, "NotImplemented")) &&
	       strcasestr(err->message, "checksum");
}

static int create_once(struct s3_client *s3, const char *bucket,
		       const char *key, const struct s3_meta *meta,
		       int checksums, char **upload_id, struct s3_error *err)
{
	struct sigv4_header h[S3_MAX_META + 2];
	struct s3_call c = { .method = "POST", .bucket = bucket, .key = key,
			     .query = "uploads", .extra = h };
	struct s3_meta_names names;
	struct http_response resp;
	char id[1024];
	int rc;

	c.n_extra = meta_headers(meta, h, &names);
	if (checksums)
		h[c.n_extra++] = (struct sigv4_header){ "x-amz-checksum-algorithm", "CRC32C" };
	rc = s3_call(s3, &c, &resp, err);
	if (!rc && s3_xml_find(resp.body.data, resp.body.len,
			       "InitiateMultipartUploadResult/UploadId", id,
			       sizeof(id))) {
		snprintf(err->message, sizeof(err->message), "no UploadId in the answer");
		rc = -EIO;
	}
	if (!rc && !(*upload_id = strdup(id)))
		rc = -ENOMEM;
	http_response_release(&resp);
	return rc;
}

int s3_multipart_create(struct s3_client *s3, const char *bucket,
			const char *key, const struct s3_meta *meta,
			char **upload_id, int *checksums, struct s3_error *err)
{
	int rc;

	*checksums = !__atomic_load_n(&s3->checksums_refused, __ATOMIC_RELAXED);
	rc = create_once(s3, bucket, key, meta, *checksums, upload_id, err);
	if (*checksums && refuses_checksums(rc, err)) {
		if (!__atomic_exchange_n(&s3->checksums_refused, 1, __ATOMIC_RELAXED))
			log_info("the S3 server refuses checksum headers (%s: %s); parts go with Content-MD5",
				 err->code, err->message);
		*checksums = 0;
		rc = create_once(s3, bucket, key, meta, 0, upload_id, err);
	}
	return rc;
}

static int upload_query(const char *upload_id, unsigned part, struct buf *q)
{
	int rc = 0;

	if (part)
		rc = buf_appendf(q, "partNumber=%u&", part);
	if (!rc)
		rc = buf_appends(q, "uploadId=");
	if (!rc)
		rc = sigv4_uri_encode(upload_id, strlen(upload_id), 0, q);
	return rc;
}

/* S3's checksum headers carry the big-endian bytes, in base64. */
static void crc32c_base64(uint32_t crc, char out[16])
{
	unsigned char be[4] = { (unsigned char)(crc >> 24),
				(unsigned char)(crc >> 16),
				(unsigned char)(crc >> 8), (unsigned char)crc };

	hash_base64(be, sizeof(be), out);
}

int s3_multipart_upload_part(struct s3_client *s3, const char *bucket,
			     const char *key, const char *upload_id,
			     unsigned part_number, const void *data, size_t len,
			     const struct s3_part_digests *d, char **etag,
			     struct s3_error *err)
{
	char sum_b64[32], sha_hex[65];
	unsigned char md5[16];
	struct sigv4_header h[1] = { { "x-amz-checksum-crc32c", sum_b64 } };
	struct s3_call c = { .method = "PUT", .bucket = bucket, .key = key,
			     .extra = h, .n_extra = 1, .body = data,
			     .body_len = len, .part = part_number };
	struct buf q;
	int rc;

	buf_init(&q, 2048);
	if (d->checksums) {
		crc32c_base64(d->crc32c ? *d->crc32c : hash_crc32c(0, data, len),
			      sum_b64);
	} else {
		if (!d->md5)
			hash_md5(data ? data : "", len, md5);
		hash_base64(d->md5 ? d->md5 : md5, 16, sum_b64);
		h[0].name = "Content-MD5";
	}
	if (!s3_signs_payload(s3)) {
		c.payload_hash = SIGV4_UNSIGNED_PAYLOAD;
	} else if (d->sha256) {
		hash_hex(d->sha256, 32, sha_hex);
		c.payload_hash = sha_hex;
	}
	rc = upload_query(upload_id, part_number, &q);
	c.query = buf_str(&q);
	if (!rc)
		rc = s3_call_simple(s3, &c, etag, err);
	buf_release(&q);
	return rc;
}

int s3_signs_payload(const struct s3_client *s3)
{
	return strcmp(s3->scheme, "https") != 0;
}

static int complete_body(unsigned n, const struct s3_part_done *parts,
			 int checksums, struct buf *b)
{
	int rc = buf_appends(b, "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
	char crc_b64[16];
	unsigned i;

	for (i = 0; !rc && i < n; i++) {
		rc = buf_appendf(b, "<Part><PartNumber>%u</PartNumber><ETag>%s</ETag>",
				 i + 1, parts[i].etag);
		if (!rc && checksums) {
			crc32c_base64(parts[i].crc32c, crc_b64);
			rc = buf_appendf(b, "<ChecksumCRC32C>%s</ChecksumCRC32C>", crc_b64);
		}
		if (!rc)
			rc = buf_appends(b, "</Part>");
	}
	if (!rc)
		rc = buf_appends(b, "</CompleteMultipartUpload>");
	return rc;
}

int s3_multipart_complete(struct s3_client *s3, const char *bucket,
			  const char *key, const char *upload_id,
			  unsigned n_parts, const struct s3_part_done *parts,
			  int checksums, struct s3_error *err)
{
	struct s3_call c = { .method = "POST", .bucket = bucket, .key = key,
			     .error_in_200 = 1 };
	struct http_response resp;
	struct buf q, body;
	int rc;

	buf_init(&q, 2048);
	buf_init(&body, (size_t)n_parts * 128 + 256);
	rc = upload_query(upload_id, 0, &q);
	if (!rc)
		rc = complete_body(n_parts, parts, checksums, &body);
	c.query = buf_str(&q);
	c.body = body.data;
	c.body_len = body.len;
	if (!rc) {
		rc = s3_call(s3, &c, &resp, err);
		http_response_release(&resp);
	}
	/* A retried Complete that finds no upload may have completed on an
	 * attempt whose answer was lost: the caller checks the object. */
	if (rc == -ENOENT && err->attempts > 1 && !strcmp(err->code, "NoSuchUpload"))
		rc = -EALREADY;
	buf_release(&q);
	buf_release(&body);
	return rc;
}

int s3_multipart_abort(struct s3_client *s3, const char *bucket,
		       const char *key, const char *upload_id,
		       struct s3_error *err)
{
	struct s3_call c = { .method = "DELETE", .bucket = bucket, .key = key,
			     .cleanup = 1 };
	struct buf q;
	int rc;

	buf_init(&q, 2048);
	rc = upload_query(upload_id, 0, &q);
	c.query = buf_str(&q);
	if (!rc)
		rc = s3_call_simple(s3, &c, NULL, err);
	buf_release(&q);
	return rc;
}

const char *s3_error_text(const struct s3_error *err, int rc, char *out,
			  size_t size)
{
	if (err->code[0])
		snprintf(out, size, "%s (HTTP %ld)%s%s", err->code, err->status,
			 err->message[0] ? ": " : "", err->message);
	else
		snprintf(out, size, "%s", err->message[0] ? err->message :
			 strerror(-rc));
	return out;
}

/* list-type=2&prefix=P[&continuation-token=T], encoded as SigV4 wants. */
static int list_query(const char *prefix, const char *token, struct buf *q)
{
	int rc = buf_appends(q, "list-type=2&prefix=");

	if (!rc)
		rc = sigv4_uri_encode(prefix, strlen(prefix), 0, q);
	if (!rc && token) {
		rc = buf_appends(q, "&continuation-token=");
		if (!rc)
			rc = sigv4_uri_encode(token, strlen(token), 0, q);
	}
	return rc;
}

/* One GET of a listing with query q (released here, whatever happens; rc:
 * whether building it failed).  resp is set only when 0 is returned. */
static int call_listing(struct s3_client *s3, struct s3_call *c,
			struct buf *q, int rc, struct http_response *resp,
			struct s3_error *err)
{
	c->query = buf_str(q);
	if (!rc)
		rc = s3_call(s3, c, resp, err);
	buf_release(q);
	return rc;
}

static int parsed(int rc, const char *what, struct s3_error *err)
{
	if (rc == -EBADMSG)
		snprintf(err->message, sizeof(err->message),
			 "malformed %s answer", what);
	return rc;
}

int s3_list_objects(struct s3_client *s3, const char *bucket,
		    const char *prefix, struct s3_list_page *page,
		    struct s3_error *err)
{
	struct s3_call c = { .method = "GET", .bucket = bucket };
	struct http_response resp;
	char *token = NULL;
	struct buf q;
	int rc;

	do {
		buf_init(&q, 8192);
		rc = list_query(prefix, token, &q);
		free(token);
		token = NULL;
		if ((rc = call_listing(s3, &c, &q, rc, &resp, err)))
			break;
		rc = parsed(s3_list_parse(resp.body.data, resp.body.len, page),
			    "ListObjectsV2", err);
		http_response_release(&resp);
		if (!rc && page->truncated && page->next_token &&
		    !(token = strdup(page->next_token)))
			rc = -ENOMEM;
	} while (!rc && token);
	return rc;
}

int s3_multipart_list_parts(struct s3_client *s3, const char *bucket,
			    const char *key, const char *upload_id,
			    struct s3_parts_page *page, struct s3_error *err)
{
	struct s3_call c = { .method = "GET", .bucket = bucket, .key = key };
	struct http_response resp;
	unsigned marker = 0, pages = 0;
	struct buf q;
	int rc;

	do {
		/* Keys sorted, as SigV4's canonical query wants them. */
		buf_init(&q, 2048);
		rc = marker ? buf_appendf(&q, "part-number-marker=%u&", marker) : 0;
		if (!rc)
			rc = upload_query(upload_id, 0, &q);
		if ((rc = call_listing(s3, &c, &q, rc, &resp, err)))
			break;
		rc = parsed(s3_parts_parse(resp.body.data, resp.body.len, page),
			    "ListParts", err);
		http_response_release(&resp);
		/* A marker that does not move on would loop; 10,000 parts
		 * are 10 pages of S3's 1,000. */
		if (!rc && page->truncated &&
		    (page->next_marker <= marker || ++pages > 100))
			rc = -EBADMSG;
		marker = page->next_marker;
	} while (!rc && page->truncated);
	return rc;
}
