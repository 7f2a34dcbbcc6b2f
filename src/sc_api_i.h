/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sc_api_i.h: what sc_api.c (requests) and sc_auth.c (the OAuth token's
 * life) share inside the sc_api module.  Not a public header.
 */
#ifndef SCFS_SC_API_I_H
#define SCFS_SC_API_I_H

#include <pthread.h>

#include "buf.h"
#include "rate_pause.h"
#include "token.h"

struct http_client;
struct sc_api_conf;

struct sc_api {
	char *api_url;		/* no trailing slash */
	char *auth_url;
	char *client_id;	/* NULL: no client credentials */
	char *client_secret;
	int user_token;		/* the credentials include a user's token */
	char *cache_dir;	/* NULL: tokens are kept in memory only */
	char token_file[TOKEN_FILE_NAME_LEN];
	struct http_client *http;
	pthread_mutex_t token_lock;
	struct token tok;	/* protected by token_lock */
	int save_failed;	/* protected by token_lock: warned once */
	unsigned seed;		/* protected by token_lock */
	char pause_file[RATE_PAUSE_FILE_NAME_LEN];	/* in cache_dir */
	pthread_mutex_t pause_lock;
	struct rate_pause pause;	/* protected by pause_lock: the latest
					 * this process knows of */
	int64_t told_until;		/* protected by pause_lock: on_wait
					 * was called for this pause */
	void (*on_wait)(void *arg, int64_t wait_ms, int64_t until_ms,
			const char *why);
	void *on_wait_arg;
};

/* Set up the token from the cache directory or conf's user token.  Called
 * once from sc_api_new, before any other thread sees api.  0 or -ENOMEM. */
int sc_auth_init(struct sc_api *api, const struct sc_api_conf *conf);

/* "Authorization: OAuth <token>" into out, renewing the token first when
 * the state machine says so; refused is the access token a 401 refused
 * (NULL: none).  0 or a negative errno after one log line.  Any thread;
 * only one renews at a time (refresh tokens are single-use). */
int sc_auth_header(struct sc_api *api, const char *refused, struct buf *out);

/* Wipe and free a secret string. */
void sc_auth_free_secret(char *s);

#endif
