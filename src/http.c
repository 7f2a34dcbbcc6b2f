// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * http: libcurl behind one function.  Owns the easy-handle pool and the
 * share handle.  Knows nothing of SoundCloud, S3 or FUSE; it never logs
 * headers or query strings (they carry tokens and signatures).
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http.h"
#include "log.h"

/* A dead host should fail a mount within seconds, not minutes. */
#define HTTP_CONNECT_TIMEOUT_MS 10000
/* A transfer that moves no byte for this long is treated as dropped. */
#define HTTP_STALL_TIMEOUT_S 30
/* Idle handles kept for reuse; more are created on demand. */
#define HTTP_POOL_MAX 32
/* Idle connections kept open, all hosts together: the reader's ranges in
 * flight, an HLS read's parallel segments, the API and S3. */
#define HTTP_IDLE_CONNS 64
/* Bodies of at least HTTP_BIG_BODY bytes into a caller's buffer are read
 * HTTP_BIG_BUFFER bytes at a time (measured: 1 GiB on loopback took 0.75 s
 * of CPU instead of 1.0 s). */
#define HTTP_BIG_BODY (128u << 10)
#define HTTP_BIG_BUFFER (512u << 10)

struct http_client {
	struct http_client_conf conf;
	CURLSH *share;
	pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
	pthread_mutex_t pool_lock;
	CURL *pool[HTTP_POOL_MAX];	/* protected by pool_lock */
	unsigned pool_len;		/* protected by pool_lock */
};

struct http_xfer {
	const struct http_request *req;
	struct http_response *resp;
	CURL *easy;
	int64_t skip;		/* bytes of a 200 to drop before dest */
	int to_dest;		/* decided at the first body byte */
	int decided;
	int error;		/* our own reason to abort the transfer */
	const volatile int *cancel;
	struct curl_slist *headers;	/* owned until xfer_finish */
	char range[64];
};

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access a,
		       void *arg)
{
	struct http_client *c = arg;

	(void)h;
	(void)a;
	pthread_mutex_lock(&c->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *arg)
{
	struct http_client *c = arg;

	(void)h;
	pthread_mutex_unlock(&c->share_locks[data]);
}

int http_client_new(const struct http_client_conf *conf,
		    struct http_client **out)
{
	struct http_client *c;
	int i;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -EIO;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->conf = *conf;
	if (!c->conf.connect_timeout_ms)
		c->conf.connect_timeout_ms = HTTP_CONNECT_TIMEOUT_MS;
	if (!c->conf.stall_timeout_s)
		c->conf.stall_timeout_s = HTTP_STALL_TIMEOUT_S;
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&c->share_locks[i], NULL);
	pthread_mutex_init(&c->pool_lock, NULL);
	c->share = curl_share_init();
	if (!c->share) {
		http_client_free(c);
		return -ENOMEM;
	}
	curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	*out = c;
	return 0;
}

void http_client_free(struct http_client *c)
{
	int i;

	if (!c)
		return;
	while (c->pool_len)
		curl_easy_cleanup(c->pool[--c->pool_len]);
	if (c->share)
		curl_share_cleanup(c->share);
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&c->share_locks[i]);
	pthread_mutex_destroy(&c->pool_lock);
	free(c);
}

static CURL *pool_take(struct http_client *c)
{
	CURL *easy = NULL;

	pthread_mutex_lock(&c->pool_lock);
	if (c->pool_len)
		easy = c->pool[--c->pool_len];
	pthread_mutex_unlock(&c->pool_lock);
	if (easy)
		curl_easy_reset(easy);
	else
		easy = curl_easy_init();
	return easy;
}

static void pool_give(struct http_client *c, CURL *easy)
{
	pthread_mutex_lock(&c->pool_lock);
	if (c->pool_len < HTTP_POOL_MAX) {
		c->pool[c->pool_len++] = easy;
		easy = NULL;
	}
	pthread_mutex_unlock(&c->pool_lock);
	if (easy)
		curl_easy_cleanup(easy);
}

void http_request_init(struct http_request *req, const char *method,
		       const char *url)
{
	memset(req, 0, sizeof(*req));
	req->method = method;
	req->url = url;
	req->range_start = -1;
	req->range_end = -1;
}

static void xfer_decide(struct http_xfer *x)
{
	long status = 0;

	x->decided = 1;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	x->to_dest = x->req->dest && status >= 200 && status < 300;
	/* A server that ignores Range answers 200 with the whole body. */
	if (x->to_dest && status == 200 && x->req->range_start > 0)
		x->skip = x->req->range_start;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_xfer *x = arg;
	size_t n = size * nmemb, room, drop;

	if (!x->decided)
		xfer_decide(x);
	if (!x->to_dest) {
		x->error = buf_append(&x->resp->body, data, n);
		return x->error ? 0 : n;
	}
	drop = x->skip < (int64_t)n ? (size_t)x->skip : n;
	x->skip -= (int64_t)drop;
	room = x->req->dest_len - x->resp->dest_written;
	if (n - drop > room) {
		/* More than asked for: keep what fits, stop the transfer. */
		memcpy((char *)x->req->dest + x->resp->dest_written, data + drop, room);
		x->resp->dest_written += room;
		x->error = -E2BIG;
		return 0;
	}
	memcpy((char *)x->req->dest + x->resp->dest_written, data + drop, n - drop);
	x->resp->dest_written += n - drop;
	return n;
}

static char *header_value(const char *line, size_t len, const char *name)
{
	size_t nlen = strlen(name);
	const char *v, *end = line + len;

	if (len <= nlen || strncasecmp(line, name, nlen) || line[nlen] != ':')
		return NULL;
	v = line + nlen + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
			   end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return strndup(v, (size_t)(end - v));
}

static void set_header(char **field, char *value)
{
	if (!value)
		return;
	free(*field);
	*field = value;
}

static void parse_content_range(struct http_response *r, const char *v)
{
	const char *slash = strchr(v, '/');

	if (slash && slash[1] != '*')
		r->total_size = strtoll(slash + 1, NULL, 10);
}

static void clear_headers(struct http_response *r)
{
	free(r->location);
	free(r->etag);
	free(r->content_type);
	free(r->content_disposition);
	r->location = r->etag = r->content_type = r->content_disposition = NULL;
	r->content_length = -1;
	r->total_size = -1;
	r->retry_after_s = -1;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_xfer *x = arg;
	struct http_response *r = x->resp;
	size_t n = size * nmemb;
	char *v;

	if (n >= 5 && !strncmp(data, "HTTP/", 5)) {
		clear_headers(r);	/* a new response (after 100-continue) */
		return n;
	}
	set_header(&r->location, header_value(data, n, "Location"));
	set_header(&r->etag, header_value(data, n, "ETag"));
	set_header(&r->content_type, header_value(data, n, "Content-Type"));
	set_header(&r->content_disposition,
		   header_value(data, n, "Content-Disposition"));
	if ((v = header_value(data, n, "Content-Length"))) {
		r->content_length = strtoll(v, NULL, 10);
		free(v);
	}
	if ((v = header_value(data, n, "Content-Range"))) {
		parse_content_range(r, v);
		free(v);
	}
	if ((v = header_value(data, n, "Retry-After"))) {
		r->retry_after_s = strtol(v, NULL, 10);
		free(v);
	}
	return n;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
		       curl_off_t un)
{
	struct http_xfer *x = arg;

	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	if (x->cancel && *x->cancel) {
		x->error = -ECANCELED;
		return 1;
	}
	return 0;
}

static int curl_to_errno(CURLcode cc)
{
	switch (cc) {
	case CURLE_OK:
		return 0;
	case CURLE_OUT_OF_MEMORY:
		return -ENOMEM;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_COULDNT_CONNECT:
		return -ECONNREFUSED;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return -EHOSTUNREACH;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2_STREAM:
		return -ECONNRESET;
	case CURLE_ABORTED_BY_CALLBACK:
		return -ECANCELED;
	default:
		return -EIO;
	}
}

static struct curl_slist *build_headers(const struct http_request *req,
					int *oom)
{
	struct curl_slist *list = NULL, *next;
	const char *const *h;
	/* Our own choices: no 100-continue round trip, and no implicit
	 * form Content-Type on bodies. */
	static const char *const defaults[] = { "Expect:", "Content-Type:", NULL };
	int has_type = 0;

	for (h = req->headers; h && *h; h++)
		if (!strncasecmp(*h, "Content-Type:", 13))
			has_type = 1;
	for (h = defaults; *h; h++) {
		if (has_type && !strncasecmp(*h, "Content-Type:", 13))
			continue;
		next = curl_slist_append(list, *h);
		if (!next)
			goto oom;
		list = next;
	}
	for (h = req->headers; h && *h; h++) {
		next = curl_slist_append(list, *h);
		if (!next)
			goto oom;
		list = next;
	}
	return list;
oom:
	curl_slist_free_all(list);
	*oom = 1;
	return NULL;
}

static void setup_easy(struct http_client *c, CURL *e,
		       const struct http_request *req, struct http_xfer *x,
		       struct curl_slist *headers, char *range)
{
	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_SHARE, c->share);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->conf.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, c->conf.stall_timeout_s);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	/* The shared connection cache keeps what any handle allows, and
	 * libcurl's default (5) closed the connections of parallel ranges
	 * after each use: a new TCP handshake and slow start per request. */
	curl_easy_setopt(e, CURLOPT_MAXCONNECTS, (long)HTTP_IDLE_CONNS);
	/* A big body read in big pieces: a quarter less CPU per byte than
	 * libcurl's 16 KiB (fewer recv calls and callbacks). */
	if (req->dest && req->dest_len >= HTTP_BIG_BODY)
		curl_easy_setopt(e, CURLOPT_BUFFERSIZE, (long)HTTP_BIG_BUFFER);
	/* The same for a big body sent (a part): libcurl copies it through
	 * its upload buffer, 64 KiB by default. */
	if (req->body && req->body_len >= HTTP_BIG_BODY)
		curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, (long)HTTP_BIG_BUFFER);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "scfs/" "0.1");
	curl_easy_setopt(e, CURLOPT_VERBOSE, (long)c->conf.verbose);
	if (c->conf.insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (req->ca_file || c->conf.ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO,
				 req->ca_file ? req->ca_file : c->conf.ca_file);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, x);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, x->cancel ? 0L : 1L);
	if (range[0])
		curl_easy_setopt(e, CURLOPT_RANGE, range);
	if (!strcmp(req->method, "HEAD")) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (strcmp(req->method, "GET")) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
		if (req->body || !strcmp(req->method, "PUT") ||
		    !strcmp(req->method, "POST")) {
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
					 (curl_off_t)req->body_len);
			curl_easy_setopt(e, CURLOPT_POSTFIELDS,
					 req->body ? req->body : "");
		}
	}
}

static void format_range(const struct http_request *req, char *out, size_t n)
{
	out[0] = '\0';
	if (req->range_start < 0)
		return;
	if (req->range_end < 0)
		snprintf(out, n, "%lld-", (long long)req->range_start);
	else
		snprintf(out, n, "%lld-%lld", (long long)req->range_start,
			 (long long)req->range_end);
}

static void response_reset(const struct http_request *req,
			   struct http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	clear_headers(resp);
	buf_init(&resp->body, req->dest ? HTTP_MAX_ERROR_BODY :
		 req->max_body ? req->max_body : HTTP_MAX_BODY_DEFAULT);
}

/* Everything before the transfer: the response reset (so that it can be
 * released whatever happens), headers, a pooled handle set up for req. */
static int xfer_start(struct http_client *c, struct http_xfer *x,
		      const struct http_request *req,
		      struct http_response *resp)
{
	int oom = 0;

	memset(x, 0, sizeof(*x));
	x->req = req;
	x->resp = resp;
	x->cancel = req->ignore_cancel ? NULL : c->conf.cancel;
	response_reset(req, resp);
	x->headers = build_headers(req, &oom);
	x->easy = pool_take(c);
	if (oom || !x->easy) {
		curl_slist_free_all(x->headers);
		if (x->easy)
			curl_easy_cleanup(x->easy);
		return -ENOMEM;
	}
	format_range(req, x->range, sizeof(x->range));
	setup_easy(c, x->easy, req, x, x->headers, x->range);
	return 0;
}

/* Everything after it: status, sizes, our errno; the handle goes back. */
static int xfer_finish(struct http_client *c, struct http_xfer *x,
		       CURLcode cc)
{
	const struct http_request *req = x->req;
	struct http_response *resp = x->resp;
	int rc;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &resp->status);
	if (resp->status == 200 && resp->total_size < 0 &&
	    req->range_start <= 0)
		resp->total_size = resp->content_length;
	rc = x->error ? x->error : curl_to_errno(cc);
	/* Writing into dest past what was asked is a server that ignored our
	 * Range end; the bytes we kept are the ones we wanted. */
	if (rc == -E2BIG && req->dest && x->to_dest)
		rc = 0;
	curl_slist_free_all(x->headers);
	x->headers = NULL;
	pool_give(c, x->easy);
	x->easy = NULL;
	if (rc && rc != -ECANCELED)
		log_debug(LOG_SUB_HTTP, "%s transfer failed: %s", req->method,
			  curl_easy_strerror(cc));
	return rc;
}

int http_perform(struct http_client *c, const struct http_request *req,
		 struct http_response *resp)
{
	struct http_xfer x;
	int rc = xfer_start(c, &x, req, resp);

	if (rc)
		return rc;
	return xfer_finish(c, &x, curl_easy_perform(x.easy));
}

/* Hand every finished transfer of multi to xfer_finish; returns how many
 * finished. */
static size_t many_reap(struct http_client *c, CURLM *multi,
			struct http_xfer *xs, int *rcs)
{
	struct http_xfer *x;
	CURLMsg *msg;
	size_t done = 0;
	int left;

	while ((msg = curl_multi_info_read(multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		curl_multi_remove_handle(multi, x->easy);
		rcs[x - xs] = xfer_finish(c, x, msg->data.result);
		done++;
	}
	return done;
}

/* A multi that fails as a whole fails every transfer still in it. */
static void many_abandon(struct http_client *c, CURLM *multi,
			 struct http_xfer *xs, size_t n, int *rcs)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!xs[i].easy)
			continue;
		curl_multi_remove_handle(multi, xs[i].easy);
		rcs[i] = xfer_finish(c, &xs[i], CURLE_OUT_OF_MEMORY);
	}
}

int http_perform_many(struct http_client *c, const struct http_request *reqs,
		      size_t n, unsigned max_parallel,
		      struct http_response *resps, int *rcs)
{
	struct http_xfer *xs = calloc(n ? n : 1, sizeof(*xs));
	CURLM *multi = curl_multi_init();
	size_t next = 0, running = 0;
	int still, rc = 0;

	if (!xs || !multi) {
		free(xs);
		if (multi)
			curl_multi_cleanup(multi);
		return -ENOMEM;
	}
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)HTTP_IDLE_CONNS);
	while (!rc && (next < n || running)) {
		for (; running < (max_parallel ? max_parallel : 1) && next < n; next++) {
			rcs[next] = xfer_start(c, &xs[next], &reqs[next], &resps[next]);
			if (rcs[next])
				continue;
			curl_easy_setopt(xs[next].easy, CURLOPT_PRIVATE, &xs[next]);
			curl_multi_add_handle(multi, xs[next].easy);
			running++;
		}
		if (curl_multi_perform(multi, &still) != CURLM_OK)
			rc = -ENOMEM;
		else
			running -= many_reap(c, multi, xs, rcs);
		if (!rc && running &&
		    curl_multi_poll(multi, NULL, 0, 100, NULL) != CURLM_OK)
			rc = -ENOMEM;
	}
	many_abandon(c, multi, xs, n, rcs);
	for (; next < n; next++) {
		response_reset(&reqs[next], &resps[next]);
		rcs[next] = -ENOMEM;
	}
	curl_multi_cleanup(multi);
	free(xs);
	return 0;
}

void http_response_release(struct http_response *resp)
{
	buf_release(&resp->body);
	clear_headers(resp);
}

int http_status_to_errno(long status)
{
	if (status >= 200 && status < 300)
		return 0;
	switch (status) {
	case 304:
		return 0;
	case 400:
	case 405:
	case 411:
		return -EINVAL;
	case 401:
	case 403:
		return -EACCES;
	case 404:
	case 410:
		return -ENOENT;
	case 408:
	case 504:
		return -ETIMEDOUT;
	case 409:
		return -EBUSY;
	case 412:
		return -ESTALE;
	case 413:
		return -EFBIG;
	case 416:
		return -ERANGE;
	case 429:
		return -EAGAIN;
	case 507:
		return -ENOSPC;
	default:
		return -EIO;
	}
}

int http_is_retryable(int rc, long status)
{
	if (rc)
		return rc != -E2BIG && rc != -ECANCELED && rc != -ENOMEM;
	return status == 429 || status == 408 ||
	       (status >= 500 && status < 600 && status != 501 && status != 505);
}

unsigned http_backoff_ms(unsigned attempt, unsigned base_ms, unsigned cap_ms,
			 unsigned *seed)
{
	unsigned long long d = base_ms;

	while (attempt-- && d < cap_ms)
		d *= 2;
	if (d > cap_ms)
		d = cap_ms;
	if (d < 2)
		return (unsigned)d;
	return (unsigned)(d / 2 + (unsigned)rand_r(seed) % (d / 2 + 1));
}

int http_sleep_ms(const struct http_client *c, unsigned ms, int ignore_cancel)
{
	struct timespec ts;
	unsigned step;

	while (ms) {
		if (!ignore_cancel && c->conf.cancel && *c->conf.cancel)
			return -ECANCELED;
		step = ms > 50 ? 50 : ms;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)step * 1000000L;
		nanosleep(&ts, NULL);
		ms -= step;
	}
	return 0;
}
