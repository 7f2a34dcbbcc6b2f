// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The HLS media playlist parser: the stand-in's and SoundCloud's shape,
 * relative URIs (RFC 3986's own examples), byte ranges, and every playlist
 * that must be refused rather than half-read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hls_playlist.h"

#define BASE "http://cdn.test:8080/hls/2002/playlist.m3u8?expires=1&Signature=x"

static int parse(const char *text, struct hls_playlist *pl)
{
	return hls_playlist_parse(text, strlen(text), BASE, pl);
}

static void test_hls_playlist_standin_shape(void)
{
	const char *text =
		"#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:10\n"
		"#EXT-X-MEDIA-SEQUENCE:0\n"
		"#EXT-X-MAP:URI=\"http://c:1/hls/7/init.mp4?expires=5&Signature=a\"\n"
		"#EXTINF:10.0,\nhttp://c:1/hls/7/seg-0.m4s?expires=5&Signature=b\n"
		"#EXTINF:9.5,\nhttp://c:1/hls/7/seg-1.m4s?expires=5&Signature=c\n"
		"#EXTINF:2.25,title\nhttp://c:1/hls/7/seg-2.m4s?expires=5&Signature=d\n"
		"#EXT-X-ENDLIST\n";
	struct hls_playlist pl;

	CHECK_INT_EQ(parse(text, &pl), 0);
	CHECK_STR_EQ(pl.init.uri, "http://c:1/hls/7/init.mp4?expires=5&Signature=a");
	CHECK_INT_EQ(pl.init.range_off, -1);
	CHECK_INT_EQ(pl.init.range_len, -1);
	CHECK_INT_EQ(pl.n_segs, 3);
	CHECK_STR_EQ(pl.segs[0].uri, "http://c:1/hls/7/seg-0.m4s?expires=5&Signature=b");
	CHECK_STR_EQ(pl.segs[2].uri, "http://c:1/hls/7/seg-2.m4s?expires=5&Signature=d");
	CHECK(pl.segs[1].duration == 9.5);
	CHECK(pl.duration == 21.75);
	CHECK_INT_EQ(pl.segs[1].range_off, -1);
	hls_playlist_release(&pl);
}

static void test_hls_playlist_relative_uris(void)
{
	const char *text =
		"\xef\xbb\xbf#EXTM3U\r\n\r\n# a comment\r\n"
		"#EXT-X-MAP:URI=\"init.mp4\"\r\n"
		"#EXTINF:4,\r\nseg-0.m4s?sig=1\r\n"
		"#EXTINF:4,\r\n/other/seg-1.m4s\r\n"
		"#EXTINF:4,\r\n../2003/seg-2.m4s\r\n"
		"#EXTINF:4,\r\n//cdn2.test/x/seg-3.m4s\r\n"
		"#EXT-X-ENDLIST\r\n";
	struct hls_playlist pl;

	CHECK_INT_EQ(parse(text, &pl), 0);
	CHECK_STR_EQ(pl.init.uri, "http://cdn.test:8080/hls/2002/init.mp4");
	CHECK_INT_EQ(pl.n_segs, 4);
	CHECK_STR_EQ(pl.segs[0].uri, "http://cdn.test:8080/hls/2002/seg-0.m4s?sig=1");
	CHECK_STR_EQ(pl.segs[1].uri, "http://cdn.test:8080/other/seg-1.m4s");
	CHECK_STR_EQ(pl.segs[2].uri, "http://cdn.test:8080/hls/2003/seg-2.m4s");
	CHECK_STR_EQ(pl.segs[3].uri, "http://cdn2.test/x/seg-3.m4s");
	hls_playlist_release(&pl);
}

static void test_hls_playlist_byteranges(void)
{
	const char *text =
		"#EXTM3U\n#EXT-X-MAP:URI=\"all.mp4\",BYTERANGE=\"720@0\"\n"
		"#EXTINF:6,\n#EXT-X-BYTERANGE:1000@720\nall.mp4\n"
		"#EXTINF:6,\n#EXT-X-BYTERANGE:500\nall.mp4\n"
		"#EXTINF:6,\nlast.m4s\n#EXT-X-ENDLIST";
	struct hls_playlist pl;

	CHECK_INT_EQ(parse(text, &pl), 0);
	CHECK_INT_EQ(pl.init.range_off, 0);
	CHECK_INT_EQ(pl.init.range_len, 720);
	CHECK_INT_EQ(pl.n_segs, 3);
	CHECK_INT_EQ(pl.segs[0].range_off, 720);
	CHECK_INT_EQ(pl.segs[0].range_len, 1000);
	CHECK_INT_EQ(pl.segs[1].range_off, 1720);	/* follows the previous */
	CHECK_INT_EQ(pl.segs[1].range_len, 500);
	CHECK_INT_EQ(pl.segs[2].range_off, -1);		/* does not carry over */
	CHECK_INT_EQ(pl.segs[2].range_len, -1);
	hls_playlist_release(&pl);
}

static void test_hls_playlist_without_map(void)
{
	struct hls_playlist pl;

	CHECK_INT_EQ(parse("#EXTM3U\n#EXT-X-KEY:METHOD=NONE\n#EXTINF:1,\na.ts\n"
			   "#EXT-X-ENDLIST\n", &pl), 0);
	CHECK(pl.init.uri == NULL);
	CHECK_INT_EQ(pl.n_segs, 1);
	hls_playlist_release(&pl);
	/* no segment at all: only the init section */
	CHECK_INT_EQ(parse("#EXTM3U\n#EXT-X-MAP:URI=\"i.mp4\"\n#EXT-X-ENDLIST\n", &pl), 0);
	CHECK_INT_EQ(pl.n_segs, 0);
	hls_playlist_release(&pl);
	/* the same map repeated is harmless */
	CHECK_INT_EQ(parse("#EXTM3U\n#EXT-X-MAP:URI=\"i.mp4\"\n#EXTINF:1,\na\n"
			   "#EXT-X-MAP:URI=\"i.mp4\"\n#EXTINF:1,\nb\n#EXT-X-ENDLIST\n",
			   &pl), 0);
	CHECK_INT_EQ(pl.n_segs, 2);
	hls_playlist_release(&pl);
}

static void test_hls_playlist_refusals(void)
{
	static const struct {
		const char *text;
		int rc;
	} cases[] = {
		{ "", -EINVAL },
		{ "#EXTINF:1,\na\n#EXT-X-ENDLIST\n", -EINVAL },		/* no header */
		{ "#EXTM3U\n#EXTINF:1,\na\n", -EINVAL },		/* live */
		{ "#EXTM3U\na\n#EXT-X-ENDLIST\n", -EINVAL },		/* no EXTINF */
		{ "#EXTM3U\n#EXTINF:1,\n#EXT-X-ENDLIST\n", -EINVAL },	/* no URI */
		{ "#EXTM3U\n#EXTINF:x,\na\n#EXT-X-ENDLIST\n", -EINVAL },
		{ "#EXTM3U\n#EXTINF:-1,\na\n#EXT-X-ENDLIST\n", -EINVAL },
		{ "#EXTM3U\n#EXT-X-MAP:BYTERANGE=\"1@0\"\n#EXT-X-ENDLIST\n", -EINVAL },
		{ "#EXTM3U\n#EXT-X-MAP:URI=\"i\n#EXT-X-ENDLIST\n", -EINVAL },
		{ "#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:12x\na\n#EXT-X-ENDLIST\n", -EINVAL },
		{ "#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:12\na\n#EXT-X-ENDLIST\n", -EINVAL },
		{ "#EXTM3U\n#EXTINF:1,\n#EXT-X-BYTERANGE:1@0\na\n#EXTINF:1,\n"
		  "#EXT-X-BYTERANGE:1\nb\n#EXT-X-ENDLIST\n", -EINVAL },	/* other resource */
		{ "#EXTM3U\n#EXT-X-BYTERANGE:1@0\n#EXT-X-ENDLIST\n", -EINVAL },
		{ "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n", -ENOTSUP },
		{ "#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\"\n#EXTINF:1,\na\n"
		  "#EXT-X-ENDLIST\n", -ENOTSUP },
		{ "#EXTM3U\n#EXT-X-MAP:URI=\"i\"\n#EXTINF:1,\na\n#EXT-X-MAP:URI=\"j\"\n"
		  "#EXTINF:1,\nb\n#EXT-X-ENDLIST\n", -ENOTSUP },
		{ "#EXTM3U\n#EXTINF:1,\na\n#EXT-X-MAP:URI=\"i\"\n#EXT-X-ENDLIST\n", -ENOTSUP },
	};
	struct hls_playlist pl = { .n_segs = 77 };
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = parse(cases[i].text, &pl);
		if (rc != cases[i].rc)
			fprintf(stderr, "case %zu: got %d\n", i, rc);
		CHECK_INT_EQ(rc, cases[i].rc);
		CHECK_INT_EQ(pl.n_segs, 77);	/* untouched on failure */
	}
}

static void test_hls_playlist_guards(void)
{
	size_t n = HLS_MAX_LINE + 100, len;
	struct hls_playlist pl;
	char *text = malloc(n + 64);

	strcpy(text, "#EXTM3U\n#EXTINF:1,\n");
	len = strlen(text);
	memset(text + len, 'a', n);
	strcpy(text + len + n, "\n#EXT-X-ENDLIST\n");
	CHECK_INT_EQ(parse(text, &pl), -E2BIG);
	free(text);
	/* a playlist need not end with a newline, nor be NUL-terminated */
	text = strdup("#EXTM3U\n#EXTINF:1,\na\n#EXT-X-ENDLISTgarbage");
	CHECK_INT_EQ(hls_playlist_parse(text, strlen(text) - 7, BASE, &pl), 0);
	CHECK_INT_EQ(pl.n_segs, 1);
	hls_playlist_release(&pl);
	free(text);
}

/* RFC 3986 section 5.4: every normal and abnormal example. */
static void test_hls_playlist_resolve_rfc3986(void)
{
	static const char *const cases[][2] = {
		{ "g:h", "g:h" }, { "g", "http://a/b/c/g" },
		{ "./g", "http://a/b/c/g" }, { "g/", "http://a/b/c/g/" },
		{ "/g", "http://a/g" }, { "//g", "http://g" },
		{ "?y", "http://a/b/c/d;p?y" }, { "g?y", "http://a/b/c/g?y" },
		{ "#s", "http://a/b/c/d;p?q#s" }, { "g#s", "http://a/b/c/g#s" },
		{ "g?y#s", "http://a/b/c/g?y#s" }, { ";x", "http://a/b/c/;x" },
		{ "g;x", "http://a/b/c/g;x" }, { "g;x?y#s", "http://a/b/c/g;x?y#s" },
		{ "", "http://a/b/c/d;p?q" }, { ".", "http://a/b/c/" },
		{ "./", "http://a/b/c/" }, { "..", "http://a/b/" },
		{ "../", "http://a/b/" }, { "../g", "http://a/b/g" },
		{ "../..", "http://a/" }, { "../../", "http://a/" },
		{ "../../g", "http://a/g" }, { "../../../g", "http://a/g" },
		{ "../../../../g", "http://a/g" }, { "/./g", "http://a/g" },
		{ "/../g", "http://a/g" }, { "g.", "http://a/b/c/g." },
		{ ".g", "http://a/b/c/.g" }, { "g..", "http://a/b/c/g.." },
		{ "..g", "http://a/b/c/..g" }, { "./../g", "http://a/b/g" },
		{ "./g/.", "http://a/b/c/g/" }, { "g/./h", "http://a/b/c/g/h" },
		{ "g/../h", "http://a/b/c/h" }, { "g;x=1/./y", "http://a/b/c/g;x=1/y" },
		{ "g;x=1/../y", "http://a/b/c/y" }, { "g?y/./x", "http://a/b/c/g?y/./x" },
		{ "g?y/../x", "http://a/b/c/g?y/../x" }, { "g#s/./x", "http://a/b/c/g#s/./x" },
		{ "g#s/../x", "http://a/b/c/g#s/../x" },
	};
	size_t i;
	char *out;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = NULL;
		CHECK_INT_EQ(hls_resolve_uri("http://a/b/c/d;p?q", cases[i][0], &out), 0);
		CHECK_STR_EQ(out, cases[i][1]);
		free(out);
	}
	CHECK_INT_EQ(hls_resolve_uri("http://a?x", "g", &out), 0);
	CHECK_STR_EQ(out, "http://a/g");
	free(out);
	CHECK_INT_EQ(hls_resolve_uri("not-absolute", "g", &out), -EINVAL);
}

int main(void)
{
	RUN(test_hls_playlist_standin_shape);
	RUN(test_hls_playlist_relative_uris);
	RUN(test_hls_playlist_byteranges);
	RUN(test_hls_playlist_without_map);
	RUN(test_hls_playlist_refusals);
	RUN(test_hls_playlist_guards);
	RUN(test_hls_playlist_resolve_rfc3986);
	return CHECK_DONE();
}
