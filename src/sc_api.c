// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sc_api: requests to the SoundCloud API.  Owns the token state machine:
 * a token is used until it nears expiry or is refused (401), then refreshed
 * under token_lock by exactly one thread, with the refresh token if there
 * is one, else a new client-credentials grant.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "hash.h"
#include "log.h"
#include "sc_api.h"
#include "sigv4.h"

/* Refresh this long before the stated expiry, so a token never dies
 * between the check and the request. */
#define SC_TOKEN_MARGIN_S 60
/* A 429 storm or a flapping gateway is waited out, not reported; the
 * attempts and the per-wait cap bound how long (about 4 minutes). */
#define SC_MAX_ATTEMPTS 10
#define SC_BACKOFF_BASE_MS 500
#define SC_BACKOFF_CAP_MS 30000
/* Real listings have a few thousand tracks at 200 a page; empty pages with
 * a next_href happen (private tracks count toward pages) but not forever. */
#define SC_MAX_PAGES 2000
#define SC_MAX_EMPTY_PAGES 50
#define SC_URL_MAX 4096

struct sc_api {
	char *api_url;
	char *auth_url;
	char *client_id;
	char *client_secret;
	struct http_client *http;
	pthread_mutex_t token_lock;
	char *access_token;	/* protected by token_lock */
	char *refresh_token;	/* protected by token_lock */
	time_t expires_at;	/* protected by token_lock; 0: unknown */
	unsigned seed;		/* protected by token_lock */
};

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

int sc_api_new(const struct sc_api_conf *conf, struct http_client *http,
	       struct sc_api **out)
{
	struct sc_api *api = calloc(1, sizeof(*api));
	size_t n;

	if (!api)
		return -ENOMEM;
	api->http = http;
	api->api_url = strdup(conf->api_url ? conf->api_url : SC_API_URL_DEFAULT);
	api->auth_url = strdup(conf->auth_url ? conf->auth_url : SC_AUTH_URL_DEFAULT);
	api->client_id = dup_or_null(conf->client_id);
	api->client_secret = dup_or_null(conf->client_secret);
	api->access_token = dup_or_null(conf->access_token);
	api->refresh_token = dup_or_null(conf->refresh_token);
	api->seed = (unsigned)time(NULL);
	pthread_mutex_init(&api->token_lock, NULL);
	if (!api->api_url || !api->auth_url) {
		sc_api_free(api);
		return -ENOMEM;
	}
	n = strlen(api->api_url);
	while (n && api->api_url[n - 1] == '/')
		api->api_url[--n] = '\0';
	*out = api;
	return 0;
}

static void free_secret(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

void sc_api_free(struct sc_api *api)
{
	if (!api)
		return;
	free(api->api_url);
	free(api->auth_url);
	free(api->client_id);
	free_secret(api->client_secret);
	free_secret(api->access_token);
	free_secret(api->refresh_token);
	pthread_mutex_destroy(&api->token_lock);
	free(api);
}

struct http_client *sc_api_http(struct sc_api *api)
{
	return api->http;
}

static int form_append(struct buf *b, const char *name, const char *value)
{
	int rc = buf_appendf(b, "%s%s=", b->len ? "&" : "", name);

	return rc ? rc : sigv4_uri_encode(value, strlen(value), 0, b);
}

/* POST the token endpoint.  Called with token_lock held. */
static int token_request(struct sc_api *api, const char *refresh,
			 char *err, size_t err_size)
{
	struct buf form, basic;
	struct http_request req;
	struct http_response resp;
	struct sc_token tok;
	char *auth = NULL, msg[256], where[512];
	const char *headers[4];
	int rc;

	buf_init(&form, 16384);
	buf_init(&basic, 1024);
	rc = form_append(&form, "grant_type", refresh ? "refresh_token" : "client_credentials");
	if (!rc && refresh)
		rc = form_append(&form, "refresh_token", refresh);
	if (!rc && api->client_id)
		rc = buf_appendf(&basic, "%s:%s", api->client_id,
				 api->client_secret ? api->client_secret : "");
	if (!rc && basic.len) {
		auth = malloc(basic.len * 2 + 32);
		if (!auth)
			rc = -ENOMEM;
		else {
			strcpy(auth, "Authorization: Basic ");
			hash_base64((const unsigned char *)basic.data, basic.len,
				    auth + strlen(auth));
		}
	}
	if (rc)
		goto out;
	headers[0] = "Content-Type: application/x-www-form-urlencoded";
	headers[1] = "Accept: application/json; charset=utf-8";
	headers[2] = auth;
	headers[3] = NULL;
	http_request_init(&req, "POST", api->auth_url);
	req.headers = headers;
	req.body = form.data;
	req.body_len = form.len;
	req.max_body = 64 << 10;
	rc = http_perform(api->http, &req, &resp);
	log_url(api->auth_url, where, sizeof(where));
	if (rc) {
		snprintf(err, err_size, "cannot reach the token endpoint '%s': %s",
			 where, strerror(-rc));
		goto out;
	}
	if (resp.status != 200 ||
	    sc_json_token(resp.body.data, resp.body.len, &tok)) {
		sc_json_error_message(resp.body.data, resp.body.len, msg, sizeof(msg));
		snprintf(err, err_size, "token endpoint '%s' refused the %s: HTTP %ld%s%s",
			 where, refresh ? "refresh token" : "client credentials",
			 resp.status, msg[0] ? ": " : "", msg);
		rc = resp.status == 401 || resp.status == 400 || resp.status == 403 ?
		     -EACCES : -EIO;
	} else {
		free_secret(api->access_token);
		api->access_token = tok.access_token;
		if (tok.refresh_token) {
			free_secret(api->refresh_token);
			api->refresh_token = tok.refresh_token;
		}
		api->expires_at = tok.expires_in > 0 ? time(NULL) + tok.expires_in : 0;
		log_debug(LOG_SUB_API, "new access token, expires in %ld s", tok.expires_in);
	}
	http_response_release(&resp);
out:
	buf_release(&form);
	if (basic.data)
		memset(basic.data, 0, basic.len);
	buf_release(&basic);
	free_secret(auth);
	return rc;
}

/* Get a fresh token.  Called with token_lock held. */
static int token_renew(struct sc_api *api, char *err, size_t err_size)
{
	char *refresh = api->refresh_token ? strdup(api->refresh_token) : NULL;
	int rc = -EACCES;

	if (refresh) {
		rc = token_request(api, refresh, err, err_size);
		free_secret(refresh);
		if (!rc)
			return 0;
		log_warn("%s", err);
	}
	if (!api->client_id) {
		if (!refresh)
			snprintf(err, err_size, "the access token was refused and there is no refresh token or client id to get another");
		return rc;
	}
	return token_request(api, NULL, err, err_size);
}

int sc_api_authenticate(struct sc_api *api, char *err, size_t err_size)
{
	int rc = 0;

	pthread_mutex_lock(&api->token_lock);
	if (!api->access_token) {
		if (!api->client_id && !api->refresh_token) {
			snprintf(err, err_size, "no SoundCloud credentials: set SOUNDCLOUD_CLIENT_ID and SOUNDCLOUD_CLIENT_SECRET, or SOUNDCLOUD_ACCESS_TOKEN");
			rc = -ENOKEY;
		} else {
			rc = token_renew(api, err, err_size);
		}
	}
	pthread_mutex_unlock(&api->token_lock);
	return rc;
}

/* "Authorization: OAuth <token>" into out; renews a token near expiry or
 * equal to stale (the one a 401 refused). */
static int auth_header(struct sc_api *api, const char *stale, struct buf *out)
{
	char err[512];
	int rc = 0;

	pthread_mutex_lock(&api->token_lock);
	if (!api->access_token ||
	    (stale && !strcmp(stale, api->access_token)) ||
	    (api->expires_at && time(NULL) + SC_TOKEN_MARGIN_S >= api->expires_at)) {
		rc = token_renew(api, err, sizeof(err));
		if (rc)
			log_err("%s", err);
	}
	buf_reset(out);
	if (!rc)
		rc = buf_appendf(out, "Authorization: OAuth %s", api->access_token);
	pthread_mutex_unlock(&api->token_lock);
	return rc;
}

static unsigned backoff(struct sc_api *api, unsigned attempt)
{
	unsigned ms;

	pthread_mutex_lock(&api->token_lock);
	ms = http_backoff_ms(attempt, SC_BACKOFF_BASE_MS, SC_BACKOFF_CAP_MS, &api->seed);
	pthread_mutex_unlock(&api->token_lock);
	return ms;
}

/* How long to wait before the next attempt after a 429. */
static unsigned rate_limit_wait_ms(struct sc_api *api,
				   const struct http_response *resp,
				   unsigned attempt)
{
	long s = resp->retry_after_s;

	if (s < 0)
		s = sc_json_rate_limit_wait(resp->body.data, resp->body.len, time(NULL));
	if (s < 0)
		return backoff(api, attempt);
	if (s * 1000 > SC_BACKOFF_CAP_MS)
		return SC_BACKOFF_CAP_MS;
	return (unsigned)s * 1000 + backoff(api, 0) / 4;
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
	size_t n = origin_len(api->api_url);
	char where[512];

	if (path_or_url[0] == '/')
		return buf_appendf(url, "%s%s", api->api_url, path_or_url);
	if (origin_len(path_or_url) != n || strncasecmp(path_or_url, api->api_url, n)) {
		log_err("refusing to follow '%s': not on the API host",
			log_url(path_or_url, where, sizeof(where)));
		return -EPERM;
	}
	return buf_appends(url, path_or_url);
}

static int should_retry(struct sc_api *api, const char *where, int rc,
			const struct http_response *resp, unsigned attempt,
			unsigned *wait_ms)
{
	if (!http_is_retryable(rc, rc ? 0 : resp->status) ||
	    attempt + 1 >= SC_MAX_ATTEMPTS)
		return 0;
	*wait_ms = !rc && resp->status == 429 ?
		   rate_limit_wait_ms(api, resp, attempt) : backoff(api, attempt);
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
	char where[512], *stale = NULL;
	struct http_request req;
	struct buf auth;
	unsigned attempt, wait_ms;
	int rc = 0, refreshed = 0;

	buf_init(&auth, 8192);
	log_url(url, where, sizeof(where));
	for (attempt = 0; !rc; attempt++) {
		rc = auth_header(api, stale, &auth);
		if (rc)
			break;
		headers[0] = auth.data;
		http_request_init(&req, "GET", url);
		req.headers = headers;
		rc = http_perform(api->http, &req, resp);
		if (!rc && resp->status == 401 && !refreshed) {
			/* Expired or revoked: renew once, then try again. */
			refreshed = 1;
			free_secret(stale);
			stale = strdup(auth.data + strlen("Authorization: OAuth "));
			http_response_release(resp);
			continue;
		}
		if (!should_retry(api, where, rc, resp, attempt, &wait_ms))
			break;
		if (!rc)
			http_response_release(resp);
		rc = http_sleep_ms(api->http, wait_ms, 0);
	}
	free_secret(stale);
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
	if (rc && rc != -EPERM && url.data)
		log_err("cannot fetch '%s': %s",
			log_url(url.data, where, sizeof(where)), strerror(-rc));
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

int sc_api_resolve_user(struct sc_api *api, const char *permalink,
			struct sc_user *out)
{
	struct buf path, body;
	char *location = NULL;
	int rc;

	buf_init(&path, SC_URL_MAX);
	buf_init(&body, HTTP_MAX_BODY_DEFAULT);
	rc = buf_appends(&path, "/resolve?url=");
	if (!rc)
		rc = sigv4_uri_encode("https://soundcloud.com/", 23, 0, &path);
	if (!rc)
		rc = sigv4_uri_encode(permalink, strlen(permalink), 0, &path);
	if (!rc)
		rc = api_redirect(api, path.data, &location);
	if (!rc)
		rc = sc_api_get_json(api, location, &body);
	if (!rc) {
		rc = sc_json_user(body.data, body.len, out);
		if (rc == -EBADMSG)
			log_err("cannot read the user object of '%s': malformed JSON", permalink);
	}
	free(location);
	buf_release(&path);
	buf_release(&body);
	return rc;
}

struct page_guard {
	char **seen;		/* every next_href followed so far */
	size_t n_seen;
	unsigned empty_run;
};

/* Whether following href would loop; records it otherwise. */
static int guard_seen(struct page_guard *g, const char *href)
{
	char **grown;
	size_t i;

	for (i = 0; i < g->n_seen; i++)
		if (!strcmp(g->seen[i], href))
			return 1;
	grown = realloc(g->seen, (g->n_seen + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	g->seen = grown;
	g->seen[g->n_seen] = strdup(href);
	if (!g->seen[g->n_seen])
		return -ENOMEM;
	g->n_seen++;
	return 0;
}

static void guard_release(struct page_guard *g)
{
	while (g->n_seen)
		free(g->seen[--g->n_seen]);
	free(g->seen);
}

static int deliver_page(struct sc_page *page,
			int (*fn)(void *arg, struct sc_track *track), void *arg)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < page->n; i++)
		rc = fn(arg, &page->tracks[i]);
	return rc;
}

static int first_page_path(const char *path, struct buf *out)
{
	return buf_appendf(out, "%s%climit=200&linked_partitioning=true", path,
			   strchr(path, '?') ? '&' : '?');
}

int sc_api_list_tracks(struct sc_api *api, const char *path,
		       int (*fn)(void *arg, struct sc_track *track), void *arg)
{
	struct page_guard guard = { 0 };
	struct sc_page page = { 0 };
	struct buf body, next;
	unsigned pages;
	int rc, seen;

	buf_init(&body, HTTP_MAX_BODY_DEFAULT);
	buf_init(&next, SC_URL_MAX);
	rc = first_page_path(path, &next);
	for (pages = 0; !rc && next.len; pages++) {
		if (pages >= SC_MAX_PAGES) {
			log_err("listing '%s' has more than %d pages; stopping", path, SC_MAX_PAGES);
			break;
		}
		rc = sc_api_get_json(api, next.data, &body);
		if (!rc && (rc = sc_json_tracks_page(body.data, body.len, &page)) == -EBADMSG)
			log_err("cannot read a page of '%s': malformed JSON", path);
		if (rc)
			break;
		guard.empty_run = page.n ? 0 : guard.empty_run + 1;
		rc = deliver_page(&page, fn, arg);
		buf_reset(&next);
		if (!rc && page.next_href && guard.empty_run < SC_MAX_EMPTY_PAGES) {
			seen = guard_seen(&guard, page.next_href);
			if (seen > 0)
				log_warn("listing '%s' repeats a page; stopping there", path);
			else if (seen < 0)
				rc = seen;
			else
				rc = buf_appends(&next, page.next_href);
		} else if (!rc && page.next_href) {
			log_warn("listing '%s' gave %d empty pages in a row; stopping", path,
				 SC_MAX_EMPTY_PAGES);
		}
		sc_page_release(&page);
	}
	guard_release(&guard);
	buf_release(&body);
	buf_release(&next);
	return rc;
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
	memset(p, 0, sizeof(*p));
}
