// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The token state machine (what to do next), the token file format, the
 * file name's independence per credential set, and the atomic 0600 store
 * under the cache directory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "statefile.h"
#include "token.h"

#define NOW 1700000000

static struct token tok(const char *access, const char *refresh,
			time_t expires_at, time_t obtained_at)
{
	struct token t = { (char *)access, (char *)refresh, expires_at, obtained_at };

	return t;
}

static void test_token_use_while_fresh(void)
{
	struct token t = tok("a", "r", NOW + 3600, NOW);

	CHECK_INT_EQ(token_next_action(&t, NULL, 1, NOW), TOKEN_USE);
	/* just outside the margin: still used */
	CHECK_INT_EQ(token_next_action(&t, NULL, 1, NOW + 3600 - TOKEN_MARGIN_S - 1),
		     TOKEN_USE);
	/* a token of unknown expiry (from the environment) is used */
	t = tok("a", NULL, 0, 0);
	CHECK_INT_EQ(token_next_action(&t, NULL, 0, NOW), TOKEN_USE);
	CHECK(token_fresh(&t, NOW));
}

static void test_token_refresh_before_expiry(void)
{
	struct token t = tok("a", "r", NOW + 3600, NOW);

	/* inside the margin: refreshed before it dies, not after */
	CHECK_INT_EQ(token_next_action(&t, NULL, 1, NOW + 3600 - TOKEN_MARGIN_S),
		     TOKEN_REFRESH);
	CHECK_INT_EQ(token_next_action(&t, NULL, 0, NOW + 3599), TOKEN_REFRESH);
	CHECK_INT_EQ(token_next_action(&t, NULL, 1, NOW + 7200), TOKEN_REFRESH);
	CHECK(!token_fresh(&t, NOW + 3600 - TOKEN_MARGIN_S));
}

static void test_token_short_lifetime_margin(void)
{
	/* A 10 s token: the margin is half its life, so it is used for 5 s
	 * instead of being refreshed before every request. */
	struct token t = tok("a", "r", NOW + 10, NOW);

	CHECK_INT_EQ(token_next_action(&t, NULL, 1, NOW), TOKEN_USE);
	CHECK_INT_EQ(token_next_action(&t, NULL, 1, NOW + 4), TOKEN_USE);
	CHECK_INT_EQ(token_next_action(&t, NULL, 1, NOW + 5), TOKEN_REFRESH);
	/* without obtained_at the full margin applies */
	t.obtained_at = 0;
	CHECK_INT_EQ(token_next_action(&t, NULL, 1, NOW), TOKEN_REFRESH);
}

static void test_token_refused_by_401(void)
{
	struct token t = tok("a", "r", NOW + 3600, NOW);

	/* a 401 on a token we think fresh: renew */
	CHECK_INT_EQ(token_next_action(&t, "a", 1, NOW), TOKEN_REFRESH);
	/* another thread already renewed it: the new one is used */
	CHECK_INT_EQ(token_next_action(&t, "old", 1, NOW), TOKEN_USE);
	t.refresh = NULL;
	CHECK_INT_EQ(token_next_action(&t, "a", 1, NOW), TOKEN_GRANT);
	CHECK_INT_EQ(token_next_action(&t, "a", 0, NOW), TOKEN_FAIL);
}

static void test_token_without_token(void)
{
	struct token t = tok(NULL, NULL, 0, 0);

	CHECK_INT_EQ(token_next_action(&t, NULL, 1, NOW), TOKEN_GRANT);
	CHECK_INT_EQ(token_next_action(&t, NULL, 0, NOW), TOKEN_FAIL);
	t.refresh = (char *)"r";
	CHECK_INT_EQ(token_next_action(&t, NULL, 0, NOW), TOKEN_REFRESH);
	CHECK(!token_fresh(&t, NOW));
}

static void test_token_expired_cannot_renew(void)
{
	/* Expired by our clock, nothing to renew it with: try it anyway
	 * (clocks differ); the server's 401 then ends it. */
	struct token t = tok("a", NULL, NOW - 10, NOW - 3610);

	CHECK_INT_EQ(token_next_action(&t, NULL, 0, NOW), TOKEN_USE);
	CHECK_INT_EQ(token_next_action(&t, "a", 0, NOW), TOKEN_FAIL);
	/* with client credentials, a grant replaces it */
	CHECK_INT_EQ(token_next_action(&t, NULL, 1, NOW), TOKEN_GRANT);
}

static void test_token_format_parse_roundtrip(void)
{
	struct token t = tok("2-abc.DEF", "r-xyz_1", NOW + 3599, NOW), back = { 0 };
	char *text = NULL;
	size_t len = 0;

	CHECK_INT_EQ(token_format(&t, &text, &len), 0);
	CHECK_STR_EQ(text, "scfs-token 1\naccess_token 2-abc.DEF\nrefresh_token r-xyz_1\n"
		     "expires_at 1700003599\nobtained_at 1700000000\n");
	CHECK_INT_EQ(len, strlen(text ? text : ""));
	CHECK_INT_EQ(token_parse(text, len, &back), 0);
	CHECK_STR_EQ(back.access, "2-abc.DEF");
	CHECK_STR_EQ(back.refresh, "r-xyz_1");
	CHECK_INT_EQ(back.expires_at, NOW + 3599);
	CHECK_INT_EQ(back.obtained_at, NOW);
	token_release(&back);
	CHECK(back.access == NULL && back.refresh == NULL && back.expires_at == 0);
	free(text);

	/* no refresh token, unknown expiry */
	t = tok("only", NULL, 0, 0);
	CHECK_INT_EQ(token_format(&t, &text, &len), 0);
	CHECK_INT_EQ(token_parse(text, len, &back), 0);
	CHECK_STR_EQ(back.access, "only");
	CHECK(back.refresh == NULL);
	CHECK_INT_EQ(back.expires_at, 0);
	token_release(&back);
	free(text);
}

static void test_token_format_refuses(void)
{
	struct token t;
	char *text = (char *)"untouched";
	size_t len = 7;

	t = tok(NULL, NULL, 0, 0);
	CHECK_INT_EQ(token_format(&t, &text, &len), -EINVAL);
	t = tok("", NULL, 0, 0);
	CHECK_INT_EQ(token_format(&t, &text, &len), -EINVAL);
	/* a newline would forge another key */
	t = tok("a\nrefresh_token evil", NULL, 0, 0);
	CHECK_INT_EQ(token_format(&t, &text, &len), -EINVAL);
	t = tok("a b", NULL, 0, 0);
	CHECK_INT_EQ(token_format(&t, &text, &len), -EINVAL);
	t = tok("a", "r\x01", 0, 0);
	CHECK_INT_EQ(token_format(&t, &text, &len), -EINVAL);
	t = tok("a", NULL, -1, 0);
	CHECK_INT_EQ(token_format(&t, &text, &len), -EINVAL);
	CHECK_STR_EQ(text, "untouched");
}

static void test_token_parse_malformed(void)
{
	static const char *const bad[] = {
		"",
		"scfs-token 1\n",				/* no access token */
		"scfs-token 2\naccess_token a\n",		/* another version */
		"scfs-token 1\naccess_token a",			/* torn last line */
		"scfs-token 1\naccess_token\n",			/* no value */
		"scfs-token 1\naccess_token \n",
		"scfs-token 1\naccess_token a b\n",
		"scfs-token 1\naccess_token a\naccess_token b\n",
		"scfs-token 1\naccess_token a\nexpires_at soon\n",
		"scfs-token 1\naccess_token a\nexpires_at -5\n",
		"scfs-token 1\naccess_token a\nexpires_at 12x\n",
		"scfs-token 1\naccess_token a\nrefresh_token r\nrefresh_token s\n",
		"scfs-token 1\nrefresh_token r\n",
		"junk\naccess_token a\n",
	};
	struct token t;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&t, 0, sizeof(t));
		CHECK_INT_EQ(token_parse(bad[i], strlen(bad[i]), &t), -EBADMSG);
		CHECK(t.access == NULL && t.refresh == NULL);
		if (t.access)
			fprintf(stderr, "  case %zu\n", i);
	}
	/* NUL inside a line */
	CHECK_INT_EQ(token_parse("scfs-token 1\naccess_token a\0b\n", 29, &t), -EBADMSG);
	/* unknown keys are skipped (a newer scfs may add some) */
	CHECK_INT_EQ(token_parse(
		"scfs-token 1\nscope x\naccess_token a\n", 36, &t), 0);
	CHECK_STR_EQ(t.access, "a");
	token_release(&t);
}

static void test_token_file_names(void)
{
	char a[TOKEN_FILE_NAME_LEN], b[TOKEN_FILE_NAME_LEN];

	CHECK_INT_EQ(token_file_name("https://auth", "id", "secret", NULL, NULL, a), 0);
	CHECK_INT_EQ(strlen(a), 6 + 32);
	CHECK(!strncmp(a, "token-", 6));
	CHECK_INT_EQ(strspn(a + 6, "0123456789abcdef"), 32);
	/* stable */
	token_file_name("https://auth", "id", "secret", NULL, NULL, b);
	CHECK_STR_EQ(a, b);
	/* another app, secret, endpoint or user token: another file */
	token_file_name("https://auth", "id2", "secret", NULL, NULL, b);
	CHECK(strcmp(a, b));
	token_file_name("https://auth", "id", "secret2", NULL, NULL, b);
	CHECK(strcmp(a, b));
	token_file_name("https://other", "id", "secret", NULL, NULL, b);
	CHECK(strcmp(a, b));
	token_file_name("https://auth", "id", "secret", "user-at", NULL, b);
	CHECK(strcmp(a, b));
	token_file_name("https://auth", "id", "secret", NULL, "user-rt", b);
	CHECK(strcmp(a, b));
	/* fields do not run into each other */
	token_file_name("https://auth", "ab", "c", NULL, NULL, a);
	token_file_name("https://auth", "a", "bc", NULL, NULL, b);
	CHECK(strcmp(a, b));
}

/* A private directory under TMPDIR (caller removes). */
static int tmp_dir(char *out, size_t size)
{
	const char *base = getenv("TMPDIR");

	snprintf(out, size, "%s/scfs-unit-XXXXXX", base && *base ? base : "/tmp");
	return mkdtemp(out) ? 0 : -1;
}

static void test_token_store_atomic_0600(void)
{
	struct token t = tok("at-1", "rt-1", NOW + 3599, NOW), back = { 0 };
	char dir[256], sub[300], path[400], cmd[600];
	struct stat st;

	CHECK_INT_EQ(tmp_dir(dir, sizeof(dir)), 0);
	snprintf(sub, sizeof(sub), "%s/a/b/scfs", dir);
	CHECK_INT_EQ(statefile_mkdirs(sub), 0);
	CHECK_INT_EQ(statefile_mkdirs(sub), 0);	/* exists: fine */
	CHECK(stat(sub, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
	CHECK_INT_EQ(token_load(sub, "token-x", &back), -ENOENT);
	CHECK_INT_EQ(token_save(sub, "token-x", &t), 0);
	snprintf(path, sizeof(path), "%s/token-x", sub);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK_INT_EQ(token_load(sub, "token-x", &back), 0);
	CHECK_STR_EQ(back.access, "at-1");
	CHECK_STR_EQ(back.refresh, "rt-1");
	token_release(&back);
	/* replaced as a whole; no temporary file left behind */
	t = tok("at-2", NULL, NOW + 7200, NOW + 3600);
	CHECK_INT_EQ(token_save(sub, "token-x", &t), 0);
	CHECK_INT_EQ(token_load(sub, "token-x", &back), 0);
	CHECK_STR_EQ(back.access, "at-2");
	CHECK(back.refresh == NULL);
	token_release(&back);
	snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) = 1", sub);
	CHECK(system(cmd) == 0);
	/* a damaged file is -EBADMSG, not a token */
	CHECK_INT_EQ(statefile_write(sub, "token-x", "scfs-token 1\nacc", 16), 0);
	CHECK_INT_EQ(token_load(sub, "token-x", &back), -EBADMSG);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

static void test_token_default_dir(void)
{
	char *d = NULL;
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CACHE_HOME");
	char *saved_home = home ? strdup(home) : NULL;
	char *saved_xdg = xdg ? strdup(xdg) : NULL;

	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	setenv("HOME", "/home/u", 1);
	CHECK_INT_EQ(statefile_default_dir(&d), 0);
	CHECK_STR_EQ(d, "/x/cache/scfs");
	free(d);
	/* a relative XDG_CACHE_HOME is invalid and ignored */
	setenv("XDG_CACHE_HOME", "rel", 1);
	CHECK_INT_EQ(statefile_default_dir(&d), 0);
	CHECK_STR_EQ(d, "/home/u/.cache/scfs");
	free(d);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	d = NULL;
	CHECK_INT_EQ(statefile_default_dir(&d), -ENOENT);
	CHECK(d == NULL);
	if (saved_home)
		setenv("HOME", saved_home, 1);
	if (saved_xdg)
		setenv("XDG_CACHE_HOME", saved_xdg, 1);
	free(saved_home);
	free(saved_xdg);
}

int main(void)
{
	RUN(test_token_use_while_fresh);
	RUN(test_token_refresh_before_expiry);
	RUN(test_token_short_lifetime_margin);
	RUN(test_token_refused_by_401);
	RUN(test_token_without_token);
	RUN(test_token_expired_cannot_renew);
	RUN(test_token_format_parse_roundtrip);
	RUN(test_token_format_refuses);
	RUN(test_token_parse_malformed);
	RUN(test_token_file_names);
	RUN(test_token_store_atomic_0600);
	RUN(test_token_default_dir);
	return CHECK_DONE();
}
