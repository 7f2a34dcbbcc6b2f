// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * token: the token state machine's decisions and the token file format:
 *
 *     scfs-token 1
 *     access_token <printable ASCII>
 *     refresh_token <printable ASCII>        (optional)
 *     expires_at <seconds since the epoch>    (optional; 0: unknown)
 *     obtained_at <seconds since the epoch>   (optional; 0: unknown)
 *
 * Unknown keys are ignored so that a newer scfs may add some.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "statefile.h"
#include "token.h"

#define TOKEN_MAGIC "scfs-token 1"

static int is_refused(const struct token *t, const char *refused)
{
	return refused && t->access && !strcmp(refused, t->access);
}

int token_fresh(const struct token *t, time_t now)
{
	time_t margin = TOKEN_MARGIN_S;

	if (!t->access)
		return 0;
	if (!t->expires_at)
		return 1;
	if (t->obtained_at && t->obtained_at < t->expires_at &&
	    (t->expires_at - t->obtained_at) / 2 < margin)
		margin = (t->expires_at - t->obtained_at) / 2;
	return now + margin < t->expires_at;
}

enum token_action token_next_action(const struct token *t, const char *refused,
				    int can_grant, time_t now)
{
	int usable = t->access && !is_refused(t, refused);

	if (usable && token_fresh(t, now))
		return TOKEN_USE;
	if (t->refresh)
		return TOKEN_REFRESH;
	if (can_grant)
		return TOKEN_GRANT;
	return usable ? TOKEN_USE : TOKEN_FAIL;
}

/* Tokens go on one line after one space: printable ASCII, no space. */
static int value_ok(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e)
			return 0;
	return 1;
}

int token_format(const struct token *t, char **out, size_t *len)
{
	int n;

	if (!value_ok(t->access) || (t->refresh && !value_ok(t->refresh)) ||
	    t->expires_at < 0 || t->obtained_at < 0)
		return -EINVAL;
	n = asprintf(out, TOKEN_MAGIC "\naccess_token %s\n%s%s%s"
		     "expires_at %lld\nobtained_at %lld\n",
		     t->access, t->refresh ? "refresh_token " : "",
		     t->refresh ? t->refresh : "", t->refresh ? "\n" : "",
		     (long long)t->expires_at, (long long)t->obtained_at);
	if (n < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	*len = (size_t)n;
	return 0;
}

/* One "key value" line of the file into t. */
static int parse_line(const char *line, size_t n, struct token *t)
{
	const char *sp = memchr(line, ' ', n);
	char **field = NULL, *value, *end;
	size_t klen = sp ? (size_t)(sp - line) : 0;
	time_t *when;
	int rc = 0;

	if (!sp)
		return -EBADMSG;
	value = strndup(sp + 1, n - klen - 1);
	if (!value)
		return -ENOMEM;
	if (klen == 12 && !memcmp(line, "access_token", 12))
		field = &t->access;
	else if (klen == 13 && !memcmp(line, "refresh_token", 13))
		field = &t->refresh;
	if (!value_ok(value)) {
		rc = -EBADMSG;
	} else if ((klen == 10 && !memcmp(line, "expires_at", 10)) ||
		   (klen == 11 && !memcmp(line, "obtained_at", 11))) {
		when = klen == 10 ? &t->expires_at : &t->obtained_at;
		*when = (time_t)strtoll(value, &end, 10);
		if (*end || *value == '-' || *value == '+')
			rc = -EBADMSG;
	} else if (field && *field) {
		rc = -EBADMSG;	/* given twice */
	} else if (field) {
		*field = value;
		value = NULL;
	}
	free(value);	/* unknown keys are skipped */
	return rc;
}

int token_parse(const char *text, size_t len, struct token *out)
{
	struct token t = { 0 };
	const char *p = text, *end = text + len, *nl;
	size_t magic = strlen(TOKEN_MAGIC);
	int rc = 0;

	if (len < magic + 1 || memcmp(text, TOKEN_MAGIC "\n", magic + 1))
		return -EBADMSG;
	for (p += magic + 1; !rc && p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			rc = -EBADMSG;	/* a torn last line */
		else if (memchr(p, '\0', (size_t)(nl - p)))
			rc = -EBADMSG;
		else
			rc = parse_line(p, (size_t)(nl - p), &t);
	}
	if (!rc && !t.access)
		rc = -EBADMSG;
	if (rc)
		token_release(&t);
	else
		*out = t;
	return rc;
}

static char *dup_secret(const char *s, int *oom)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*oom = 1;
	return d;
}

int token_copy(const struct token *src, struct token *dst)
{
	int oom = 0;

	dst->access = dup_secret(src->access, &oom);
	dst->refresh = dup_secret(src->refresh, &oom);
	dst->expires_at = src->expires_at;
	dst->obtained_at = src->obtained_at;
	if (oom) {
		token_release(dst);
		return -ENOMEM;
	}
	return 0;
}

static void wipe(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

void token_release(struct token *t)
{
	wipe(t->access);
	wipe(t->refresh);
	memset(t, 0, sizeof(*t));
}

int token_file_name(const char *auth_url, const char *client_id,
		    const char *client_secret, const char *user_access,
		    const char *user_refresh, char out[TOKEN_FILE_NAME_LEN])
{
	const char *parts[] = { auth_url, client_id, client_secret,
				user_access, user_refresh };
	unsigned char md[HASH_SHA256_LEN];
	char *all, hex[65];
	size_t len = 0, i, n;

	for (i = 0; i < 5; i++)
		len += (parts[i] ? strlen(parts[i]) : 0) + 1;
	all = malloc(len);
	if (!all)
		return -ENOMEM;
	/* A separator no token or URL contains keeps ("ab", "c") and
	 * ("a", "bc") apart. */
	for (len = 0, i = 0; i < 5; i++) {
		n = parts[i] ? strlen(parts[i]) : 0;
		memcpy(all + len, parts[i] ? parts[i] : "", n);
		len += n;
		all[len++] = '\n';
	}
	hash_sha256(all, len, md);
	memset(all, 0, len);
	free(all);
	hash_hex(md, 16, hex);
	snprintf(out, TOKEN_FILE_NAME_LEN, "token-%.32s", hex);
	return 0;
}

int token_load(const char *dir, const char *file, struct token *out)
{
	char *text = NULL;
	size_t len = 0;
	int rc = statefile_read(dir, file, TOKEN_FILE_MAX, &text, &len);

	if (rc)
		return rc;
	rc = token_parse(text, len, out);
	memset(text, 0, len);
	free(text);
	return rc;
}

int token_save(const char *dir, const char *file, const struct token *t)
{
	char *text = NULL;
	size_t len = 0;
	int rc = token_format(t, &text, &len);

	if (rc)
		return rc;
	rc = statefile_write(dir, file, text, len);
	memset(text, 0, len);
	free(text);
	return rc;
}
