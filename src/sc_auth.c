// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sc_auth: the OAuth token's life.  token.c decides (use, refresh, grant,
 * fail); this file acts: it asks the token endpoint, keeps the token under
 * token_lock so exactly one thread renews it, and persists every new token
 * in the cache directory so the next mount starts with it.  Processes that
 * share the directory serialise renewals with a lock file and adopt a
 * token another one stored, because a refresh token works once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hash.h"
#include "http.h"
#include "log.h"
#include "sc_api.h"
#include "sc_api_i.h"
#include "sigv4.h"
#include "statefile.h"
#include "token.h"

/* A gateway hiccup at the token endpoint is retried a little; anything
 * else fails at once so a mount with bad credentials says so quickly. */
#define SC_AUTH_ATTEMPTS 3
#define SC_AUTH_BACKOFF_MS 500
/* A few actions at most: refresh, then grant, then use. */
#define SC_AUTH_MAX_STEPS 4

void sc_auth_free_secret(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

static char *dup_or_null(const char *s, int *oom)
{
	char *d = s && *s ? strdup(s) : NULL;

	if (s && *s && !d)
		*oom = 1;
	return d;
}

int sc_auth_init(struct sc_api *api, const struct sc_api_conf *conf)
{
	struct token stored = { 0 };
	int oom = 0;

	api->client_id = dup_or_null(conf->client_id, &oom);
	api->client_secret = dup_or_null(conf->client_secret, &oom);
	api->tok.access = dup_or_null(conf->access_token, &oom);
	api->tok.refresh = dup_or_null(conf->refresh_token, &oom);
	api->user_token = api->tok.access || api->tok.refresh;
	api->cache_dir = dup_or_null(conf->cache_dir, &oom);
	if (oom)
		return -ENOMEM;
	if (!api->cache_dir)
		return 0;
	if (token_file_name(api->auth_url, api->client_id, api->client_secret,
			    conf->access_token, conf->refresh_token,
			    api->token_file))
		return -ENOMEM;
	/* What the last mount stored is newer than the environment's token
	 * (whose refresh token that mount may have spent). */
	if (!token_load(api->cache_dir, api->token_file, &stored)) {
		token_release(&api->tok);
		api->tok = stored;
	}
	return 0;
}

static int form_append(struct buf *b, const char *name, const char *value)
{
	int rc = buf_appendf(b, "%s%s=", b->len ? "&" : "", name);

	return rc ? rc : sigv4_uri_encode(value, strlen(value), 0, b);
}

/* "Authorization: Basic base64(id:secret)" (caller frees), or NULL. */
static int basic_header(const struct sc_api *api, char **out)
{
	struct buf plain;
	int rc;

	*out = NULL;
	if (!api->client_id)
		return 0;
	buf_init(&plain, 4096);
	rc = buf_appendf(&plain, "%s:%s", api->client_id,
			 api->client_secret ? api->client_secret : "");
	if (!rc && !(*out = malloc(plain.len * 2 + 32)))
		rc = -ENOMEM;
	if (!rc) {
		strcpy(*out, "Authorization: Basic ");
		hash_base64((const unsigned char *)plain.data, plain.len,
			    *out + strlen(*out));
	}
	if (plain.data)
		memset(plain.data, 0, plain.len);
	buf_release(&plain);
	return rc;
}

/* POST the form to the token endpoint, retrying a 5xx a little. */
static int post_token(struct sc_api *api, const struct buf *form,
		      const char *basic, struct http_response *resp)
{
	const char *headers[4] = {
		"Content-Type: application/x-www-form-urlencoded",
		"Accept: application/json; charset=utf-8", basic, NULL,
	};
	struct http_request req;
	unsigned attempt;
	int rc;

	for (attempt = 0;; attempt++) {
		http_request_init(&req, "POST", api->auth_url);
		req.headers = headers;
		req.body = form->data;
		req.body_len = form->len;
		req.max_body = 64 << 10;
		rc = http_perform(api->http, &req, resp);
		if (rc)
			http_response_release(resp);	/* headers may have come */
		if (rc || resp->status < 500 || attempt + 1 >= SC_AUTH_ATTEMPTS)
			return rc;
		http_response_release(resp);
		rc = http_sleep_ms(api->http, http_backoff_ms(attempt,
				   SC_AUTH_BACKOFF_MS, 4 * SC_AUTH_BACKOFF_MS,
				   &api->seed), 0);
		if (rc)
			return rc;
	}
}

/* Take a token endpoint answer into api->tok.  Called with token_lock. */
static int take_answer(struct sc_api *api, const struct http_response *resp,
		       int refresh, char *err, size_t err_size)
{
	char msg[256], where[512];
	struct sc_token tok;
	time_t now = time(NULL);

	log_url(api->auth_url, where, sizeof(where));
	if (resp->status != 200 ||
	    sc_json_token(resp->body.data, resp->body.len, &tok)) {
		sc_json_error_message(resp->body.data, resp->body.len, msg, sizeof(msg));
		snprintf(err, err_size, "token endpoint '%s' refused the %s: HTTP %ld%s%s",
			 where, refresh ? "refresh token" : "client credentials",
			 resp->status, msg[0] ? ": " : "", msg);
		return resp->status == 400 || resp->status == 401 ||
		       resp->status == 403 ? -EACCES : -EIO;
	}
	sc_auth_free_secret(api->tok.access);
	api->tok.access = tok.access_token;
	if (tok.refresh_token) {
		sc_auth_free_secret(api->tok.refresh);
		api->tok.refresh = tok.refresh_token;
	} else if (refresh) {
		/* The one we sent is spent whatever the answer says. */
		sc_auth_free_secret(api->tok.refresh);
		api->tok.refresh = NULL;
	}
	api->tok.obtained_at = now;
	api->tok.expires_at = tok.expires_in > 0 ? now + tok.expires_in : 0;
	log_debug(LOG_SUB_API, "new access token, expires in %ld s", tok.expires_in);
	return 0;
}

/* Ask the token endpoint for a refresh or a grant.  Called with
 * token_lock held. */
static int token_request(struct sc_api *api, int refresh, char *err,
			 size_t err_size)
{
	struct http_response resp;
	char *basic = NULL, where[512];
	struct buf form;
	int rc;

	buf_init(&form, 16384);
	rc = form_append(&form, "grant_type", refresh ? "refresh_token" : "client_credentials");
	if (!rc && refresh)
		rc = form_append(&form, "refresh_token", api->tok.refresh);
	if (!rc)
		rc = basic_header(api, &basic);
	if (!rc)
		rc = post_token(api, &form, basic, &resp);
	if (rc) {
		snprintf(err, err_size, "cannot reach the token endpoint '%s': %s",
			 log_url(api->auth_url, where, sizeof(where)), strerror(-rc));
	} else {
		rc = take_answer(api, &resp, refresh, err, err_size);
		http_response_release(&resp);
	}
	if (form.data)
		memset(form.data, 0, form.len);
	buf_release(&form);
	sc_auth_free_secret(basic);
	return rc;
}

/* Store the token for the next mount; a failure costs a grant later, so
 * it is worth one warning.  Called with token_lock held. */
static void persist(struct sc_api *api)
{
	int rc;

	if (!api->cache_dir)
		return;
	rc = token_save(api->cache_dir, api->token_file, &api->tok);
	if (rc && !api->save_failed)
		log_warn("cannot store the token in '%s': %s", api->cache_dir,
			 strerror(-rc));
	api->save_failed = rc != 0;
}

/* Another process sharing the cache directory may have renewed the token
 * (and spent the refresh token we hold): its file is then newer than our
 * memory.  Called with token_lock and the file lock held. */
static void adopt_stored(struct sc_api *api)
{
	struct token disk = { 0 };

	if (!api->cache_dir ||
	    token_load(api->cache_dir, api->token_file, &disk))
		return;
	if (!api->tok.access || strcmp(disk.access, api->tok.access)) {
		token_release(&api->tok);
		api->tok = disk;
		log_debug(LOG_SUB_API, "took the token another mount stored");
		return;
	}
	token_release(&disk);
}

/* One step of the state machine; 1 when the token is usable. */
static int step(struct sc_api *api, const char *refused, char *err,
		size_t err_size, int *rc)
{
	enum token_action act = token_next_action(&api->tok, refused,
						  api->client_id != NULL, time(NULL));

	switch (act) {
	case TOKEN_USE:
		*rc = 0;
		return 1;
	case TOKEN_FAIL:
		snprintf(err, err_size, "the access token was refused and there is no refresh token or client id to get another");
		*rc = -EACCES;
		return 1;
	default:
		*rc = token_request(api, act == TOKEN_REFRESH, err, err_size);
		if (!*rc) {
			persist(api);
			return 1;	/* a new token is used as it is */
		}
		if (act == TOKEN_REFRESH && *rc == -EACCES) {
			/* Spent or revoked: try what is left. */
			log_warn("%s", err);
			sc_auth_free_secret(api->tok.refresh);
			api->tok.refresh = NULL;
			persist(api);
			return 0;
		}
		return 1;
	}
}

/* Make the token usable.  Called with token_lock held. */
static int renew(struct sc_api *api, const char *refused, char *err,
		 size_t err_size)
{
	char lock_name[TOKEN_FILE_NAME_LEN + 8];
	int fd = -1, rc = -EACCES, steps;

	if (api->cache_dir) {
		snprintf(lock_name, sizeof(lock_name), "%s.lock", api->token_file);
		fd = statefile_lock(api->cache_dir, lock_name);
		if (fd >= 0)
			adopt_stored(api);
	}
	for (steps = 0; steps < SC_AUTH_MAX_STEPS; steps++)
		if (step(api, refused, err, err_size, &rc))
			break;
	statefile_unlock(fd);
	return rc;
}

static int needs_renewal(const struct sc_api *api, const char *refused)
{
	return token_next_action(&api->tok, refused, api->client_id != NULL,
				 time(NULL)) != TOKEN_USE;
}

int sc_api_authenticate(struct sc_api *api, char *err, size_t err_size)
{
	int rc = 0;

	pthread_mutex_lock(&api->token_lock);
	if (!api->tok.access && !api->tok.refresh && !api->client_id) {
		snprintf(err, err_size, "no SoundCloud credentials: set SOUNDCLOUD_CLIENT_ID and SOUNDCLOUD_CLIENT_SECRET, or SOUNDCLOUD_ACCESS_TOKEN");
		rc = -ENOKEY;
	} else if (needs_renewal(api, NULL)) {
		rc = renew(api, NULL, err, err_size);
	}
	pthread_mutex_unlock(&api->token_lock);
	return rc;
}

int sc_auth_header(struct sc_api *api, const char *refused, struct buf *out)
{
	char err[512];
	int rc = 0;

	pthread_mutex_lock(&api->token_lock);
	if (needs_renewal(api, refused)) {
		rc = renew(api, refused, err, sizeof(err));
		if (rc)
			log_err("%s", err);
	}
	buf_reset(out);
	if (!rc)
		rc = buf_appendf(out, "Authorization: OAuth %s", api->tok.access);
	pthread_mutex_unlock(&api->token_lock);
	return rc;
}
