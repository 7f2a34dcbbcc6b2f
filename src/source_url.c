// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * source_url: ranged GETs on a plain URL.  Owns the final URL (after
 * redirects) and the ETag seen first; never logs the query string (signed
 * URLs carry their credentials there).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "log.h"
#include "source_url.h"

/* Redirect chains of CDNs are one or two hops; more is a loop. */
#define URL_MAX_REDIRECTS 5
/* Retries of one read: the same budget as a track's original. */
#define URL_MAX_ATTEMPTS 6
#define URL_BACKOFF_BASE_MS 100
#define URL_BACKOFF_CAP_MS 5000

struct source_url {
	struct source base;
	struct http_client *http;
	char *url;		/* after redirects */
	char *etag;		/* NULL: the server sends none */
};

/* An absolute URL for a Location header relative to base. */
static char *join_location(const char *base, const char *loc)
{
	const char *host = strstr(base, "://");
	char *out = NULL;
	size_t origin;

	if (strstr(loc, "://"))
		return strdup(loc);
	if (!host || loc[0] != '/')
		return NULL;
	origin = (size_t)(host + 3 - base) + strcspn(host + 3, "/?#");
	if (asprintf(&out, "%.*s%s", (int)origin, base, loc) < 0)
		return NULL;
	return out;
}

/* GET bytes 0-0 of *url, following redirects (and updating *url). */
static int probe_get(struct http_client *http, char **url,
		     struct http_response *resp, char *one)
{
	struct http_request req;
	unsigned hops;
	char *next;
	int rc;

	for (hops = 0;; hops++) {
		http_request_init(&req, "GET", *url);
		req.range_start = 0;
		req.range_end = 0;
		req.dest = one;
		req.dest_len = 1;
		rc = http_perform(http, &req, resp);
		if (rc || resp->status < 300 || resp->status >= 400 ||
		    !resp->location)
			return rc;
		if (hops == URL_MAX_REDIRECTS)
			return -ELOOP;
		next = join_location(*url, resp->location);
		http_response_release(resp);
		if (!next)
			return -EINVAL;
		free(*url);
		*url = next;
	}
}

static int probe_failed(const char *url, int rc,
			const struct http_response *resp, char *err,
			size_t err_size)
{
	char where[512];

	log_url(url, where, sizeof(where));
	if (rc) {
		snprintf(err, err_size, "cannot fetch '%s': %s", where,
			 rc == -ELOOP ? "too many redirects" : strerror(-rc));
		return rc;
	}
	if (resp->status == 200) {
		snprintf(err, err_size, "'%s' ignores range requests; pipe it instead: curl URL | sc2s3 cp - DST",
			 where);
		return -ENOTSUP;
	}
	snprintf(err, err_size, "cannot fetch '%s': HTTP %ld", where,
		 resp->status);
	rc = http_status_to_errno(resp->status);
	return rc && rc != -EINVAL && rc != -ERANGE ? rc : -EIO;
}

/* The last path segment of url, for prefix destinations. */
static char *url_name(const char *url)
{
	const char *host = strstr(url, "://"), *path, *end, *slash;

	path = host ? host + 3 + strcspn(host + 3, "/?#") : url;
	end = path + strcspn(path, "?#");
	for (slash = end; slash > path && slash[-1] != '/'; slash--)
		;
	if (slash == end)
		return strdup("index");
	return strndup(slash, (size_t)(end - slash));
}

/* One ranged GET into buf.  Returns bytes stored, 0 at the end, or a
 * negative errno; *retry says whether another attempt may help. */
static ssize_t fetch(struct source_url *s, char *buf, size_t len, int64_t off,
		     int *retry)
{
	struct http_response resp;
	struct http_request req;
	ssize_t n;
	int rc;

	http_request_init(&req, "GET", s->url);
	req.range_start = off;
	req.range_end = off + (int64_t)len - 1;
	req.dest = buf;
	req.dest_len = len;
	rc = http_perform(s->http, &req, &resp);
	n = (ssize_t)resp.dest_written;
	*retry = rc ? http_is_retryable(rc, 0) : http_is_retryable(0, resp.status);
	if (!rc && resp.status == 416)
		n = 0;
	else if (!rc && resp.status == 206 && s->etag && resp.etag &&
		 strcmp(resp.etag, s->etag))
		n = -ESTALE;
	else if (!rc && resp.status != 206)
		n = *retry ? -EAGAIN : -EIO;
	else if (rc && !n)
		n = rc;
	http_response_release(&resp);
	return n;
}

static ssize_t url_read(struct source *src, void *buf, size_t len, int64_t off)
{
	struct source_url *s = (struct source_url *)src;
	unsigned attempt = 0, seed = (unsigned)time(NULL) ^ (unsigned)off;
	size_t done = 0;
	char where[512];
	int retry = 0;
	ssize_t n;

	if (src->size >= 0 && off >= src->size)
		return 0;
	if (src->size >= 0 && (int64_t)len > src->size - off)
		len = (size_t)(src->size - off);
	while (done < len) {
		n = fetch(s, (char *)buf + done, len - done, off + (int64_t)done,
			  &retry);
		if (n > 0) {
			done += (size_t)n;
			attempt = 0;	/* progress: the budget is per stall */
			continue;
		}
		if (n == 0 || n == -ESTALE || !retry)
			return done ? (ssize_t)done : n;
		if (++attempt >= URL_MAX_ATTEMPTS) {
			log_err("giving up reading '%s' at offset %lld",
				log_url(s->url, where, sizeof(where)),
				(long long)(off + (int64_t)done));
			return -EIO;
		}
		if (http_sleep_ms(s->http, http_backoff_ms(attempt,
				  URL_BACKOFF_BASE_MS, URL_BACKOFF_CAP_MS, &seed), 0))
			return -ECANCELED;
	}
	return (ssize_t)done;
}

static void url_free(struct source *src)
{
	struct source_url *s = (struct source_url *)src;

	free(s->url);
	free(s->etag);
	free(src->content_type);
	free(src->name);
	free(s);
}

static const struct source_ops source_url_ops = {
	.read = url_read,
	.free = url_free,
};

/* The first GET, retried like a read: a CDN's 503 at the start is as
 * passing as one in the middle. */
static int probe(struct source_url *s, struct http_response *resp, char *one)
{
	unsigned attempt, seed = (unsigned)time(NULL);
	int rc;

	for (attempt = 1;; attempt++) {
		rc = probe_get(s->http, &s->url, resp, one);
		if (attempt >= URL_MAX_ATTEMPTS ||
		    !http_is_retryable(rc, rc ? 0 : resp->status))
			return rc;
		http_response_release(resp);
		if (http_sleep_ms(s->http, http_backoff_ms(attempt,
				  URL_BACKOFF_BASE_MS, URL_BACKOFF_CAP_MS, &seed), 0))
			return -ECANCELED;
	}
}

/* Whether the probe's answer describes a readable object: bytes 0-0 of
 * it, or a 416, which bytes 0-0 can only get from an empty one. */
static int probe_usable(const struct http_response *resp)
{
	return resp->status == 206 || resp->status == 416;
}

int source_url_new(struct http_client *http, const char *url,
		   struct source **out, char *err, size_t err_size)
{
	struct source_url *s = calloc(1, sizeof(*s));
	struct http_response resp;
	char one;
	int rc;

	memset(&resp, 0, sizeof(resp));
	if (!s || !(s->url = strdup(url))) {
		free(s);
		return -ENOMEM;
	}
	s->base.ops = &source_url_ops;
	s->http = http;
	rc = probe(s, &resp, &one);
	if (rc || !probe_usable(&resp)) {
		rc = probe_failed(s->url, rc, &resp, err, err_size);
	} else {
		s->base.size = resp.status == 416 ? 0 : resp.total_size;
		s->etag = resp.etag;
		s->base.content_type = resp.content_type;
		resp.etag = resp.content_type = NULL;
		s->base.name = url_name(s->url);
		rc = s->base.name ? 0 : -ENOMEM;
	}
	http_response_release(&resp);
	if (rc) {
		url_free(&s->base);
		return rc;
	}
	*out = &s->base;
	return 0;
}
