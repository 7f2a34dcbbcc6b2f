// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sc_api: requests to the SoundCloud API.  Every GET carries the OAuth
 * header (sc_auth.c keeps the token), is retried on 429 and on 5xx, and
 * renews the token once on a 401.  A 429 that says how long to wait
 * pauses every request of every process sharing the cache directory
 * (rate_pause.c): one rate budget, not one per thread or per process.
 * Listings follow next_href under the pagination guards (page_guard.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "page_guard.h"
#include "rate_pause.h"
#include "sc_api.h"
#include "sc_api_i.h"
#include "sigv4.h"

/* A 429 storm or a flapping gateway is waited out, not reported; the
 * attempts and the per-wait cap bound how long (about 4 minutes). */
#define SC_MAX_ATTEMPTS 10
#define SC_BACKOFF_BASE_MS 500
#define SC_BACKOFF_CAP_MS 30000
#define SC_URL_MAX 4096
#define SC_USER_URN "soundcloud:users:"
/* The largest page the API documents. */
#define SC_PAGE_LIMIT 200

int sc_api_new(const struct sc_api_conf *conf, struct http_client *http,
	       struct sc_api **out)
{
	struct sc_api *api = calloc(1, sizeof(*api));
	size_t n;

	if (!api)
		return -ENOMEM;
	api->http = http;
	api->seed = (unsigned)time(NULL);
	api->on_wait = conf->on_wait;
	api->on_wait_arg = conf->on_wait_arg;
	pthread_mutex_init(&api->token_lock, NULL);
	pthread_mutex_init(&api->pause_lock, NULL);
	api->api_url = strdup(conf->api_url ? conf->api_url : SC_API_URL_DEFAULT);
	api->auth_url = strdup(conf->auth_url ? conf->auth_url : SC_AUTH_URL_DEFAULT);
	if (!api->api_url || !api->auth_url || sc_auth_init(api, conf)) {
		sc_api_free(api);
		return -ENOMEM;
	}
	n = strlen(api->api_url);
	while (n && api->api_url[n - 1] == '/')
		api->api_url[--n] = '\0';
	rate_pause_file_name(api->api_url, api->client_id, api->pause_file);
	*out = api;
	return 0;
}

void sc_api_free(struct sc_api *api)
{
	if (!api)
		return;
	free(api->api_url);
	free(api->auth_url);
	free(api->client_id);
	sc_auth_free_secret(api->client_secret);
	free(api->cache_dir);
	token_release(&api->tok);
	pthread_mutex_destroy(&api->token_lock);
	pthread_mutex_destroy(&api->pause_lock);
	free(api);
}

struct http_client *sc_api_http(struct sc_api *api)
{
	return api->http;
}

const char *sc_api_url(const struct sc_api *api)
{
	return api->api_url;
}

int sc_api_has_user_token(const struct sc_api *api)
{
	return api->user_token;
}

static unsigned backoff(struct sc_api *api, unsigned attempt)
{
	unsigned ms;

	pthread_mutex_lock(&api->token_lock);
	ms = http_backoff_ms(attempt, SC_BACKOFF_BASE_MS, SC_BACKOFF_CAP_MS, &api->seed);
	pthread_mutex_unlock(&api->token_lock);
	return ms;
}

/* The seconds a 429 asks us to wait (Retry-After, else the reset time in
 * its body), or -1 when it does not say. */
static long rate_limit_hint_s(const struct http_response *resp)
{
	long s = resp->retry_after_s;

	if (s < 0)
		s = sc_json_rate_limit_wait(resp->body.data, resp->body.len, time(NULL));
	/* A day is already far past SC_PAUSE_MAX_S (such a wait fails the
	 * request); the cap keeps a garbage header from overflowing ms. */
	return s > 86400 ? 86400 : s;
}

/* Length of "scheme://host[:port]" at the start of url, or 0. */
static size_t origin_len(const char *url)
{
	const char *host = strstr(url, "://");

	if (!host)
		return 0;
	host += 3;
	return (size_t)(host - url) + strcspn(host, "/?#");
}

static int build_url(const struct sc_api *api, const char *path_or_url,
		     struct buf *url)
{
	char where[512];

	if (path_or_url[0] == '/')
		return buf_appendf(url, "%s%s", api->api_url, path_or_url);
	if (!page_guard_same_origin(api->api_url, path_or_url)) {
		log_err("refusing to follow '%s': not on the API host",
			log_url(path_or_url, where, sizeof(where)));
		return -EPERM;
	}
	return buf_appends(url, path_or_url);
}

/* Record the pause a 429 asked for, for this process and (through the
 * cache directory) every other one. */
static void record_pause(struct sc_api *api, const char *where, long s)
{
	struct rate_pause p = { .until_ms = rate_pause_now_ms() + (int64_t)s * 1000 };
	int rc;

	/* The path only, cut to fit: a reason, not a log. */
	snprintf(p.why, sizeof(p.why), "HTTP 429 on '%.100s'", where + origin_len(where));
	if (api->cache_dir) {
		rc = rate_pause_extend(api->cache_dir, api->pause_file, &p);
		if (rc)
			log_debug(LOG_SUB_API, "cannot record the pause in '%s': %s",
				  api->cache_dir, strerror(-rc));
	}
	pthread_mutex_lock(&api->pause_lock);
	rate_pause_merge(&api->pause, &p);
	pthread_mutex_unlock(&api->pause_lock);
}

/* The pause in force: this process's, or a later one on disk. */
static struct rate_pause current_pause(struct sc_api *api)
{
	struct rate_pause p, disk;

	pthread_mutex_lock(&api->pause_lock);
	p = api->pause;
	pthread_mutex_unlock(&api->pause_lock);
	if (api->cache_dir && !rate_pause_load(api->cache_dir, api->pause_file, &disk))
		rate_pause_merge(&p, &disk);
	return p;
}

/* Whether this thread is the first to wait for pause p (and so tells). */
static int first_to_wait(struct sc_api *api, const struct rate_pause *p)
{
	int first;

	pthread_mutex_lock(&api->pause_lock);
	first = api->told_until != p->until_ms;
	api->told_until = p->until_ms;
	pthread_mutex_unlock(&api->pause_lock);
	return first;
}

/* Wait until no pause is in force (it may grow meanwhile).  0, -EAGAIN
 * for a pause longer than SC_PAUSE_MAX_S, or -ECANCELED. */
static int await_pause(struct sc_api *api, const char *where)
{
	struct rate_pause p = current_pause(api);
	int64_t wait;
	int rc = 0;

	while (!rc && (wait = rate_pause_wait_ms(&p, rate_pause_now_ms())) > 0) {
		if (wait > (int64_t)SC_PAUSE_MAX_S * 1000) {
			log_err("cannot fetch '%s': the API's rate limit holds for %lld s more (%s)",
				where, (long long)(wait / 1000), p.why);
			return -EAGAIN;
		}
		if (first_to_wait(api, &p)) {
			log_info("waiting %lld ms for the API's rate limit: %s",
				 (long long)wait, p.why);
			if (api->on_wait)
				api->on_wait(api->on_wait_arg, wait, p.until_ms, p.why);
		}
		/* Jitter, so that the waiters do not all ask at once. */
		rc = http_sleep_ms(api->http, (unsigned)wait + backoff(api, 0) / 4, 0);
		p = current_pause(api);
	}
	return rc;
}

static int should_retry(struct sc_api *api, const char *where, int rc,
			const struct http_response *resp, unsigned attempt,
			unsigned *wait_ms)
{
	/* "Retry-After: 0" is no wait to share: backoff keeps a storm of
	 * them from becoming a busy loop. */
	long hint = !rc && resp->status == 429 ? rate_limit_hint_s(resp) : -1;

	/* Shared even when this request gives up: the others should not
	 * meet the same limit. */
	if (hint > 0)
		record_pause(api, where, hint);	/* await_pause waits */
	if (!http_is_retryable(rc, rc ? 0 : resp->status) ||
	    attempt + 1 >= SC_MAX_ATTEMPTS)
		return 0;
	*wait_ms = hint > 0 ? 0 : backoff(api, attempt);
	if (hint > 0)
		log_info("retrying '%s' in %ld s after HTTP 429", where, hint);
	else
		log_info("retrying '%s' in %u ms after %s%ld", where, *wait_ms,
			 rc ? strerror(-rc) : "HTTP ", rc ? 0L : resp->status);
	return 1;
}

/* GET url with OAuth until an answer that retrying cannot improve.
 * Returns 0 with resp filled (any status), or a transport errno. */
static int api_get(struct sc_api *api, const char *url,
		   struct http_response *resp)
{
	const char *headers[3] = { NULL, "Accept: application/json; charset=utf-8", NULL };
	char where[512], *refused = NULL;
	struct http_request req;
	struct buf auth;
	unsigned attempt, wait_ms;
	int rc = 0, renewed = 0;

	memset(resp, 0, sizeof(*resp));	/* releasable whatever happens */
	buf_init(&auth, 8192);
	log_url(url, where, sizeof(where));
	for (attempt = 0; !rc; attempt++) {
		rc = await_pause(api, where);
		if (!rc)
			rc = sc_auth_header(api, refused, &auth);
		if (rc)
			break;
		headers[0] = auth.data;
		http_request_init(&req, "GET", url);
		req.headers = headers;
		rc = http_perform(api->http, &req, resp);
		if (!rc && resp->status == 401 && !renewed) {
			/* Expired or revoked: renew once, then try again. */
			renewed = 1;
			sc_auth_free_secret(refused);
			refused = strdup(auth.data + strlen("Authorization: OAuth "));
			http_response_release(resp);
			continue;
		}
		if (!should_retry(api, where, rc, resp, attempt, &wait_ms))
			break;
		/* Even a failed transfer may hold headers it received. */
		http_response_release(resp);
		rc = http_sleep_ms(api->http, wait_ms, 0);
	}
	if (rc)
		http_response_release(resp);
	sc_auth_free_secret(refused);
	if (auth.data)
		memset(auth.data, 0, auth.len);
	buf_release(&auth);
	return rc;
}

/* Log and map a final non-success answer. */
static int api_failure(const char *url, const struct http_response *resp)
{
	char where[512], msg[256];

	log_url(url, where, sizeof(where));
	sc_json_error_message(resp->body.data, resp->body.len, msg, sizeof(msg));
	log_err("cannot fetch '%s': HTTP %ld%s%s", where, resp->status,
		msg[0] ? ": " : "", msg);
	return http_status_to_errno(resp->status) ?: -EIO;
}

/* Why a transfer failed, in words a user understands. */
static const char *transfer_error(int rc)
{
	if (rc == -E2BIG)
		return "the answer is larger than the 8 MiB a page may have";
	return strerror(-rc);
}

int sc_api_get_json(struct sc_api *api, const char *path_or_url,
		    struct buf *out)
{
	struct http_response resp;
	char where[512];
	struct buf url;
	int rc;

	buf_init(&url, SC_URL_MAX);
	rc = build_url(api, path_or_url, &url);
	if (!rc)
		rc = api_get(api, url.data, &resp);
	if (rc && rc != -EPERM && rc != -ECANCELED && url.data)
		log_err("cannot fetch '%s': %s",
			log_url(url.data, where, sizeof(where)), transfer_error(rc));
	if (!rc) {
		if (resp.status == 200) {
			buf_release(out);
			*out = resp.body;
			buf_init(&resp.body, 0);
		} else {
			rc = api_failure(url.data, &resp);
		}
		http_response_release(&resp);
	}
	buf_release(&url);
	return rc;
}

/* GET a path expecting a redirect; the target (caller frees) in *location. */
static int api_redirect(struct sc_api *api, const char *path, char **location)
{
	struct http_response resp;
	struct buf url;
	int rc;

	buf_init(&url, SC_URL_MAX);
	rc = build_url(api, path, &url);
	if (!rc)
		rc = api_get(api, url.data, &resp);
	if (rc) {
		buf_release(&url);
		return rc;
	}
	if (resp.status >= 300 && resp.status < 400 && resp.location) {
		*location = strdup(resp.location);
		rc = *location ? 0 : -ENOMEM;
	} else if (resp.status >= 300 && resp.status < 400) {
		rc = sc_json_location(resp.body.data, resp.body.len, location);
	} else {
		rc = resp.status == 404 ? -ENOENT : api_failure(url.data, &resp);
	}
	http_response_release(&resp);
	buf_release(&url);
	return rc;
}

int64_t sc_api_user_id_from_location(const char *api_url, const char *location)
{
	const char *p;
	size_t n;

	if (!page_guard_same_origin(api_url, location))
		return -1;
	p = location + origin_len(location);
	if (strncmp(p, "/users/", 7))
		return -1;
	p += 7;
	if (!strncmp(p, "soundcloud:users:", 17))
		p += 17;
	else if (!strncasecmp(p, "soundcloud%3Ausers%3A", 21))
		p += 21;
	n = strspn(p, "0123456789");
	/* 18 digits always fit in an int64_t */
	if (!n || n > 18 || (p[n] && strcmp(p + n, "/")))
		return -1;
	return (int64_t)strtoll(p, NULL, 10);
}

/* A user object with just what a listing needs: its id and URN. */
static int user_from_id(int64_t id, struct sc_user *out)
{
	memset(out, 0, sizeof(*out));
	out->id = id;
	if (asprintf(&out->urn, "soundcloud:users:%lld", (long long)id) < 0) {
		out->urn = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* The user object at path (GET), read. */
static int get_user(struct sc_api *api, const char *path, const char *who,
		    struct sc_user *out)
{
	struct buf body;
	int rc;

	buf_init(&body, HTTP_MAX_BODY_DEFAULT);
	rc = sc_api_get_json(api, path, &body);
	if (!rc) {
		rc = sc_json_user(body.data, body.len, out);
		if (rc == -EBADMSG)
			log_err("cannot read the user object of '%s': malformed JSON", who);
	}
	buf_release(&body);
	return rc;
}

/* A user named by its URN: GET /users/URN (so an unknown one is
 * -ENOENT), after checking that the id is a number. */
static int user_by_urn(struct sc_api *api, const char *urn,
		       struct sc_user *out)
{
	const char *id = urn + strlen(SC_USER_URN);
	char path[128];

	if (!*id || strspn(id, "0123456789") != strlen(id) || strlen(id) > 18)
		return -EINVAL;
	snprintf(path, sizeof(path), "/users/%s", urn);
	return get_user(api, path, urn, out);
}

int sc_api_resolve_user(struct sc_api *api, const char *permalink,
			struct sc_user *out)
{
	char *location = NULL;
	struct buf path;
	int64_t id;
	int rc;

	if (!strncmp(permalink, SC_USER_URN, strlen(SC_USER_URN)))
		return user_by_urn(api, permalink, out);
	buf_init(&path, SC_URL_MAX);
	rc = buf_appends(&path, "/resolve?url=");
	if (!rc)
		rc = sigv4_uri_encode("https://soundcloud.com/", 23, 0, &path);
	if (!rc)
		rc = sigv4_uri_encode(permalink, strlen(permalink), 0, &path);
	if (!rc)
		rc = api_redirect(api, path.data, &location);
	if (!rc) {
		/* The location names the user: no need to fetch it. */
		id = sc_api_user_id_from_location(api->api_url, location);
		rc = id >= 0 ? user_from_id(id, out) :
		     get_user(api, location, permalink, out);
	}
	free(location);
	buf_release(&path);
	return rc;
}

int sc_api_me(struct sc_api *api, struct sc_user *out)
{
	return get_user(api, "/me", "me", out);
}

/* What a listing does with one page's JSON: parse it, hand its items on,
 * and say how many there were and where the next page is. */
struct lister {
	int (*page)(struct lister *l, const struct buf *body, size_t *n,
		    char **next);
	int (*track_fn)(void *arg, struct sc_track *track);
	int (*playlist_fn)(void *arg, struct sc_playlist *playlist);
	void *arg;
	size_t skipped;
};

static int tracks_page(struct lister *l, const struct buf *body, size_t *n,
		       char **next)
{
	struct sc_page page;
	size_t i;
	int rc = sc_json_tracks_page(body->data, body->len, &page);

	for (i = 0; !rc && i < page.n; i++)
		rc = l->track_fn(l->arg, &page.tracks[i]);
	if (!rc) {
		*n = page.n + page.skipped;
		l->skipped += page.skipped;
		*next = page.next_href;
		page.next_href = NULL;
		sc_page_release(&page);
	}
	return rc;
}

static int playlists_page(struct lister *l, const struct buf *body,
			  size_t *n, char **next)
{
	struct sc_playlist_page page;
	size_t i;
	int rc = sc_json_playlists_page(body->data, body->len, &page);

	for (i = 0; !rc && i < page.n; i++)
		rc = l->playlist_fn(l->arg, &page.items[i]);
	if (!rc) {
		*n = page.n + page.skipped;
		l->skipped += page.skipped;
		*next = page.next_href;
		page.next_href = NULL;
		sc_playlist_page_release(&page);
	}
	return rc;
}

/* Act on the guard's verdict: 1 to follow next, 0 to stop, or -errno. */
static int follow(const char *path, const char *next, int verdict)
{
	char where[512];

	if (verdict < 0)
		return verdict;
	switch (verdict) {
	case PAGE_FOLLOW:
		return 1;
	case PAGE_DONE:
		return 0;
	case PAGE_FOREIGN:
		log_err("refusing to follow the next page of '%s' to '%s': not on the API host",
			path, log_url(next, where, sizeof(where)));
		return -EPERM;
	default:
		log_warn("listing '%s' stops at %s", path, page_verdict_name(verdict));
		return 0;
	}
}

static int list_pages(struct sc_api *api, const char *path, struct lister *l)
{
	struct page_guard guard = { 0 };
	struct buf url, body;
	char *next = NULL, where[512];
	size_t n = 0;
	int rc, go;

	buf_init(&url, SC_URL_MAX);
	buf_init(&body, HTTP_MAX_BODY_DEFAULT);
	rc = buf_appendf(&url, "%s%s%climit=%d&linked_partitioning=true", api->api_url,
			 path, strchr(path, '?') ? '&' : '?', SC_PAGE_LIMIT);
	if (!rc)
		rc = page_guard_init(&guard, api->api_url, url.data, 0, 0);
	while (!rc) {
		rc = sc_api_get_json(api, url.data, &body);
		if (!rc && (rc = l->page(l, &body, &n, &next)) == -EBADMSG)
			log_err("cannot read '%s': malformed JSON or a missing field",
				log_url(url.data, where, sizeof(where)));
		if (rc)
			break;
		go = follow(path, next, page_guard_next(&guard, n, next));
		buf_reset(&url);
		rc = go > 0 ? buf_appends(&url, next) : go;
		free(next);
		next = NULL;
		if (go <= 0)
			break;
	}
	if (l->skipped)
		log_warn("listing '%s' left out %zu items without an id", path, l->skipped);
	page_guard_release(&guard);
	buf_release(&url);
	buf_release(&body);
	return rc;
}

int sc_api_list_tracks(struct sc_api *api, const char *path,
		       int (*fn)(void *arg, struct sc_track *track), void *arg)
{
	struct lister l = { .page = tracks_page, .track_fn = fn, .arg = arg };

	return list_pages(api, path, &l);
}

int sc_api_list_playlists(struct sc_api *api, const char *path,
			  int (*fn)(void *arg, struct sc_playlist *playlist),
			  void *arg)
{
	struct lister l = { .page = playlists_page, .playlist_fn = fn, .arg = arg };

	return list_pages(api, path, &l);
}

int sc_api_download_url(struct sc_api *api, const char *track_urn, char **url)
{
	char path[256];

	snprintf(path, sizeof(path), "/tracks/%s/download", track_urn);
	return api_redirect(api, path, url);
}

/* Whether url is on the API's origin (and so may carry our OAuth header). */
static int on_api_host(const struct sc_api *api, const char *url)
{
	size_t n = origin_len(api->api_url);

	return origin_len(url) == n && !strncasecmp(url, api->api_url, n);
}

int sc_api_hls_playlist_url(struct sc_api *api, const char *track_urn,
			    char **url)
{
	char path[256], *hls = NULL;
	struct buf body;
	int rc;

	buf_init(&body, HTTP_MAX_BODY_DEFAULT);
	snprintf(path, sizeof(path), "/tracks/%s/streams", track_urn);
	rc = sc_api_get_json(api, path, &body);
	if (!rc)
		rc = sc_json_hls_url(body.data, body.len, &hls);
	buf_release(&body);
	if (rc)
		return rc;
	if (on_api_host(api, hls)) {
		rc = api_redirect(api, hls, url);
		free(hls);
		return rc;
	}
	*url = hls;
	return 0;
}

int sc_api_probe_original(struct sc_api *api, const char *track_urn,
			  struct sc_probe *out)
{
	struct http_response resp;
	struct http_request req;
	char *url = NULL, where[512];
	time_t url_time = time(NULL);
	int rc = sc_api_download_url(api, track_urn, &url);

	if (rc)
		return rc;
	http_request_init(&req, "HEAD", url);
	rc = http_perform(api->http, &req, &resp);
	if (!rc && resp.status != 200) {
		log_err("cannot probe '%s': HTTP %ld", log_url(url, where, sizeof(where)),
			resp.status);
		rc = http_status_to_errno(resp.status) ?: -EIO;
	}
	if (!rc) {
		memset(out, 0, sizeof(*out));
		out->size = resp.content_length;
		out->content_type = resp.content_type;
		out->disposition = resp.content_disposition;
		out->etag = resp.etag;
		resp.content_type = resp.content_disposition = resp.etag = NULL;
		out->url = url;
		out->url_time = url_time;
		url = NULL;
	}
	http_response_release(&resp);
	free(url);
	return rc;
}

void sc_probe_release(struct sc_probe *p)
{
	free(p->content_type);
	free(p->disposition);
	free(p->etag);
	free(p->url);
	memset(p, 0, sizeof(*p));
}

/* One track object, read as a listing page of one (sc_json has no
 * single-track reader, and a bare array is a page it knows). */
static int track_from_json(const struct buf *body, struct sc_track *out)
{
	struct sc_page page = { 0 };
	struct buf wrapped;
	int rc;

	buf_init(&wrapped, body->len + 3);
	rc = buf_appendf(&wrapped, "[%.*s]", (int)body->len, body->data);
	if (!rc)
		rc = sc_json_tracks_page(wrapped.data, wrapped.len, &page);
	if (!rc && page.n != 1)
		rc = -EBADMSG;
	if (!rc) {
		*out = page.tracks[0];
		memset(&page.tracks[0], 0, sizeof(page.tracks[0]));
	}
	sc_page_release(&page);
	buf_release(&wrapped);
	return rc;
}

/* The API path for a track reference: /tracks/URN for a URN, the
 * /resolve target for a soundcloud.com URL. */
static int track_path(struct sc_api *api, const char *ref, struct buf *path,
		      char **location)
{
	static const char urn[] = "soundcloud:tracks:", web[] = "https://soundcloud.com/";
	const char *id = ref + sizeof(urn) - 1;
	int rc;

	if (!strncmp(ref, urn, sizeof(urn) - 1))
		return *id && strspn(id, "0123456789") == strlen(id) ?
		       buf_appendf(path, "/tracks/%s", ref) : -EINVAL;
	if (strncmp(ref, web, sizeof(web) - 1) || !strchr(ref + sizeof(web) - 1, '/'))
		return -EINVAL;
	rc = buf_appends(path, "/resolve?url=");
	if (!rc)
		rc = sigv4_uri_encode(ref, strlen(ref), 0, path);
	if (!rc)
		rc = api_redirect(api, path->data, location);
	return rc;
}

int sc_api_resolve_track(struct sc_api *api, const char *ref,
			 struct sc_track *out)
{
	struct buf path, body;
	char *location = NULL;
	int rc;

	buf_init(&path, SC_URL_MAX);
	buf_init(&body, HTTP_MAX_BODY_DEFAULT);
	rc = track_path(api, ref, &path, &location);
	if (!rc)
		rc = sc_api_get_json(api, location ? location : path.data, &body);
	if (!rc && (rc = track_from_json(&body, out)) == -EBADMSG)
		log_err("cannot read the track object of '%s': malformed JSON", ref);
	free(location);
	buf_release(&path);
	buf_release(&body);
	return rc;
}
