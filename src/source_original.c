// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * source_original: ranged reads of a CDN object behind an expiring signed
 * URL.  Owns the current URL; never sends the OAuth header to the CDN (the
 * CDN request carries no Authorization at all).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "log.h"
#include "sc_api.h"
#include "source_original.h"

/* SoundCloud signs CDN URLs for about 5 minutes; renew well before. */
#define SOURCE_URL_MAX_AGE_S 240
/* Retries of one read after a dropped connection, a 5xx or an expiry. */
#define SOURCE_MAX_ATTEMPTS 6
#define SOURCE_BACKOFF_BASE_MS 100
#define SOURCE_BACKOFF_CAP_MS 5000

struct source_original {
	struct source base;
	struct sc_api *api;
	char *urn;
	char *etag;
	pthread_mutex_t lock;
	char *url;		/* protected by lock */
	time_t url_time;	/* protected by lock */
	unsigned seed;		/* protected by lock */
};

/* A copy of a usable signed URL; renewed when old or when force is set. */
static int current_url(struct source_original *s, int force, char **out)
{
	time_t now = time(NULL);
	char *url;
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	if (force || !s->url || now - s->url_time > SOURCE_URL_MAX_AGE_S) {
		rc = sc_api_download_url(s->api, s->urn, &url);
		if (!rc) {
			free(s->url);
			s->url = url;
			s->url_time = now;
		}
	}
	if (!rc && !(*out = strdup(s->url)))
		rc = -ENOMEM;
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static unsigned next_backoff(struct source_original *s, unsigned attempt)
{
	unsigned ms;

	pthread_mutex_lock(&s->lock);
	ms = http_backoff_ms(attempt, SOURCE_BACKOFF_BASE_MS,
			     SOURCE_BACKOFF_CAP_MS, &s->seed);
	pthread_mutex_unlock(&s->lock);
	return ms;
}

/* Whether a 200/206 is of another version than the one listed: another
 * ETag, or another total size.  Checked even when the transfer then
 * broke, so that no byte of it is kept. */
static int changed(const struct source_original *s,
		   const struct http_response *resp)
{
	if (s->etag && resp->etag && strcmp(resp->etag, s->etag))
		return 1;
	return s->base.size >= 0 && resp->total_size >= 0 &&
	       resp->total_size != s->base.size;
}

/* One ranged GET.  Returns bytes stored (>= 0), or a negative errno; sets
 * *expired when the URL needs renewing and *retry when trying again may
 * help. */
static ssize_t fetch(struct source_original *s, const char *url, char *buf,
		     size_t len, int64_t off, int *expired, int *retry)
{
	struct http_client *http = sc_api_http(s->api);
	struct http_response resp;
	struct http_request req;
	ssize_t n;
	int rc, ok;

	http_request_init(&req, "GET", url);
	req.range_start = off;
	req.range_end = off + (int64_t)len - 1;
	req.dest = buf;
	req.dest_len = len;
	rc = http_perform(http, &req, &resp);
	n = (ssize_t)resp.dest_written;
	ok = resp.status == 200 || resp.status == 206;
	*retry = rc ? http_is_retryable(rc, 0) : http_is_retryable(0, resp.status);
	*expired = !rc && (resp.status == 403 || resp.status == 410);
	if (ok && changed(s, &resp))
		n = -ESTALE;
	else if (!rc && resp.status == 416)
		n = 0;
	else if (!rc && !ok)
		n = *expired || *retry ? -EAGAIN : (http_status_to_errno(resp.status) ?: -EIO);
	else if (rc && !n)
		n = rc;
	http_response_release(&resp);
	return n;
}

static ssize_t original_read(struct source *src, void *buf, size_t len,
			     int64_t off)
{
	struct source_original *s = (struct source_original *)src;
	int expired = 0, retry = 0;
	unsigned attempt = 0;
	size_t done = 0;
	char *url = NULL;
	ssize_t n;
	int rc;

	if (src->size >= 0 && off >= src->size)
		return 0;
	if (src->size >= 0 && (int64_t)len > src->size - off)
		len = (size_t)(src->size - off);
	while (done < len) {
		free(url);
		url = NULL;
		rc = current_url(s, expired, &url);
		if (rc)
			return done ? (ssize_t)done : rc;
		n = fetch(s, url, (char *)buf + done, len - done,
			  off + (int64_t)done, &expired, &retry);
		if (n == -ESTALE || (n < 0 && !retry && !expired)) {
			free(url);
			return n;
		}
		if (n > 0)
			done += (size_t)n;
		if (n == 0 && !retry && !expired)
			break;	/* the end */
		if (n > 0 && !retry && !expired)
			continue;
		if (++attempt >= SOURCE_MAX_ATTEMPTS) {
			log_err("giving up reading '%s' at offset %lld", s->urn,
				(long long)(off + (int64_t)done));
			free(url);
			return -EIO;
		}
		if (!expired && http_sleep_ms(sc_api_http(s->api),
					      next_backoff(s, attempt), 0))
			break;
	}
	free(url);
	return (ssize_t)done;
}

static void original_free(struct source *src)
{
	struct source_original *s = (struct source_original *)src;

	free(s->urn);
	free(s->etag);
	free(s->url);
	free(src->content_type);
	free(src->name);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static const struct source_ops source_original_ops = {
	.read = original_read,
	.free = original_free,
};

int source_original_new(struct sc_api *api, const char *track_urn,
			int64_t size, const char *etag, const char *name,
			struct source **out)
{
	return source_original_new_at(api, track_urn, size, etag, name, NULL,
				      0, out);
}

/* Whether a URL obtained at url_time may still be used for a first read.
 * Not from the future either: a clock step must not make an old URL look
 * fresh for minutes. */
static int fresh(time_t url_time, time_t now)
{
	return now >= url_time && now - url_time <= SOURCE_URL_MAX_AGE_S;
}

int source_original_new_at(struct sc_api *api, const char *track_urn,
			   int64_t size, const char *etag, const char *name,
			   const char *url, time_t url_time,
			   struct source **out)
{
	struct source_original *s = calloc(1, sizeof(*s));
	int given = url && fresh(url_time, time(NULL));

	if (!s)
		return -ENOMEM;
	s->base.ops = &source_original_ops;
	s->base.size = size;
	s->api = api;
	s->seed = (unsigned)time(NULL);
	pthread_mutex_init(&s->lock, NULL);
	s->urn = strdup(track_urn);
	s->etag = etag ? strdup(etag) : NULL;
	s->base.name = strdup(name);
	s->url = given ? strdup(url) : NULL;
	s->url_time = url_time;
	if (!s->urn || !s->base.name || (etag && !s->etag) || (given && !s->url)) {
		original_free(&s->base);
		return -ENOMEM;
	}
	*out = &s->base;
	return 0;
}
