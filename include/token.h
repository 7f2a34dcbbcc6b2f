/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * token: the OAuth token's state machine and its file.  The decision of
 * what to do next (use, refresh, grant, give up) and the file format are
 * pure functions, so they are unit-tested without a server; load and save
 * go through statefile (atomic, 0600).  The token file lives in the cache
 * directory under a name derived from the credentials, so two apps or two
 * users never share one, and a mount reuses the token of the previous
 * mount instead of asking for a new grant (SoundCloud allows 50
 * client-credentials grants per app per 12 h).
 *
 * Never log a token: nothing here does.
 */
#ifndef SCFS_TOKEN_H
#define SCFS_TOKEN_H

#include <stddef.h>
#include <time.h>

/* Renew this long before the stated expiry, so a token never dies between
 * the check and the request it authorises; at most half the token's
 * lifetime, so a short-lived token is still used for a while. */
#define TOKEN_MARGIN_S 60
/* A token file is a few hundred bytes; anything larger is not ours. */
#define TOKEN_FILE_MAX 16384
/* "token-" + 32 hex digits + NUL. */
#define TOKEN_FILE_NAME_LEN 40

struct token {
	char *access;		/* owned; NULL: none */
	char *refresh;		/* owned; NULL: none (refresh tokens are
				 * single-use: each refresh replaces it) */
	time_t expires_at;	/* 0: unknown (a token from the environment) */
	time_t obtained_at;	/* when it was issued; 0: unknown */
};

enum token_action {
	TOKEN_USE,		/* send the access token */
	TOKEN_REFRESH,		/* exchange the refresh token for a new pair */
	TOKEN_GRANT,		/* ask for a new client-credentials grant */
	TOKEN_FAIL,		/* nothing left to try */
};

/* What to do before the next request.  refused is the access token a 401
 * refused (NULL: none); can_grant says client credentials are known.
 * A token is used while it is valid beyond TOKEN_MARGIN_S (or of unknown
 * expiry); then refreshed; then replaced by a grant; an expired token
 * that cannot be renewed is still tried, since clocks differ. */
enum token_action token_next_action(const struct token *t, const char *refused,
				    int can_grant, time_t now);

/* Whether t is usable at now without renewing it. */
int token_fresh(const struct token *t, time_t now);

/* The file's text for t into *out (caller frees with free()).  0,
 * -EINVAL for a token that is missing or holds characters the format
 * cannot carry (anything but printable ASCII), or -ENOMEM. */
int token_format(const struct token *t, char **out, size_t *len);

/* The token in a file's text.  0, -EBADMSG for anything malformed (out
 * then holds nothing), or -ENOMEM. */
int token_parse(const char *text, size_t len, struct token *out);

/* A deep copy.  0 or -ENOMEM (dst then holds nothing). */
int token_copy(const struct token *src, struct token *dst);

/* Wipe and free; t is empty and reusable. */
void token_release(struct token *t);

/* The file name for a set of credentials: "token-" and 32 hex digits of
 * SHA-256 over every argument (NULL counts as empty), so a different app,
 * secret, user token or token endpoint never finds another's token.
 * 0 or -ENOMEM. */
int token_file_name(const char *auth_url, const char *client_id,
		    const char *client_secret, const char *user_access,
		    const char *user_refresh, char out[TOKEN_FILE_NAME_LEN]);

/* dir/file into out: 0, -ENOENT, -EBADMSG, or another -errno. */
int token_load(const char *dir, const char *file, struct token *out);
/* Replace dir/file with t, atomically, mode 0600. */
int token_save(const char *dir, const char *file, const struct token *t);

#endif
