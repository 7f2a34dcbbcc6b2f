// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sigv4: AWS Signature Version 4, header and query (presigned) variants.
 *
 * Every step is a pure function of its arguments: the canonical request is
 * built from the request, the string to sign from the canonical request, the
 * signature from the string to sign and a key derived from the secret.  The
 * rules follow AWS's "Create a canonical request" page and are checked byte
 * for byte against the aws-c-auth test suite (tests/fixtures/sigv4).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "hash.h"
#include "sigv4.h"

#ifdef SCFS_UNIT_TESTS
#define SCFS_TESTABLE
#else
#define SCFS_TESTABLE static
#endif

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
/* Bound on every string we build; a request whose canonical form is larger
 * than this is refused with -EINVAL. */
#define SIGV4_MAX (1024 * 1024)
/* AWS refuses presigned URLs valid for longer than seven days. */
#define SIGV4_MAX_EXPIRES 604800L
/* The signing key is derived on the stack; real secrets are 40 bytes. */
#define SIGV4_MAX_SECRET 256

/* One query parameter in canonical form: "key=value", both URI-encoded. */
struct sigv4_param {
	char *pair;	/* owned */
	size_t key_len;
};

struct sigv4_params_list {
	struct sigv4_param *v;
	size_t n;
	size_t cap;
};

/* What the header and query variants share, built before the query. */
struct sigv4_work {
	char date[17];			/* 20150830T123600Z */
	struct buf scope;		/* 20150830/us-east-1/s3/aws4_request */
	struct buf headers;		/* canonical headers, "\n"-terminated */
	struct buf signed_headers;	/* host;x-amz-date */
	struct buf query;		/* canonical query string */
};

SCFS_TESTABLE int sigv4_canonical_path(const char *path, int normalize,
				       int double_encode, struct buf *out);
SCFS_TESTABLE int sigv4_canonical_query(const char *query, struct buf *out);
SCFS_TESTABLE int sigv4_canonical_headers(const struct sigv4_header *headers,
					  size_t n, struct buf *canonical,
					  struct buf *signed_headers);

static int is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

int sigv4_uri_encode(const char *s, size_t len, int keep_slash,
		     struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0;
	char esc[3];
	int rc = 0;

	/* Copy runs of characters kept as they are in one append each. */
	for (i = 0; i < len && !rc; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_unreserved(c) || (keep_slash && c == '/')) {
			run++;
			continue;
		}
		if (run)
			rc = buf_append(out, s + i - run, run);
		run = 0;
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		if (!rc)
			rc = buf_append(out, esc, sizeof(esc));
	}
	if (!rc && run)
		rc = buf_append(out, s + len - run, run);
	return rc;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undo %XX escapes; a '%' not followed by two hex digits stays literal, and
 * '+' is not a space (the query is not form data). */
static int uri_decode(const char *s, size_t len, struct buf *out)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < len && !rc; i++) {
		char c = s[i];

		if (c == '%' && i + 2 < len &&
		    hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
			c = (char)(hex_value(s[i + 1]) << 4 |
				   hex_value(s[i + 2]));
			i += 2;
		}
		rc = buf_append(out, &c, 1);
	}
	return rc;
}

/*
 * Paths
 */

/* Drop the last "/segment" of a path being normalised. */
static void path_pop(struct buf *b)
{
	while (b->len && b->data[b->len - 1] != '/')
		b->len--;
	if (b->len)
		b->len--;
	if (b->data)
		b->data[b->len] = '\0';
}

/* Remove empty and "." segments and apply ".." ones.  The result starts with
 * '/' and ends with one when path did (aws-c-auth's rules). */
static int normalize_path(const char *path, struct buf *out)
{
	const char *p = path, *end;
	size_t n;
	int rc = 0;

	while (*p && !rc) {
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		n = (size_t)(end - p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			path_pop(out);
		else if (n && !(n == 1 && p[0] == '.'))
			rc = buf_appendf(out, "/%.*s", (int)n, p);
		p = *end ? end + 1 : end;
	}
	if (!rc && (!out->len || path[strlen(path) - 1] == '/'))
		rc = buf_append(out, "/", 1);
	return rc;
}

/* Generic services sign the path encoded once more than on the wire
 * (double_encode); S3 signs it exactly as sent. */
SCFS_TESTABLE int sigv4_canonical_path(const char *path, int normalize,
				       int double_encode, struct buf *out)
{
	struct buf tmp;
	int rc = 0;

	if (!*path)
		path = "/";
	buf_init(&tmp, SIGV4_MAX);
	if (normalize) {
		rc = normalize_path(path, &tmp);
		path = buf_str(&tmp);
	}
	if (!rc && double_encode)
		rc = sigv4_uri_encode(path, strlen(path), 1, out);
	else if (!rc)
		rc = buf_appends(out, path);
	buf_release(&tmp);
	return rc;
}

/*
 * Query strings
 */

static void params_release(struct sigv4_params_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].pair);
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}

static int params_reserve(struct sigv4_params_list *l)
{
	struct sigv4_param *v;
	size_t cap;

	if (l->n < l->cap)
		return 0;
	cap = l->cap ? l->cap * 2 : 8;
	v = realloc(l->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	l->cap = cap;
	return 0;
}

/* Parameters from the request line may already be encoded: decode them
 * first so that they are encoded exactly once. */
static int append_param_part(struct buf *out, const char *s, size_t len,
			     int decode)
{
	struct buf raw;
	int rc;

	if (!decode)
		return sigv4_uri_encode(s, len, 0, out);
	buf_init(&raw, SIGV4_MAX);
	rc = uri_decode(s, len, &raw);
	if (!rc)
		rc = sigv4_uri_encode(buf_str(&raw), raw.len, 0, out);
	buf_release(&raw);
	return rc;
}

static int params_add(struct sigv4_params_list *l, const char *k, size_t klen,
		      const char *v, size_t vlen, int decode)
{
	struct buf pair;
	size_t key_len;
	int rc;

	buf_init(&pair, SIGV4_MAX);
	rc = params_reserve(l);
	if (!rc)
		rc = append_param_part(&pair, k, klen, decode);
	key_len = pair.len;
	if (!rc)
		rc = buf_append(&pair, "=", 1);
	if (!rc)
		rc = append_param_part(&pair, v, vlen, decode);
	if (rc) {
		buf_release(&pair);
		return rc;
	}
	l->v[l->n].pair = buf_detach(&pair);
	if (!l->v[l->n].pair)
		return -ENOMEM;
	l->v[l->n++].key_len = key_len;
	return 0;
}

/* An unencoded parameter we add ourselves (presigning). */
static int params_add_str(struct sigv4_params_list *l, const char *k,
			  const char *v)
{
	return params_add(l, k, strlen(k), v, strlen(v), 0);
}

/* Split "a=1&b&c=" into parameters; empty ones ("a=1&&b") are dropped and a
 * key without '=' gets an empty value. */
static int params_parse(struct sigv4_params_list *l, const char *query)
{
	const char *p = query ? query : "", *end, *eq, *val;
	int rc = 0;

	while (*p && !rc) {
		end = strchr(p, '&');
		if (!end)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq)
			eq = end;
		val = eq < end ? eq + 1 : end;
		if (end > p)
			rc = params_add(l, p, (size_t)(eq - p), val,
					(size_t)(end - val), 1);
		p = *end ? end + 1 : end;
	}
	return rc;
}

/* Sort by encoded key, then by encoded value. */
static int param_cmp(const void *a, const void *b)
{
	const struct sigv4_param *x = a, *y = b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->pair, y->pair, n);

	if (c)
		return c;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return strcmp(x->pair + x->key_len, y->pair + y->key_len);
}

static int params_join(struct sigv4_params_list *l, struct buf *out)
{
	size_t i;
	int rc = 0;

	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), param_cmp);
	for (i = 0; i < l->n && !rc; i++) {
		if (i)
			rc = buf_append(out, "&", 1);
		if (!rc)
			rc = buf_appends(out, l->v[i].pair);
	}
	return rc;
}

SCFS_TESTABLE int sigv4_canonical_query(const char *query, struct buf *out)
{
	struct sigv4_params_list l = { NULL, 0, 0 };
	int rc;

	rc = params_parse(&l, query);
	if (!rc)
		rc = params_join(&l, out);
	params_release(&l);
	return rc;
}

/*
 * Headers
 */

struct sigv4_header_ref {
	const struct sigv4_header *h;
	size_t index;
};

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int name_cmp(const char *a, const char *b)
{
	unsigned char x, y;

	do {
		x = (unsigned char)ascii_lower(*a++);
		y = (unsigned char)ascii_lower(*b++);
	} while (x && x == y);
	return x - y;
}

/* By lowercase name; duplicates keep the caller's order. */
static int header_ref_cmp(const void *a, const void *b)
{
	const struct sigv4_header_ref *x = a, *y = b;
	int c = name_cmp(x->h->name, y->h->name);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int append_lower(struct buf *out, const char *s)
{
	int rc = 0;
	char c;

	for (; *s && !rc; s++) {
		c = ascii_lower(*s);
		rc = buf_append(out, &c, 1);
	}
	return rc;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trim the value and turn every run of whitespace inside it, line folds
 * included, into one space. */
static int append_trimmed(struct buf *out, const char *v)
{
	const char *word;
	int rc = 0, first = 1;

	while (!rc) {
		while (is_space(*v))
			v++;
		if (!*v)
			break;
		word = v;
		while (*v && !is_space(*v))
			v++;
		if (!first)
			rc = buf_append(out, " ", 1);
		if (!rc)
			rc = buf_append(out, word, (size_t)(v - word));
		first = 0;
	}
	return rc;
}

static int start_header(struct buf *canonical, struct buf *signed_headers,
			const char *name, int first)
{
	int rc = 0;

	if (!first) {
		rc = buf_append(canonical, "\n", 1);
		if (!rc)
			rc = buf_append(signed_headers, ";", 1);
	}
	if (!rc)
		rc = append_lower(canonical, name);
	if (!rc)
		rc = buf_append(canonical, ":", 1);
	if (!rc)
		rc = append_lower(signed_headers, name);
	return rc;
}

/* "name:value\n" per distinct lowercase name, sorted, the values of
 * repeated headers joined with ','; and the names joined with ';'. */
SCFS_TESTABLE int sigv4_canonical_headers(const struct sigv4_header *headers,
					  size_t n, struct buf *canonical,
					  struct buf *signed_headers)
{
	struct sigv4_header_ref *refs;
	size_t i;
	int rc = 0;

	if (!n)
		return -EINVAL;
	refs = calloc(n, sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		refs[i].h = &headers[i];
		refs[i].index = i;
	}
	qsort(refs, n, sizeof(*refs), header_ref_cmp);
	for (i = 0; i < n && !rc; i++) {
		if (i && !name_cmp(refs[i - 1].h->name, refs[i].h->name))
			rc = buf_append(canonical, ",", 1);
		else
			rc = start_header(canonical, signed_headers,
					  refs[i].h->name, !i);
		if (!rc)
			rc = append_trimmed(canonical, refs[i].h->value);
	}
	if (!rc)
		rc = buf_append(canonical, "\n", 1);
	free(refs);
	return rc;
}

/*
 * Argument checks
 */

/* Non-empty, printable ASCII without spaces or any of forbidden. */
static int is_token(const char *s, const char *forbidden)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f ||
		    strchr(forbidden, *s))
			return 0;
	return 1;
}

/* One line of a bounded length (may be empty). */
static int is_line(const char *s)
{
	return s && !strpbrk(s, "\r\n") && strlen(s) <= SIGV4_MAX;
}

static int check_args(const struct sigv4_request *req,
		      const struct sigv4_credentials *cred,
		      const struct sigv4_params *params)
{
	size_t i;

	if (!req || !cred || !params)
		return -EINVAL;
	if (!is_token(req->method, "") || !is_line(req->path) ||
	    (req->query && !is_line(req->query)) ||
	    !is_token(req->payload_hash, ""))
		return -EINVAL;
	if (!is_token(cred->access_key_id, "/,") ||
	    !cred->secret_access_key ||
	    strlen(cred->secret_access_key) > SIGV4_MAX_SECRET ||
	    (cred->session_token && !is_line(cred->session_token)))
		return -EINVAL;
	if (!is_token(params->region, "/") || !is_token(params->service, "/"))
		return -EINVAL;
	if (!req->headers || !req->n_headers)
		return -EINVAL;
	for (i = 0; i < req->n_headers; i++)
		if (!is_token(req->headers[i].name, ":") ||
		    !req->headers[i].value)
			return -EINVAL;
	return 0;
}

/*
 * Signing
 */

static int amz_date(time_t now, char out[17])
{
	struct tm tm;

	if (!gmtime_r(&now, &tm) ||
	    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16) {
		memcpy(out, "00000000T000000Z", 17);
		return -EINVAL;
	}
	return 0;
}

void sigv4_amz_date(time_t now, char out[17])
{
	amz_date(now, out);
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" secret, date), region), service),
 * "aws4_request"); intermediate keys are wiped. */
static int signing_key(const char *secret, const struct sigv4_params *params,
		       const char *date, unsigned char key[32])
{
	char k[4 + SIGV4_MAX_SECRET];
	unsigned char a[HASH_SHA256_LEN], b[HASH_SHA256_LEN];
	size_t n = strlen(secret);

	if (n > SIGV4_MAX_SECRET)
		return -EINVAL;
	memcpy(k, "AWS4", 4);
	memcpy(k + 4, secret, n);
	hash_hmac_sha256(k, 4 + n, date, 8, a);
	hash_hmac_sha256(a, sizeof(a), params->region,
			 strlen(params->region), b);
	hash_hmac_sha256(b, sizeof(b), params->service,
			 strlen(params->service), a);
	hash_hmac_sha256(a, sizeof(a), "aws4_request", 12, key);
	explicit_bzero(k, sizeof(k));
	explicit_bzero(a, sizeof(a));
	explicit_bzero(b, sizeof(b));
	return 0;
}

static int compute_signature(const char *secret,
			     const struct sigv4_params *params,
			     const char *date, const char *string_to_sign,
			     char signature[65])
{
	unsigned char key[HASH_SHA256_LEN], mac[HASH_SHA256_LEN];
	int rc;

	rc = signing_key(secret, params, date, key);
	if (rc)
		return rc;
	hash_hmac_sha256(key, sizeof(key), string_to_sign,
			 strlen(string_to_sign), mac);
	hash_hex(mac, sizeof(mac), signature);
	explicit_bzero(key, sizeof(key));
	return 0;
}

static void work_init(struct sigv4_work *w)
{
	w->date[0] = '\0';
	buf_init(&w->scope, SIGV4_MAX);
	buf_init(&w->headers, SIGV4_MAX);
	buf_init(&w->signed_headers, SIGV4_MAX);
	buf_init(&w->query, SIGV4_MAX);
}

static void work_release(struct sigv4_work *w)
{
	buf_release(&w->scope);
	buf_release(&w->headers);
	buf_release(&w->signed_headers);
	buf_release(&w->query);
}

/* The date, the credential scope and the canonical headers. */
static int work_prepare(const struct sigv4_request *req,
			const struct sigv4_params *params,
			struct sigv4_work *w)
{
	int rc;

	rc = amz_date(params->now, w->date);
	if (!rc)
		rc = buf_appendf(&w->scope, "%.8s/%s/%s/aws4_request", w->date,
				 params->region, params->service);
	if (!rc)
		rc = sigv4_canonical_headers(req->headers, req->n_headers,
					     &w->headers, &w->signed_headers);
	return rc;
}

static int canonical_request(const struct sigv4_request *req,
			     const struct sigv4_params *params,
			     const struct sigv4_work *w, struct buf *out)
{
	int rc;

	rc = buf_appendf(out, "%s\n", req->method);
	if (!rc)
		rc = sigv4_canonical_path(req->path, params->normalize_path,
					  params->double_encode, out);
	if (!rc)
		rc = buf_appendf(out, "\n%s\n%s\n%s\n%s", buf_str(&w->query),
				 buf_str(&w->headers),
				 buf_str(&w->signed_headers),
				 req->payload_hash);
	return rc;
}

static int string_to_sign(const struct sigv4_work *w, const char *creq,
			  struct buf *out)
{
	char hash[65];

	hash_sha256_hex(creq, strlen(creq), hash);
	return buf_appendf(out, SIGV4_ALGORITHM "\n%s\n%s\n%s", w->date,
			   buf_str(&w->scope), hash);
}

/* From the prepared work (query included) to a filled-in out. */
static int sign_work(const struct sigv4_request *req,
		     const struct sigv4_credentials *cred,
		     const struct sigv4_params *params,
		     const struct sigv4_work *w, struct sigv4_signature *out)
{
	struct buf creq, sts, auth;
	int rc;

	buf_init(&creq, SIGV4_MAX);
	buf_init(&sts, SIGV4_MAX);
	buf_init(&auth, SIGV4_MAX);
	rc = canonical_request(req, params, w, &creq);
	if (!rc)
		rc = string_to_sign(w, buf_str(&creq), &sts);
	if (!rc)
		rc = compute_signature(cred->secret_access_key, params, w->date,
				       buf_str(&sts), out->signature);
	if (!rc)
		rc = buf_appendf(&auth, SIGV4_ALGORITHM " Credential=%s/%s, "
				 "SignedHeaders=%s, Signature=%s",
				 cred->access_key_id, buf_str(&w->scope),
				 buf_str(&w->signed_headers), out->signature);
	if (!rc) {
		out->canonical_request = buf_detach(&creq);
		out->string_to_sign = buf_detach(&sts);
		out->authorization = buf_detach(&auth);
		if (!out->canonical_request || !out->string_to_sign ||
		    !out->authorization)
			rc = -ENOMEM;
	}
	buf_release(&creq);
	buf_release(&sts);
	buf_release(&auth);
	return rc;
}

/* Common exit: out holds nothing on failure, and a request too large for
 * our bounds is a malformed one. */
static int sign_exit(int rc, struct sigv4_signature *out)
{
	if (!rc)
		return 0;
	sigv4_signature_release(out);
	return rc == -E2BIG ? -EINVAL : rc;
}

/* The session token is not used here: the caller adds X-Amz-Security-Token
 * to the headers, like every other header it wants signed. */
int sigv4_sign(const struct sigv4_request *req,
	       const struct sigv4_credentials *cred,
	       const struct sigv4_params *params,
	       struct sigv4_signature *out)
{
	struct sigv4_work w;
	int rc;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	work_init(&w);
	rc = check_args(req, cred, params);
	if (!rc)
		rc = work_prepare(req, params, &w);
	if (!rc)
		rc = sigv4_canonical_query(req->query, &w.query);
	if (!rc)
		rc = sign_work(req, cred, params, &w, out);
	work_release(&w);
	return sign_exit(rc, out);
}

/* A request that already carries authentication parameters cannot be
 * presigned again. */
static int check_presign_params(const struct sigv4_params_list *l)
{
	static const char *const reserved[] = {
		"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
		"X-Amz-Expires", "X-Amz-Security-Token",
		"X-Amz-SignedHeaders", "X-Amz-Signature",
	};
	size_t i, j;

	for (i = 0; i < l->n; i++)
		for (j = 0; j < sizeof(reserved) / sizeof(reserved[0]); j++)
			if (l->v[i].key_len == strlen(reserved[j]) &&
			    !strncasecmp(l->v[i].pair, reserved[j],
					 l->v[i].key_len))
				return -EINVAL;
	return 0;
}

/* The canonical query of a presigned request: the request's parameters and
 * the authentication ones but X-Amz-Signature. */
static int presign_query(const struct sigv4_request *req,
			 const struct sigv4_credentials *cred, long expires,
			 struct sigv4_work *w)
{
	struct sigv4_params_list l = { NULL, 0, 0 };
	const char *token = cred->session_token;
	struct buf credential;
	char exp[24];
	int rc;

	snprintf(exp, sizeof(exp), "%ld", expires);
	buf_init(&credential, SIGV4_MAX);
	rc = buf_appendf(&credential, "%s/%s", cred->access_key_id,
			 buf_str(&w->scope));
	if (!rc)
		rc = params_parse(&l, req->query);
	if (!rc)
		rc = check_presign_params(&l);
	if (!rc)
		rc = params_add_str(&l, "X-Amz-Algorithm", SIGV4_ALGORITHM);
	if (!rc)
		rc = params_add_str(&l, "X-Amz-Credential",
				    buf_str(&credential));
	if (!rc)
		rc = params_add_str(&l, "X-Amz-Date", w->date);
	if (!rc)
		rc = params_add_str(&l, "X-Amz-Expires", exp);
	if (!rc && token && *token)
		rc = params_add_str(&l, "X-Amz-Security-Token", token);
	if (!rc)
		rc = params_add_str(&l, "X-Amz-SignedHeaders",
				    buf_str(&w->signed_headers));
	if (!rc)
		rc = params_join(&l, &w->query);
	params_release(&l);
	buf_release(&credential);
	return rc;
}

int sigv4_presign(const struct sigv4_request *req,
		  const struct sigv4_credentials *cred,
		  const struct sigv4_params *params, long expires_seconds,
		  struct sigv4_signature *out, char **query_out)
{
	struct sigv4_work w;
	struct buf q;
	int rc;

	if (!out || !query_out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	*query_out = NULL;
	work_init(&w);
	buf_init(&q, SIGV4_MAX);
	rc = check_args(req, cred, params);
	if (!rc && (expires_seconds < 1 || expires_seconds > SIGV4_MAX_EXPIRES))
		rc = -EINVAL;
	if (!rc)
		rc = work_prepare(req, params, &w);
	if (!rc)
		rc = presign_query(req, cred, expires_seconds, &w);
	if (!rc)
		rc = sign_work(req, cred, params, &w, out);
	if (!rc)
		rc = buf_appendf(&q, "%s&X-Amz-Signature=%s", buf_str(&w.query),
				 out->signature);
	if (!rc && !(*query_out = buf_detach(&q)))
		rc = -ENOMEM;
	buf_release(&q);
	work_release(&w);
	return sign_exit(rc, out);
}

void sigv4_signature_release(struct sigv4_signature *sig)
{
	if (!sig)
		return;
	free(sig->authorization);
	free(sig->canonical_request);
	free(sig->string_to_sign);
	memset(sig, 0, sizeof(*sig));
}
