// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mem_doubles.h"
#include "sc_json.h"

#define FIX "tests/fixtures/sc/"
/* A string literal and its length, for the (json, len) arguments. */
#define LIT(s) s, sizeof(s) - 1

static char *fixture(const char *name, size_t *len)
{
	return fixture_load(FIX, name, len);
}

static int is_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		if (*b++)
			return 0;
	return 1;
}

static void test_sc_json_token(void)
{
	struct sc_token t;
	size_t len;
	char *s = fixture("token.json", &len);

	CHECK(s != NULL);
	if (!s)
		return;
	memset(&t, 0, sizeof(t));
	CHECK_INT_EQ(sc_json_token(s, len, &t), 0);
	CHECK_STR_EQ(t.access_token, "2-abc.DEF");
	CHECK_STR_EQ(t.refresh_token, "r-xyz");
	CHECK_INT_EQ(t.expires_in, 3599);
	sc_token_release(&t);
	CHECK(t.access_token == NULL && t.refresh_token == NULL);
	free(s);

	CHECK_INT_EQ(sc_json_token(LIT("{\"access_token\":\"only\"}"), &t), 0);
	CHECK_STR_EQ(t.access_token, "only");
	CHECK(t.refresh_token == NULL);
	CHECK_INT_EQ(t.expires_in, 0);
	sc_token_release(&t);
}

static void test_sc_json_token_invalid(void)
{
	static const char *const bad[] = {
		"{\"refresh_token\":\"r\",\"expires_in\":10}",
		"{\"access_token\":123}",
		"{\"access_token\":null}",
		"{\"access_token\":\"a\"",
		"[\"access_token\"]",
		"\"access_token\"",
		"",
		"<html>502 Bad Gateway</html>",
	};
	struct sc_token t;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&t, 0, sizeof(t));
		CHECK_INT_EQ(sc_json_token(bad[i], strlen(bad[i]), &t), -EBADMSG);
		CHECK(is_zero(&t, sizeof(t)));
	}
	CHECK_INT_EQ(sc_json_token(NULL, 0, &t), -EBADMSG);
	/* len bounds the parse: the closing brace is outside it */
	CHECK_INT_EQ(sc_json_token("{\"access_token\":\"a\"}", 19, &t), -EBADMSG);
}

static void test_sc_json_user(void)
{
	struct sc_user u;
	size_t len;
	char *s = fixture("user.json", &len);
	const char *j;

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_INT_EQ(sc_json_user(s, len, &u), 0);
	CHECK_INT_EQ(u.id, 7);
	CHECK_STR_EQ(u.urn, "soundcloud:users:7");
	CHECK_STR_EQ(u.permalink, "ana");
	CHECK_STR_EQ(u.username, "Ana B");
	sc_user_release(&u);
	free(s);

	/* no urn: made from the id; no username: NULL */
	j = "{\"id\":123456789012,\"permalink\":\"p\"}";
	CHECK_INT_EQ(sc_json_user(j, strlen(j), &u), 0);
	CHECK_INT_EQ(u.id, 123456789012LL);
	CHECK_STR_EQ(u.urn, "soundcloud:users:123456789012");
	CHECK(u.username == NULL);
	sc_user_release(&u);
}

static void test_sc_json_user_missing_fields(void)
{
	static const char *const bad[] = {
		"{\"permalink\":\"p\"}",
		"{\"id\":\"7\",\"permalink\":\"p\"}",
		"{\"id\":-1,\"permalink\":\"p\"}",
		"{\"id\":7}",
		"{\"id\":7,\"permalink\":null}",
		"{\"id\":7,\"permalink\":\"p\"",
		"[]",
	};
	struct sc_user u;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&u, 0, sizeof(u));
		CHECK_INT_EQ(sc_json_user(bad[i], strlen(bad[i]), &u), -EBADMSG);
		CHECK(is_zero(&u, sizeof(u)));
	}
}

static void test_sc_json_tracks_page_collection(void)
{
	struct sc_page p;
	size_t len;
	char *s = fixture("tracks_page1.json", &len);

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_INT_EQ(sc_json_tracks_page(s, len, &p), 0);
	free(s);
	/* the track without an id, the string, and the string id are skipped */
	CHECK_INT_EQ(p.n, 2);
	CHECK_STR_EQ(p.next_href, "https://api.soundcloud.com/users/7/tracks?linked_partitioning=true&cursor=abc&limit=3");
	if (p.n != 2) {
		sc_page_release(&p);
		return;
	}
	CHECK_INT_EQ(p.tracks[0].id, 1001);
	CHECK_STR_EQ(p.tracks[0].urn, "soundcloud:tracks:1001");
	CHECK_STR_EQ(p.tracks[0].title, "First Light");
	CHECK_STR_EQ(p.tracks[0].permalink_url, "https://soundcloud.com/ana/first-light");
	CHECK_STR_EQ(p.tracks[0].access, "playable");
	CHECK_INT_EQ(p.tracks[0].downloadable, 1);
	CHECK_INT_EQ(p.tracks[0].has_download_url, 1);
	CHECK_INT_EQ(p.tracks[0].duration_ms, 215040);
	CHECK_INT_EQ(p.tracks[0].created_at, 1547566849);
	CHECK_INT_EQ(p.tracks[0].last_modified, 1636889236);
	CHECK(p.tracks[0].json && p.tracks[0].json[0] == '{');
	CHECK(p.tracks[0].json && strstr(p.tracks[0].json, "\"id\":1001"));
	CHECK(p.tracks[0].json && strstr(p.tracks[0].json, "\"permalink\":\"ana\""));

	CHECK_INT_EQ(p.tracks[1].id, 1002);
	CHECK_STR_EQ(p.tracks[1].urn, "soundcloud:tracks:1002");
	CHECK_STR_EQ(p.tracks[1].title, "Second \xc3\xa9t\xc3\xa9 / \"quoted\"");
	CHECK(p.tracks[1].permalink_url == NULL);
	CHECK_STR_EQ(p.tracks[1].access, "preview");
	CHECK_INT_EQ(p.tracks[1].downloadable, 0);
	CHECK_INT_EQ(p.tracks[1].has_download_url, 0);
	CHECK_INT_EQ(p.tracks[1].duration_ms, 1000);
	CHECK_INT_EQ(p.tracks[1].created_at, 1636889236);
	CHECK_INT_EQ(p.tracks[1].last_modified, 0);
	sc_page_release(&p);
	CHECK(p.tracks == NULL && p.n == 0 && p.next_href == NULL);
}

static void test_sc_json_tracks_page_last_and_bare(void)
{
	struct sc_page p;
	size_t len;
	char *s;

	s = fixture("tracks_page2.json", &len);
	CHECK(s != NULL);
	if (s && !sc_json_tracks_page(s, len, &p)) {
		CHECK_INT_EQ(p.n, 1);
		CHECK(p.next_href == NULL);
		CHECK_INT_EQ(p.tracks[0].id, 1004);
		CHECK_STR_EQ(p.tracks[0].access, "blocked");
		CHECK_INT_EQ(p.tracks[0].created_at, 0);	/* "bogus" */
		CHECK(p.tracks[0].title && !strcmp(p.tracks[0].title, "Last"));
		sc_page_release(&p);
	} else {
		CHECK(!"tracks_page2.json parses");
	}
	free(s);

	s = fixture("tracks_bare.json", &len);
	CHECK(s != NULL);
	if (s && !sc_json_tracks_page(s, len, &p)) {
		CHECK_INT_EQ(p.n, 2);
		CHECK(p.next_href == NULL);
		CHECK_INT_EQ(p.tracks[0].id, 2001);
		CHECK_INT_EQ(p.tracks[1].id, 2002);
		CHECK_INT_EQ(p.tracks[0].last_modified, 951782400);
		CHECK(p.tracks[1].access == NULL);
		sc_page_release(&p);
	} else {
		CHECK(!"tracks_bare.json parses");
	}
	free(s);

	s = fixture("tracks_empty.json", &len);
	CHECK(s != NULL);
	if (s && !sc_json_tracks_page(s, len, &p)) {
		CHECK_INT_EQ(p.n, 0);
		CHECK(p.next_href == NULL);
		sc_page_release(&p);
	} else {
		CHECK(!"tracks_empty.json parses");
	}
	free(s);
}

static void test_sc_json_tracks_page_malformed(void)
{
	static const char *const bad[] = {
		"{\"collection\":[{\"id\":1}",
		"{\"foo\":[]}",
		"{\"collection\":{\"id\":1}}",
		"{\"collection\":null,\"next_href\":\"x\"}",
		"\"collection\"",
		"null",
		"",
		"[{\"id\":1},]",
	};
	struct sc_page p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&p, 0, sizeof(p));
		CHECK_INT_EQ(sc_json_tracks_page(bad[i], strlen(bad[i]), &p),
			     -EBADMSG);
		CHECK(is_zero(&p, sizeof(p)));
	}
}

static void test_sc_json_tracks_page_skipped_and_streamable(void)
{
	static const char page[] =
		"{\"collection\":[{\"id\":1,\"streamable\":false},{\"id\":2},"
		"{\"id\":3,\"streamable\":true},{\"title\":\"no id\"},7,null],"
		"\"next_href\":null}";
	struct sc_page p;

	CHECK_INT_EQ(sc_json_tracks_page(LIT(page), &p), 0);
	CHECK_INT_EQ(p.n, 3);
	/* what could not be listed is counted, so it can be reported */
	CHECK_INT_EQ(p.skipped, 3);
	if (p.n == 3) {
		CHECK_INT_EQ(p.tracks[0].streamable, 0);
		CHECK_INT_EQ(p.tracks[1].streamable, 1);	/* absent: yes */
		CHECK_INT_EQ(p.tracks[2].streamable, 1);
	}
	CHECK(p.next_href == NULL);
	sc_page_release(&p);
}

static void test_sc_json_lone_surrogates(void)
{
	static const char page[] =
		"[{\"id\":1,\"title\":\"lone \\ud800 high\"},"
		"{\"id\":2,\"title\":\"lone \\uDC01 low\"},"
		"{\"id\":3,\"title\":\"pair \\ud83c\\udfb8\"},"
		"{\"id\":4,\"title\":\"not an escape \\\\ud800\"},"
		"{\"id\":5,\"title\":\"end \\ud800\"}]";
	struct sc_page p;

	/* one odd title must not cost the page */
	CHECK_INT_EQ(sc_json_tracks_page(LIT(page), &p), 0);
	CHECK_INT_EQ(p.n, 5);
	if (p.n == 5) {
		CHECK_STR_EQ(p.tracks[0].title, "lone \xef\xbf\xbd high");
		CHECK_STR_EQ(p.tracks[1].title, "lone \xef\xbf\xbd low");
		CHECK_STR_EQ(p.tracks[2].title, "pair \xf0\x9f\x8e\xb8");
		CHECK_STR_EQ(p.tracks[3].title, "not an escape \\ud800");
		CHECK_STR_EQ(p.tracks[4].title, "end \xef\xbf\xbd");
		/* user.sc.json is the object as sent, made valid */
		CHECK(strstr(p.tracks[0].json, "\"id\":1") != NULL);
	}
	sc_page_release(&p);
}

static void test_sc_json_playlists_page(void)
{
	struct sc_playlist_page p;
	size_t len;
	char *s = fixture("playlists_page.json", &len);

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK_INT_EQ(sc_json_playlists_page(s, len, &p), 0);
	free(s);
	CHECK_INT_EQ(p.n, 2);
	CHECK_INT_EQ(p.skipped, 2);
	CHECK_STR_EQ(p.next_href, "https://api.soundcloud.com/users/1001/playlists?cursor=x");
	if (p.n != 2) {
		sc_playlist_page_release(&p);
		return;
	}
	CHECK_INT_EQ(p.items[0].id, 3001);
	CHECK_STR_EQ(p.items[0].urn, "soundcloud:playlists:3001");
	CHECK_STR_EQ(p.items[0].title, "Live / 2019");
	CHECK_INT_EQ(p.items[0].track_count, 3);
	/* both date formats */
	CHECK_INT_EQ(p.items[0].created_at, 1556704800);
	CHECK_INT_EQ(p.items[0].last_modified, 1577934245);
	CHECK_INT_EQ(p.items[0].has_tracks, 1);
	CHECK_INT_EQ(p.items[0].n_tracks, 2);
	CHECK_INT_EQ(p.items[0].skipped, 1);
	if (p.items[0].n_tracks == 2) {
		CHECK_INT_EQ(p.items[0].tracks[0].id, 2001);
		CHECK_INT_EQ(p.items[0].tracks[0].has_download_url, 1);
		CHECK_INT_EQ(p.items[0].tracks[1].id, 2002);
		CHECK_INT_EQ(p.items[0].tracks[1].streamable, 0);
	}
	/* no urn: made from the id; no tracks array: said so */
	CHECK_INT_EQ(p.items[1].id, 3002);
	CHECK_STR_EQ(p.items[1].urn, "soundcloud:playlists:3002");
	CHECK_INT_EQ(p.items[1].has_tracks, 0);
	CHECK_INT_EQ(p.items[1].track_count, -1);
	CHECK_INT_EQ(p.items[1].n_tracks, 0);
	sc_playlist_page_release(&p);
	CHECK(p.items == NULL && p.n == 0 && p.next_href == NULL);
}

static void test_sc_json_playlists_page_malformed(void)
{
	static const char *const bad[] = {
		"{\"collection\":[{\"id\":1}",
		"{\"next_href\":null}",		/* the collection is missing */
		"{\"collection\":{}}",
		"null",
		"",
	};
	struct sc_playlist_page p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&p, 0, sizeof(p));
		CHECK_INT_EQ(sc_json_playlists_page(bad[i], strlen(bad[i]), &p),
			     -EBADMSG);
		CHECK(is_zero(&p, sizeof(p)));
	}
	/* a bare array (no linked_partitioning) is a last page */
	CHECK_INT_EQ(sc_json_playlists_page(LIT("[{\"id\":5,\"tracks\":[]}]"), &p), 0);
	CHECK_INT_EQ(p.n, 1);
	CHECK_INT_EQ(p.items[0].has_tracks, 1);
	CHECK(p.next_href == NULL);
	sc_playlist_page_release(&p);
}

static void test_sc_json_location(void)
{
	char *loc = (char *)"untouched";
	size_t len;
	char *s = fixture("resolve.json", &len);

	CHECK(s != NULL);
	if (s) {
		CHECK_INT_EQ(sc_json_location(s, len, &loc), 0);
		CHECK_STR_EQ(loc, "https://api.soundcloud.com/users/soundcloud:users:7");
		free(loc);
		free(s);
	}
	loc = (char *)"untouched";
	CHECK_INT_EQ(sc_json_location(LIT("{\"status\":\"302 - Found\"}"), &loc),
		     -EBADMSG);
	CHECK_STR_EQ(loc, "untouched");
	CHECK_INT_EQ(sc_json_location(LIT("{\"location\":7}"), &loc), -EBADMSG);
	CHECK_INT_EQ(sc_json_location(LIT("{\"location\":\"x\""), &loc), -EBADMSG);
	CHECK_STR_EQ(loc, "untouched");
}

static void test_sc_json_error_shapes(void)
{
	static const struct {
		const char *file;
		const char *want;
	} cases[] = {
		{ "error_api.json", "404 - Not Found" },
		{ "error_oauth.json", "Client authentication failed" },
		{ "error_legacy.json", "invalid track id" },
	};
	char msg[128], small[5];
	size_t i, len;
	char *s;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = fixture(cases[i].file, &len);
		CHECK(s != NULL);
		if (!s)
			continue;
		memset(msg, 'X', sizeof(msg));
		sc_json_error_message(s, len, msg, sizeof(msg));
		CHECK_STR_EQ(msg, cases[i].want);
		if (i == 1) {
			sc_json_error_message(s, len, small, sizeof(small));
			CHECK_STR_EQ(small, "Clie");
		}
		free(s);
	}
	sc_json_error_message(LIT("{\"error\":\"invalid_grant\"}"), msg, sizeof(msg));
	CHECK_STR_EQ(msg, "invalid_grant");
	/* "error": null does not hide the message */
	sc_json_error_message(LIT("{\"error\":null,\"message\":\"m\"}"), msg, sizeof(msg));
	CHECK_STR_EQ(msg, "m");
	sc_json_error_message(LIT("{}"), msg, sizeof(msg));
	CHECK_STR_EQ(msg, "");
	sc_json_error_message(LIT("Bad Gateway"), msg, sizeof(msg));
	CHECK_STR_EQ(msg, "");
	sc_json_error_message(LIT("{\"errors\":[]}"), msg, sizeof(msg));
	CHECK_STR_EQ(msg, "");
	sc_json_error_message(NULL, 0, msg, sizeof(msg));
	CHECK_STR_EQ(msg, "");
}

static void test_sc_json_rate_limit_wait(void)
{
	const time_t reset = 1433152180;	/* 2015/06/01 09:49:40 +0000 */
	const char *flat = "{\"errors\":[{\"reset_time\":\"2015-06-01T09:49:40Z\"}]}";
	const char *code = "{\"code\":429,\"message\":\"Too Many Requests\"}";
	size_t len;
	char *s = fixture("rate_limit.json", &len);

	CHECK(s != NULL);
	if (s) {
		/* the documented shape: errors[0].meta.reset_time */
		CHECK_INT_EQ(sc_json_rate_limit_wait(s, len, reset - 42), 42);
		CHECK_INT_EQ(sc_json_rate_limit_wait(s, len, reset), 0);
		CHECK_INT_EQ(sc_json_rate_limit_wait(s, len, reset + 3600), 0);
		free(s);
	}
	CHECK_INT_EQ(sc_json_rate_limit_wait(flat, strlen(flat), reset - 5), 5);
	CHECK_INT_EQ(sc_json_rate_limit_wait(code, strlen(code), reset), -1);
	CHECK_INT_EQ(sc_json_rate_limit_wait(LIT("{\"errors\":[{\"meta\":{\"reset_time\":\"soon\"}}]}"),
					     reset), -1);
	CHECK_INT_EQ(sc_json_rate_limit_wait(LIT("{"), reset), -1);
	CHECK_INT_EQ(sc_json_rate_limit_wait(NULL, 0, reset), -1);
}

static void test_sc_json_parse_time_valid(void)
{
	static const struct {
		const char *in;
		time_t want;
	} cases[] = {
		{ "2019/01/15 15:40:49 +0000", 1547566849 },
		{ "2019/01/15 16:40:49 +0100", 1547566849 },
		{ "2019/01/15 10:40:49 -0500", 1547566849 },
		{ "2019/01/15 15:40:49", 1547566849 },
		{ "2021-11-14T11:27:16Z", 1636889236 },
		{ "2021-11-14T11:27:16.000Z", 1636889236 },
		{ "2021-11-14T11:27:16.123456Z", 1636889236 },
		{ "2021-11-14T12:27:16+01:00", 1636889236 },
		{ "2021-11-14T06:27:16-0500", 1636889236 },
		{ "2021-11-14T06:27:16.5-05:00", 1636889236 },
		{ "2021-11-14T16:57:16+05:30", 1636889236 },
		{ "2021-11-14T11:27:16", 1636889236 },
		{ "2000-02-29T00:00:00Z", 951782400 },
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2024-12-31T23:59:59.999+00:00", 1735689599 },
		{ "2025-01-01T00:59:59+01:00", 1735689599 },
	};
	time_t t;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = -12345;
		CHECK_INT_EQ(sc_parse_time(cases[i].in, &t), 0);
		CHECK_INT_EQ(t, cases[i].want);
		if (t != cases[i].want)
			fprintf(stderr, "  input '%s'\n", cases[i].in);
	}
}

static void test_sc_json_parse_time_invalid(void)
{
	static const char *const bad[] = {
		"",
		"garbage",
		"2021-11-14",
		"2021/11/14T11:27:16Z",
		"2021-13-01T00:00:00Z",
		"2021-00-10T00:00:00Z",
		"2021-11-32T00:00:00Z",
		"2021-11-00T00:00:00Z",
		"2021-11--4T00:00:00Z",
		"2021-11-14T24:00:00Z",
		"2021-11-14T11:60:00Z",
		"2021-11-14T11:27:61Z",
		"2021-11-14T11:27:16 PST",
		"2021-11-14T11:27:16+0",
		"2021-11-14T11:27:16+",
		"14/11/2021 11:27:16 +0000",
		"2021-02-30T00:00:00Z",
		"2019/04/31 10:00:00 +0000",
	};
	time_t t;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = -12345;
		CHECK_INT_EQ(sc_parse_time(bad[i], &t), -EINVAL);
		CHECK_INT_EQ(t, -12345);
		if (t != -12345)
			fprintf(stderr, "  input '%s'\n", bad[i]);
	}
}

int main(void)
{
	RUN(test_sc_json_token);
	RUN(test_sc_json_token_invalid);
	RUN(test_sc_json_user);
	RUN(test_sc_json_user_missing_fields);
	RUN(test_sc_json_tracks_page_collection);
	RUN(test_sc_json_tracks_page_last_and_bare);
	RUN(test_sc_json_tracks_page_malformed);
	RUN(test_sc_json_tracks_page_skipped_and_streamable);
	RUN(test_sc_json_lone_surrogates);
	RUN(test_sc_json_playlists_page);
	RUN(test_sc_json_playlists_page_malformed);
	RUN(test_sc_json_location);
	RUN(test_sc_json_error_shapes);
	RUN(test_sc_json_rate_limit_wait);
	RUN(test_sc_json_parse_time_valid);
	RUN(test_sc_json_parse_time_invalid);
	return CHECK_DONE();
}
