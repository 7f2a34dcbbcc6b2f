// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_sigv4: the signer against AWS's SigV4 test suite, read at run time
 * from tests/fixtures/sigv4 (meson runs unit tests from the source root),
 * in both the header and the query (presigned) variant; then S3's rules and
 * the worked examples of the S3 API reference.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "check.h"
#include "hash.h"
#include "sigv4.h"

#define FIXTURES "tests/fixtures/sigv4"
#define FILE_MAX (1024 * 1024)
#define MAX_HEADERS 32

/* Internal steps of sigv4.c, visible in the unit-test build. */
extern int sigv4_canonical_path(const char *path, int normalize,
				int double_encode, struct buf *out);
extern int sigv4_canonical_query(const char *query, struct buf *out);
extern int sigv4_canonical_headers(const struct sigv4_header *headers,
				   size_t n, struct buf *canonical,
				   struct buf *signed_headers);

/* Every case of the suite; a folder not listed here fails the run, so that
 * a vector added to the fixtures cannot be skipped silently. */
static const char *const suite_cases[] = {
	"get-header-key-duplicate",
	"get-header-value-multiline",
	"get-header-value-order",
	"get-header-value-trim",
	"get-relative-normalized",
	"get-relative-relative-normalized",
	"get-relative-relative-unnormalized",
	"get-relative-unnormalized",
	"get-slash-dot-slash-normalized",
	"get-slash-dot-slash-unnormalized",
	"get-slash-normalized",
	"get-slash-pointless-dot-normalized",
	"get-slash-pointless-dot-unnormalized",
	"get-slash-unnormalized",
	"get-slashes-normalized",
	"get-slashes-unnormalized",
	"get-space-normalized",
	"get-space-unnormalized",
	"get-unreserved",
	"get-utf8",
	"get-vanilla",
	"get-vanilla-empty-query-key",
	"get-vanilla-query",
	"get-vanilla-query-order-encoded",
	"get-vanilla-query-order-key-case",
	"get-vanilla-query-unreserved",
	"get-vanilla-utf8-query",
	"get-vanilla-with-session-token",
	"post-header-key-case",
	"post-header-key-sort",
	"post-header-value-case",
	"post-sts-header-after",
	"post-sts-header-before",
	"post-vanilla",
	"post-vanilla-empty-query-value",
	"post-vanilla-query",
	"post-x-www-form-urlencoded",
	"post-x-www-form-urlencoded-parameters",
};

#define N_SUITE_CASES (sizeof(suite_cases) / sizeof(suite_cases[0]))

/* request.txt, cut in place. */
struct vreq {
	const char *method;
	const char *path;
	const char *query;	/* NULL without '?' */
	const char *body;
	size_t body_len;
	struct sigv4_header headers[MAX_HEADERS];
	size_t n_headers;
};

/* The few fields of context.json the signer needs. */
struct vctx {
	const char *access_key_id;
	const char *secret_access_key;
	const char *token;
	const char *region;
	const char *service;
	const char *timestamp;
	long expires;
	long normalize;
	long sign_body;
	long omit_session_token;
};

struct vcase {
	const char *name;
	struct buf req_text;
	struct buf ctx_text;
	struct vreq req;
	struct vctx ctx;
	time_t now;
	char payload_hash[65];
};

/*
 * Files and diffs
 */

static int read_file(const char *dir, const char *name, struct buf *out)
{
	char path[512], chunk[4096];
	size_t n;
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), FIXTURES "/%s/%s", dir, name);
	buf_init(out, FILE_MAX);
	f = fopen(path, "rb");
	if (!f) {
		rc = -errno;
		fprintf(stderr, "# %s: %s\n", path, strerror(errno));
		return rc;
	}
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = buf_append(out, chunk, n);
	if (!rc && ferror(f))
		rc = -EIO;
	fclose(f);
	return rc;
}

static void print_prefixed(char prefix, const char *s)
{
	const char *nl;

	for (;;) {
		nl = strchr(s, '\n');
		if (!nl) {
			fprintf(stderr, "%c%s\n", prefix, s);
			return;
		}
		fprintf(stderr, "%c%.*s\n", prefix, (int)(nl - s), s);
		s = nl + 1;
	}
}

/* Compare byte for byte; on a mismatch show both sides as a unified diff
 * would ('-' expected, '+' got) and where they part. */
static int same_text(const char *name, const char *what, const char *expected,
		     const char *got)
{
	size_t i = 0;

	if (!got)
		got = "(null)";
	if (!strcmp(expected, got))
		return 1;
	while (expected[i] && expected[i] == got[i])
		i++;
	fprintf(stderr, "# %s: %s differs at byte %zu\n--- expected\n+++ got\n",
		name, what, i);
	print_prefixed('-', expected);
	print_prefixed('+', got);
	return 0;
}

static int same_as_file(const struct vcase *c, const char *file,
			const char *got)
{
	struct buf expected;
	int ok;

	if (read_file(c->name, file, &expected))
		return 0;
	ok = same_text(c->name, file, buf_str(&expected), got);
	buf_release(&expected);
	return ok;
}

/*
 * request.txt
 */

static int parse_request_line(struct vreq *r, char *line)
{
	char *sp1 = strchr(line, ' '), *sp2 = strrchr(line, ' '), *q;

	/* The target may hold spaces (get-space-*): the version follows the
	 * last one. */
	if (!sp1 || sp1 == sp2)
		return -EINVAL;
	*sp1 = '\0';
	*sp2 = '\0';
	r->method = line;
	r->path = sp1 + 1;
	r->query = NULL;
	q = strchr(sp1 + 1, '?');
	if (q) {
		*q = '\0';
		r->query = q + 1;
	}
	return 0;
}

/* End a line (or a header value that ran over folded lines) at nl, which
 * is never the first byte of the text. */
static void cut_line(char *nl)
{
	if (nl[-1] == '\r')
		nl[-1] = '\0';
	*nl = '\0';
}

/* One header line, or a folded continuation of the previous one, which
 * stays in the value (the signer folds it). */
static int parse_header_line(struct vreq *r, char *p, char *nl, char **vend)
{
	char *colon;

	if (*p == ' ' || *p == '\t') {
		if (!*vend)
			return -EINVAL;
		*vend = nl;
		return 0;
	}
	if (*vend)
		cut_line(*vend);
	colon = memchr(p, ':', (size_t)(nl - p));
	if (!colon || r->n_headers == MAX_HEADERS)
		return -EINVAL;
	*colon = '\0';
	r->headers[r->n_headers].name = p;
	r->headers[r->n_headers++].value = colon + 1;
	*vend = nl;
	return 0;
}

static int parse_request(struct vreq *r, char *text, size_t len)
{
	char *end = text + len, *p, *nl, *vend = NULL;
	int rc;

	nl = strchr(text, '\n');
	if (!nl || nl == text)
		return -EINVAL;
	cut_line(nl);
	rc = parse_request_line(r, text);
	r->n_headers = 0;
	r->body = end;
	for (p = nl + 1; !rc && p < end; p = nl < end ? nl + 1 : end) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = end;
		if (nl == p || (*p == '\r' && nl == p + 1)) {
			r->body = nl < end ? nl + 1 : end;
			break;
		}
		rc = parse_header_line(r, p, nl, &vend);
	}
	if (!rc && vend)
		cut_line(vend);
	r->body_len = (size_t)(end - r->body);
	return rc;
}

/*
 * context.json: a reader for flat string, number and boolean fields
 */

/* Store a string (s) or a number or boolean (n, when s is NULL) under key;
 * keys we do not know are ignored. */
static int ctx_set(struct vctx *c, const char *key, const char *s, long n)
{
	const struct {
		const char *key;
		const char **str;
		long *num;
	} fields[] = {
		{ "access_key_id", &c->access_key_id, NULL },
		{ "secret_access_key", &c->secret_access_key, NULL },
		{ "token", &c->token, NULL },
		{ "region", &c->region, NULL },
		{ "service", &c->service, NULL },
		{ "timestamp", &c->timestamp, NULL },
		{ "expiration_in_seconds", NULL, &c->expires },
		{ "normalize", NULL, &c->normalize },
		{ "sign_body", NULL, &c->sign_body },
		{ "omit_session_token", NULL, &c->omit_session_token },
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strcmp(key, fields[i].key))
			continue;
		if (!fields[i].str != !s)
			return -EINVAL;
		if (s)
			*fields[i].str = s;
		else
			*fields[i].num = n;
	}
	return 0;
}

/* Unescape in place the JSON string whose opening quote *pp points to, and
 * leave *pp past its closing quote.  No \u escapes: none in the suite. */
static char *json_string(char **pp)
{
	char *r = *pp + 1, *w = r, *s = r;

	while (*r && *r != '"') {
		if (*r == '\\') {
			r++;
			if (!*r || *r == 'u')
				return NULL;
			*w++ = *r == 'n' ? '\n' : *r == 't' ? '\t' : *r;
			r++;
			continue;
		}
		*w++ = *r++;
	}
	if (*r != '"')
		return NULL;
	*w = '\0';
	*pp = r + 1;
	return s;
}

/* Whether p starts a value we store as a long: a number or a boolean. */
static int json_long(char **pp, long *n)
{
	char *p = *pp;

	if (!strncmp(p, "true", 4) || !strncmp(p, "false", 5)) {
		*n = *p == 't';
		*pp = p + (*n ? 4 : 5);
		return 1;
	}
	if (*p != '-' && (*p < '0' || *p > '9'))
		return 0;
	*n = strtol(p, pp, 10);
	return 1;
}

static int parse_context(struct vctx *c, char *json)
{
	char *p = json, *s, *key = NULL;
	long n;
	int rc = 0;

	while (*p && !rc) {
		if (*p == '"') {
			s = json_string(&p);
			if (!s)
				return -EINVAL;
			p += strspn(p, " \t\r\n");
			if (*p == ':')
				key = s;
			else if (key)
				rc = ctx_set(c, key, s, 0);
			if (*p != ':')
				key = NULL;
			continue;
		}
		if (key && json_long(&p, &n)) {
			rc = ctx_set(c, key, NULL, n);
			key = NULL;
			continue;
		}
		if (*p == '{' || *p == '[')
			key = NULL;
		p++;
	}
	return rc;
}

static int parse_timestamp(const char *s, time_t *now)
{
	struct tm tm;
	int n = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    !n || s[n])
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*now = timegm(&tm);
	return 0;
}

static int load_context(struct vcase *c)
{
	struct vctx *x = &c->ctx;
	int rc;

	memset(x, 0, sizeof(*x));
	x->expires = x->normalize = x->sign_body = -1;
	rc = parse_context(x, c->ctx_text.data);
	if (!rc && (!x->access_key_id || !x->secret_access_key ||
		    !x->region || !x->service || !x->timestamp ||
		    x->expires < 0 || x->normalize < 0 || x->sign_body < 0))
		rc = -EINVAL;
	if (!rc)
		rc = parse_timestamp(x->timestamp, &c->now);
	return rc;
}

/* Read and parse both inputs of a case. */
static int load_case(struct vcase *c, const char *name)
{
	int rc;

	c->name = name;
	rc = read_file(name, "request.txt", &c->req_text);
	if (!rc)
		rc = read_file(name, "context.json", &c->ctx_text);
	if (!rc && (!c->req_text.data || !c->ctx_text.data))
		rc = -EINVAL;
	if (!rc)
		rc = parse_request(&c->req, c->req_text.data, c->req_text.len);
	if (!rc)
		rc = load_context(c);
	if (rc)
		fprintf(stderr, "# %s: cannot load the case (%d)\n", name, rc);
	return rc;
}

static void case_release(struct vcase *c)
{
	buf_release(&c->req_text);
	buf_release(&c->ctx_text);
}

/*
 * Running a case
 */

static void case_params(const struct vcase *c, struct sigv4_params *params)
{
	params->region = c->ctx.region;
	params->service = c->ctx.service;
	params->now = c->now;
	params->normalize_path = c->ctx.normalize != 0;
	/* The suite's services all want the path encoded twice; only S3
	 * does not, and it is not in the suite. */
	params->double_encode = 1;
}

/* The Authorization value in header-signed-request.txt. */
static int same_authorization(const struct vcase *c, const char *got)
{
	static const char tag[] = "\nAuthorization:";
	struct buf file;
	char *line, *nl;
	int ok = 0;

	if (read_file(c->name, "header-signed-request.txt", &file))
		return 0;
	line = file.data ? strstr(file.data, tag) : NULL;
	if (line) {
		line += strlen(tag);
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		ok = same_text(c->name, "Authorization", line, got);
	} else {
		fprintf(stderr, "# %s: no Authorization line\n", c->name);
	}
	buf_release(&file);
	return ok;
}

/* The headers a caller signs: the request's own, X-Amz-Date, the session
 * token unless the case leaves it unsigned, and the payload hash when the
 * body is signed.  Returns how many. */
static size_t caller_headers(const struct vcase *c, const char *date,
			     struct sigv4_header *headers)
{
	size_t n = c->req.n_headers;

	memcpy(headers, c->req.headers, n * sizeof(headers[0]));
	headers[n++] = (struct sigv4_header){ "X-Amz-Date", date };
	if (c->ctx.token && !c->ctx.omit_session_token)
		headers[n++] = (struct sigv4_header){ "X-Amz-Security-Token",
						      c->ctx.token };
	if (c->ctx.sign_body)
		headers[n++] = (struct sigv4_header){ "X-Amz-Content-Sha256",
						      c->payload_hash };
	return n;
}

static int run_header_variant(const struct vcase *c)
{
	struct sigv4_header headers[MAX_HEADERS + 3];
	struct sigv4_credentials cred = { 0 };
	struct sigv4_request req;
	struct sigv4_params params;
	struct sigv4_signature sig;
	char date[17];
	int ok, rc;

	sigv4_amz_date(c->now, date);
	req = (struct sigv4_request){ .method = c->req.method,
				      .path = c->req.path,
				      .query = c->req.query,
				      .headers = headers,
				      .n_headers = caller_headers(c, date,
								  headers),
				      .payload_hash = c->payload_hash };
	cred.access_key_id = c->ctx.access_key_id;
	cred.secret_access_key = c->ctx.secret_access_key;
	case_params(c, &params);
	rc = sigv4_sign(&req, &cred, &params, &sig);
	if (rc) {
		fprintf(stderr, "# %s: sigv4_sign: %d\n", c->name, rc);
		return 0;
	}
	ok = same_as_file(c, "header-canonical-request.txt",
			  sig.canonical_request);
	ok &= same_as_file(c, "header-string-to-sign.txt", sig.string_to_sign);
	ok &= same_as_file(c, "header-signature.txt", sig.signature);
	ok &= same_authorization(c, sig.authorization);
	sigv4_signature_release(&sig);
	return ok;
}

static int append_token_param(struct buf *out, const char *token)
{
	int rc = buf_appends(out, "&X-Amz-Security-Token=");

	if (!rc)
		rc = sigv4_uri_encode(token, strlen(token), 0, out);
	return rc;
}

/* The query of query-signed-request.txt against ours, both in canonical
 * form: the file neither sorts its parameters nor encodes those of the
 * request line (get-vanilla-utf8-query), where we send them encoded.  A
 * token left out of the signature is added by the caller after signing. */
static int same_signed_query(const struct vcase *c, const char *query)
{
	struct buf file, got, want_canon, got_canon;
	char *q, *sp;
	int ok = 0, rc;

	if (read_file(c->name, "query-signed-request.txt", &file))
		return 0;
	buf_init(&got, FILE_MAX);
	buf_init(&want_canon, FILE_MAX);
	buf_init(&got_canon, FILE_MAX);
	q = file.data ? strchr(file.data, '?') : NULL;
	sp = q ? strchr(q, ' ') : NULL;
	rc = sp ? buf_appends(&got, query) : -EINVAL;
	if (!rc && c->ctx.token && c->ctx.omit_session_token)
		rc = append_token_param(&got, c->ctx.token);
	if (!rc) {
		*sp = '\0';
		rc = sigv4_canonical_query(q + 1, &want_canon);
	}
	if (!rc)
		rc = sigv4_canonical_query(buf_str(&got), &got_canon);
	if (!rc)
		ok = same_text(c->name, "signed query", buf_str(&want_canon),
			       buf_str(&got_canon));
	else
		fprintf(stderr, "# %s: signed query: %d\n", c->name, rc);
	buf_release(&file);
	buf_release(&got);
	buf_release(&want_canon);
	buf_release(&got_canon);
	return ok;
}

/* Presign: no X-Amz-Date header; a token is signed unless the case omits
 * it, in which case the caller appends it afterwards. */
static int run_query_variant(const struct vcase *c)
{
	struct sigv4_request req;
	struct sigv4_credentials cred = { 0 };
	struct sigv4_params params;
	struct sigv4_signature sig;
	char *query;
	int ok, rc;

	req = (struct sigv4_request){ .method = c->req.method,
				      .path = c->req.path,
				      .query = c->req.query,
				      .headers = c->req.headers,
				      .n_headers = c->req.n_headers,
				      .payload_hash = c->payload_hash };
	cred.access_key_id = c->ctx.access_key_id;
	cred.secret_access_key = c->ctx.secret_access_key;
	if (!c->ctx.omit_session_token)
		cred.session_token = c->ctx.token;
	case_params(c, &params);
	rc = sigv4_presign(&req, &cred, &params, c->ctx.expires, &sig, &query);
	if (rc) {
		fprintf(stderr, "# %s: sigv4_presign: %d\n", c->name, rc);
		return 0;
	}
	ok = same_as_file(c, "query-canonical-request.txt",
			  sig.canonical_request);
	ok &= same_as_file(c, "query-string-to-sign.txt", sig.string_to_sign);
	ok &= same_as_file(c, "query-signature.txt", sig.signature);
	ok &= same_signed_query(c, query);
	sigv4_signature_release(&sig);
	free(query);
	return ok;
}

static int run_case(const char *name, int *header_ok, int *query_ok)
{
	struct vcase c;

	memset(&c, 0, sizeof(c));
	*header_ok = *query_ok = 0;
	if (!load_case(&c, name)) {
		if (c.ctx.sign_body)
			hash_sha256_hex(c.req.body, c.req.body_len,
					c.payload_hash);
		else
			strcpy(c.payload_hash, SIGV4_EMPTY_SHA256);
		*header_ok = run_header_variant(&c);
		*query_ok = run_query_variant(&c);
	}
	case_release(&c);
	return *header_ok && *query_ok;
}

/* Fail on a case folder the table does not list. */
static int unlisted_cases(void)
{
	struct dirent *e;
	struct stat st;
	char path[512];
	size_t i;
	DIR *d;
	int n = 0;

	d = opendir(FIXTURES);
	if (!d) {
		fprintf(stderr, "# " FIXTURES ": %s\n", strerror(errno));
		return 1;
	}
	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), FIXTURES "/%s", e->d_name);
		if (e->d_name[0] == '.' || stat(path, &st) ||
		    !S_ISDIR(st.st_mode))
			continue;
		for (i = 0; i < N_SUITE_CASES; i++)
			if (!strcmp(e->d_name, suite_cases[i]))
				break;
		if (i == N_SUITE_CASES) {
			printf("not ok %s (not in the table)\n", e->d_name);
			n++;
		}
	}
	closedir(d);
	return n;
}

static void run_suite(void)
{
	int header_ok, query_ok, headers = 0, queries = 0;
	size_t i;

	for (i = 0; i < N_SUITE_CASES; i++) {
		CHECK(run_case(suite_cases[i], &header_ok, &query_ok));
		headers += header_ok;
		queries += query_ok;
		printf("%s %s%s%s\n", header_ok && query_ok ? "ok" : "not ok",
		       suite_cases[i], header_ok ? "" : " [header]",
		       query_ok ? "" : " [query]");
	}
	printf("# sigv4 suite: %d/%zu header, %d/%zu query\n", headers,
	       N_SUITE_CASES, queries, N_SUITE_CASES);
	CHECK_INT_EQ(unlisted_cases(), 0);
}

/*
 * Internal steps
 */

static void check_encode(const char *in, size_t len, int keep_slash,
			 const char *want)
{
	struct buf b;

	buf_init(&b, 1024);
	CHECK_INT_EQ(sigv4_uri_encode(in, len, keep_slash, &b), 0);
	CHECK_STR_EQ(buf_str(&b), want);
	buf_release(&b);
}

/* S3 object keys as the caller encodes them for the path (keep_slash) or
 * for a query value such as prefix= (not). */
static void test_uri_encode(void)
{
	static const struct {
		const char *in;
		int keep_slash;
		const char *want;
	} cases[] = {
		{ "my file.txt", 1, "my%20file.txt" },
		{ "a+b c", 1, "a%2Bb%20c" },
		{ "~user/-._", 1, "~user/-._" },
		{ "~user/-._", 0, "~user%2F-._" },
		{ "dir/sub dir/f", 1, "dir/sub%20dir/f" },
		{ "dir/sub dir/f", 0, "dir%2Fsub%20dir%2Ff" },
		{ "\xe1\x88\xb4", 1, "%E1%88%B4" },
		{ "caf\xc3\xa9 \xe6\x97\xa5.txt", 1,
		  "caf%C3%A9%20%E6%97%A5.txt" },
		{ "100%", 1, "100%25" },
		{ "%20", 1, "%2520" },
		{ "test$file.text", 1, "test%24file.text" },
		{ "a=b&c;d,e:f@g*h(i)'j!?#[]", 0,
		  "a%3Db%26c%3Bd%2Ce%3Af%40g%2Ah%28i%29%27j%21%3F%23%5B%5D" },
		{ "ABCxyz0189", 0, "ABCxyz0189" },
		{ "", 1, "" },
	};
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_encode(cases[i].in, strlen(cases[i].in),
			     cases[i].keep_slash, cases[i].want);
	check_encode("a\0b\x7f\xff", 5, 0, "a%00b%7F%FF");
	check_encode("abc", 2, 0, "ab");
	/* bounded like any buffer: the output is 5 bytes */
	buf_init(&b, 4);
	CHECK_INT_EQ(sigv4_uri_encode("a b", 3, 0, &b), -E2BIG);
	CHECK(b.data == NULL);
}

static void test_canonical_path(void)
{
	static const struct {
		const char *path;
		int normalize, double_encode;
		const char *want;
	} cases[] = {
		{ "", 1, 1, "/" },
		{ "", 0, 0, "/" },
		{ "/a/b/../c/", 1, 1, "/a/c/" },
		{ "/a/./b//c", 1, 1, "/a/b/c" },
		{ "/a/b/..", 1, 1, "/a" },
		{ "/..", 1, 1, "/" },
		{ "/../../a", 1, 1, "/a" },
		{ "/~a-b_c.d", 1, 1, "/~a-b_c.d" },
		{ "/my%20file.txt", 1, 1, "/my%2520file.txt" },
		/* S3 */
		{ "/my%20file.txt", 0, 0, "/my%20file.txt" },
		{ "/a//b/../c", 0, 0, "/a//b/../c" },
		{ "/a/./b/", 0, 0, "/a/./b/" },
	};
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&b, 1024);
		CHECK_INT_EQ(sigv4_canonical_path(cases[i].path,
						  cases[i].normalize,
						  cases[i].double_encode, &b),
			     0);
		CHECK_STR_EQ(buf_str(&b), cases[i].want);
		buf_release(&b);
	}
}

static void test_canonical_query(void)
{
	static const struct {
		const char *query;
		const char *want;
	} cases[] = {
		{ NULL, "" },
		{ "", "" },
		{ "b=2&a=1&a=0&c", "a=0&a=1&b=2&c=" },
		{ "Param-3=x&Param=y", "Param=y&Param-3=x" },
		{ "a=1&&b=2&", "a=1&b=2" },
		{ "a=b/c", "a=b%2Fc" },
		{ "a=b%2Fc", "a=b%2Fc" },
		{ "%7e=%41%2a", "~=A%2A" },
		{ "x=%zz&y=%4", "x=%25zz&y=%254" },
		/* '+' is a plus, not a space: callers encode spaces as %20 */
		{ "a+b=c d", "a%2Bb=c%20d" },
		{ "list-type=2&prefix=photos%2F2024%2F&delimiter=%2F",
		  "delimiter=%2F&list-type=2&prefix=photos%2F2024%2F" },
		{ "uploads", "uploads=" },
		{ "partNumber=10&uploadId=a~b", "partNumber=10&uploadId=a~b" },
	};
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&b, 1024);
		CHECK_INT_EQ(sigv4_canonical_query(cases[i].query, &b), 0);
		CHECK_STR_EQ(buf_str(&b), cases[i].want);
		buf_release(&b);
	}
}

static void test_canonical_headers(void)
{
	static const struct sigv4_header headers[] = {
		{ "Host", "example.com" },
		{ "X-B", " one   two " },
		{ "x-a", "1" },
		{ "X-Empty", "" },
		{ "X-A", "\t2\n   3 " },
	};
	struct buf canonical, signed_headers;

	buf_init(&canonical, 1024);
	buf_init(&signed_headers, 1024);
	CHECK_INT_EQ(sigv4_canonical_headers(headers, 5, &canonical,
					     &signed_headers), 0);
	CHECK_STR_EQ(buf_str(&canonical), "host:example.com\n"
					  "x-a:1,2 3\n"
					  "x-b:one two\n"
					  "x-empty:\n");
	CHECK_STR_EQ(buf_str(&signed_headers), "host;x-a;x-b;x-empty");
	buf_release(&canonical);
	buf_release(&signed_headers);
}

static void test_amz_date(void)
{
	char date[17];

	sigv4_amz_date(1440938160, date);
	CHECK_STR_EQ(date, "20150830T123600Z");
	sigv4_amz_date(1369353600, date);
	CHECK_STR_EQ(date, "20130524T000000Z");
	sigv4_amz_date(0, date);
	CHECK_STR_EQ(date, "19700101T000000Z");
}

/*
 * S3
 */

#define S3_HOST "examplebucket.s3.amazonaws.com"
#define S3_DATE "20130524T000000Z"
#define S3_NOW 1369353600	/* 2013-05-24T00:00:00Z */
/* The PUT Object example's payload: its body and the body's SHA-256. */
#define S3_PUT_BODY "Welcome to Amazon S3."
#define S3_PUT_SHA256 \
	"44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
#define S3_STS_HEAD \
	"AWS4-HMAC-SHA256\n" S3_DATE "\n20130524/us-east-1/s3/aws4_request\n"

/* The example credentials of the S3 API reference. */
static const struct sigv4_credentials s3_cred = {
	.access_key_id = "AKIAIOSFODNN7EXAMPLE",
	.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

static const struct sigv4_params s3_params = {
	.region = "us-east-1",
	.service = "s3",
	.now = S3_NOW,
	.normalize_path = 0,
	.double_encode = 0,
};

/* The path of an object: the key encoded once, slashes kept. */
static void s3_path(const char *key, struct buf *path)
{
	buf_init(path, 1024);
	CHECK_INT_EQ(buf_append(path, "/", 1), 0);
	CHECK_INT_EQ(sigv4_uri_encode(key, strlen(key), 1, path), 0);
}

static const struct sigv4_header s3_unsigned_headers[] = {
	{ "Host", S3_HOST },
	{ "x-amz-content-sha256", SIGV4_UNSIGNED_PAYLOAD },
	{ "x-amz-date", S3_DATE },
};

/* S3 signs the path as sent, never normalised; the payload hash is a signed
 * header and may be UNSIGNED-PAYLOAD. */
static void test_s3_path_as_sent_unsigned_payload(void)
{
	struct sigv4_request req = {
		.method = "GET", .headers = s3_unsigned_headers,
		.n_headers = 3, .payload_hash = SIGV4_UNSIGNED_PAYLOAD,
	};
	struct sigv4_signature sig;
	struct buf path, auth;

	s3_path("a//b/../c", &path);
	req.path = buf_str(&path);
	CHECK_INT_EQ(sigv4_sign(&req, &s3_cred, &s3_params, &sig), 0);
	CHECK_STR_EQ(sig.canonical_request,
		     "GET\n/a//b/../c\n\n"
		     "host:" S3_HOST "\n"
		     "x-amz-content-sha256:UNSIGNED-PAYLOAD\n"
		     "x-amz-date:" S3_DATE "\n\n"
		     "host;x-amz-content-sha256;x-amz-date\n"
		     "UNSIGNED-PAYLOAD");
	buf_init(&auth, 1024);
	CHECK_INT_EQ(buf_appendf(&auth, "AWS4-HMAC-SHA256 Credential="
				 "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
				 "aws4_request, SignedHeaders=host;"
				 "x-amz-content-sha256;x-amz-date, "
				 "Signature=%s", sig.signature), 0);
	CHECK_STR_EQ(sig.authorization, buf_str(&auth));
	CHECK_INT_EQ(strlen(sig.signature), 64);
	sigv4_signature_release(&sig);
	buf_release(&auth);
	buf_release(&path);
}

/* A key with a space and a plus is signed as %20 and %2B, not %2520. */
static void test_s3_key_encoded_once(void)
{
	static const char prefix[] = "GET\n/photos/my%20file%2B1.jpg\n\n";
	struct sigv4_request req = {
		.method = "GET", .headers = s3_unsigned_headers,
		.n_headers = 3, .payload_hash = SIGV4_UNSIGNED_PAYLOAD,
	};
	struct sigv4_signature sig;
	struct buf path;

	s3_path("photos/my file+1.jpg", &path);
	req.path = buf_str(&path);
	CHECK_STR_EQ(req.path, "/photos/my%20file%2B1.jpg");
	CHECK_INT_EQ(sigv4_sign(&req, &s3_cred, &s3_params, &sig), 0);
	CHECK(sig.canonical_request &&
	      !strncmp(sig.canonical_request, prefix, strlen(prefix)));
	sigv4_signature_release(&sig);
	buf_release(&path);
}

struct s3_example {
	const char *what;
	const char *method;
	const char *key;	/* NULL: the bucket */
	const char *query;
	struct sigv4_header headers[5];
	size_t n_headers;
	const char *payload_hash;
	const char *request_hash;	/* SHA-256 of the canonical request */
	const char *signature;
};

/* The worked examples of the S3 API reference, "Signature Calculations for
 * the Authorization Header: Transferring Payload in a Single Chunk". */
static const struct s3_example s3_examples[] = {
	{ "GET Object", "GET", "test.txt", NULL,
	  { { "Host", S3_HOST }, { "Range", "bytes=0-9" },
	    { "x-amz-content-sha256", SIGV4_EMPTY_SHA256 },
	    { "x-amz-date", S3_DATE } }, 4, SIGV4_EMPTY_SHA256,
	  "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
	  "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41" },
	{ "PUT Object", "PUT", "test$file.text", NULL,
	  { { "Host", S3_HOST }, { "Date", "Fri, 24 May 2013 00:00:00 GMT" },
	    { "x-amz-date", S3_DATE },
	    { "x-amz-storage-class", "REDUCED_REDUNDANCY" },
	    { "x-amz-content-sha256", S3_PUT_SHA256 } }, 5, S3_PUT_SHA256,
	  "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d",
	  "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd" },
	{ "GET Bucket Lifecycle", "GET", NULL, "lifecycle",
	  { { "Host", S3_HOST },
	    { "x-amz-content-sha256", SIGV4_EMPTY_SHA256 },
	    { "x-amz-date", S3_DATE } }, 3, SIGV4_EMPTY_SHA256,
	  "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca",
	  "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543" },
	{ "GET Bucket (List Objects)", "GET", NULL, "max-keys=2&prefix=J",
	  { { "Host", S3_HOST },
	    { "x-amz-content-sha256", SIGV4_EMPTY_SHA256 },
	    { "x-amz-date", S3_DATE } }, 3, SIGV4_EMPTY_SHA256,
	  "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7",
	  "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7" },
};

static void check_s3_example(const struct s3_example *e)
{
	struct sigv4_request req = {
		.method = e->method, .path = "/", .query = e->query,
		.headers = e->headers, .n_headers = e->n_headers,
		.payload_hash = e->payload_hash,
	};
	struct sigv4_signature sig;
	struct buf path;
	char hash[65];
	int ok;

	s3_path(e->key ? e->key : "", &path);
	req.path = buf_str(&path);
	CHECK_INT_EQ(sigv4_sign(&req, &s3_cred, &s3_params, &sig), 0);
	ok = sig.canonical_request != NULL;
	if (ok) {
		hash_sha256_hex(sig.canonical_request,
				strlen(sig.canonical_request), hash);
		ok = strcmp(hash, e->request_hash) == 0;
		if (!ok)
			fprintf(stderr, "# %s: canonical request:\n%s\n",
				e->what, sig.canonical_request);
	}
	CHECK(ok);
	CHECK(sig.string_to_sign && !strncmp(sig.string_to_sign, S3_STS_HEAD,
					     strlen(S3_STS_HEAD)) &&
	      !strcmp(sig.string_to_sign + strlen(S3_STS_HEAD),
		      e->request_hash));
	CHECK_STR_EQ(sig.signature, e->signature);
	sigv4_signature_release(&sig);
	buf_release(&path);
}

static void test_s3_documented_examples(void)
{
	char body_hash[65];
	size_t i;

	hash_sha256_hex(S3_PUT_BODY, strlen(S3_PUT_BODY), body_hash);
	CHECK_STR_EQ(body_hash, S3_PUT_SHA256);
	for (i = 0; i < sizeof(s3_examples) / sizeof(s3_examples[0]); i++)
		check_s3_example(&s3_examples[i]);
}

/* The GET Object example, whole, as the reference prints it. */
static void test_s3_documented_get_object(void)
{
	const struct s3_example *e = &s3_examples[0];
	struct sigv4_request req = {
		.method = "GET", .path = "/test.txt", .headers = e->headers,
		.n_headers = e->n_headers, .payload_hash = SIGV4_EMPTY_SHA256,
	};
	struct sigv4_signature sig;

	CHECK_INT_EQ(sigv4_sign(&req, &s3_cred, &s3_params, &sig), 0);
	CHECK_STR_EQ(sig.canonical_request,
		     "GET\n/test.txt\n\n"
		     "host:" S3_HOST "\n"
		     "range:bytes=0-9\n"
		     "x-amz-content-sha256:" SIGV4_EMPTY_SHA256 "\n"
		     "x-amz-date:" S3_DATE "\n\n"
		     "host;range;x-amz-content-sha256;x-amz-date\n"
		     SIGV4_EMPTY_SHA256);
	CHECK_STR_EQ(sig.string_to_sign, S3_STS_HEAD "7344ae5b7ee6c3e7e6b0fe"
		     "0640412a37625d1fbfff95c48bbb2dc43964946972");
	CHECK_STR_EQ(sig.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f01"
		     "70aba48dd91039c6036bdb41");
	sigv4_signature_release(&sig);
}

/* The reference's presigned URL example ("Authenticating Requests: Using
 * Query Parameters"): GET /test.txt valid for 86400 s. */
static void test_s3_documented_presign(void)
{
	static const struct sigv4_header headers[] = { { "Host", S3_HOST } };
	struct sigv4_request req = {
		.method = "GET", .path = "/test.txt", .headers = headers,
		.n_headers = 1, .payload_hash = SIGV4_UNSIGNED_PAYLOAD,
	};
	struct sigv4_signature sig;
	char *query = NULL;

	CHECK_INT_EQ(sigv4_presign(&req, &s3_cred, &s3_params, 86400, &sig,
				   &query), 0);
	CHECK_STR_EQ(sig.canonical_request,
		     "GET\n/test.txt\n"
		     "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
		     "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2F"
		     "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires="
		     "86400&X-Amz-SignedHeaders=host\n"
		     "host:" S3_HOST "\n\nhost\nUNSIGNED-PAYLOAD");
	CHECK_STR_EQ(sig.string_to_sign, S3_STS_HEAD "3bfa292879f6447bbcda70"
		     "01decf97f4a54dc650c8942174ae0a9121cf58ad04");
	CHECK_STR_EQ(sig.signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330d"
		     "a4c265957d157751f604d404");
	CHECK_STR_EQ(query,
		     "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
		     "AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2F"
		     "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires="
		     "86400&X-Amz-SignedHeaders=host&X-Amz-Signature="
		     "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751"
		     "f604d404");
	sigv4_signature_release(&sig);
	free(query);
}

/*
 * Refusals
 */

static void check_refused(const struct sigv4_request *req,
			  const struct sigv4_params *params)
{
	struct sigv4_signature sig;

	CHECK_INT_EQ(sigv4_sign(req, &s3_cred, params, &sig), -EINVAL);
	CHECK(!sig.authorization && !sig.canonical_request &&
	      !sig.string_to_sign);
}

/* A GET with at most one header. */
#define REQ(p, q, h, n, ph) \
	{ .method = "GET", .path = p, .query = q, .headers = h, \
	  .n_headers = n, .payload_hash = ph }

static const struct sigv4_header host_header[] = { { "Host", S3_HOST } };
static const struct sigv4_header colon_header[] = { { "Ho:st", S3_HOST } };
static const struct sigv4_header space_header[] = { { "Ho st", S3_HOST } };
static const struct sigv4_request good_request =
	REQ("/", NULL, host_header, 1, SIGV4_EMPTY_SHA256);

static void test_bad_requests(void)
{
	static const struct sigv4_request bad[] = {
		REQ(NULL, NULL, host_header, 1, SIGV4_EMPTY_SHA256),
		REQ("/a\nb", NULL, host_header, 1, SIGV4_EMPTY_SHA256),
		REQ("/", "a=1\r\n", host_header, 1, SIGV4_EMPTY_SHA256),
		REQ("/", NULL, host_header, 1, NULL),
		REQ("/", NULL, host_header, 1, ""),
		REQ("/", NULL, host_header, 0, SIGV4_EMPTY_SHA256),
		REQ("/", NULL, NULL, 1, SIGV4_EMPTY_SHA256),
		REQ("/", NULL, colon_header, 1, SIGV4_EMPTY_SHA256),
		REQ("/", NULL, space_header, 1, SIGV4_EMPTY_SHA256),
	};
	struct sigv4_request no_method = good_request;
	struct sigv4_request bad_method = good_request;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_refused(&bad[i], &s3_params);
	no_method.method = NULL;
	check_refused(&no_method, &s3_params);
	bad_method.method = "G ET";
	check_refused(&bad_method, &s3_params);
}

static void test_bad_params(void)
{
	struct sigv4_params params = s3_params;

	params.region = "us/east";
	check_refused(&good_request, &params);
	params = s3_params;
	params.service = "";
	check_refused(&good_request, &params);
	/* year 10000 does not fit X-Amz-Date */
	params = s3_params;
	params.now = (time_t)253402300800LL;
	check_refused(&good_request, &params);
}

/* Past the signer's bounds (1 MiB per string) a request is refused. */
static void test_oversized_request(void)
{
	struct sigv4_header headers[2] = {
		{ "Host", S3_HOST }, { "X-Big", "" },
	};
	struct sigv4_request req = good_request;
	size_t n = 2u << 20;
	char *big = malloc(n + 1);

	CHECK(big != NULL);
	if (!big)
		return;
	memset(big, 'a', n);
	big[n] = '\0';
	headers[1].value = big;
	req.headers = headers;
	req.n_headers = 2;
	check_refused(&req, &s3_params);
	free(big);
}

static void check_presign_refused(const struct sigv4_request *req,
				  long expires)
{
	struct sigv4_signature sig;
	char untouched[] = "untouched", *query = untouched;

	CHECK_INT_EQ(sigv4_presign(req, &s3_cred, &s3_params, expires, &sig,
				   &query), -EINVAL);
	CHECK(!query && !sig.authorization && !sig.canonical_request);
}

static void test_bad_presign(void)
{
	static const struct sigv4_request signed_already =
		REQ("/", "x-amz-signature=abc", host_header, 1,
		    SIGV4_UNSIGNED_PAYLOAD);

	check_presign_refused(&good_request, 0);
	check_presign_refused(&good_request, 604801);
	check_presign_refused(&signed_already, 60);
}

int main(void)
{
	/* keep the ok lines and the diffs on stderr in order */
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN(test_uri_encode);
	RUN(test_canonical_path);
	RUN(test_canonical_query);
	RUN(test_canonical_headers);
	RUN(test_amz_date);
	RUN(test_s3_path_as_sent_unsigned_payload);
	RUN(test_s3_key_encoded_once);
	RUN(test_s3_documented_get_object);
	RUN(test_s3_documented_examples);
	RUN(test_s3_documented_presign);
	RUN(test_bad_requests);
	RUN(test_bad_params);
	RUN(test_oversized_request);
	RUN(test_bad_presign);
	run_suite();
	return CHECK_DONE();
}
