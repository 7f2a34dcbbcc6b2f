// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "check.h"
#include "names.h"

/* Independent UTF-8 validator: 1 when s is well-formed (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
static int utf8_valid(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned cp, n, i;

	while (*s) {
		if (*s < 0x80) {
			s++;
			continue;
		}
		if ((*s & 0xe0) == 0xc0)
			n = 2, cp = *s & 0x1f;
		else if ((*s & 0xf0) == 0xe0)
			n = 3, cp = *s & 0x0f;
		else if ((*s & 0xf8) == 0xf0)
			n = 4, cp = *s & 0x07;
		else
			return 0;
		for (i = 1; i < n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
		    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		s += n;
	}
	return 1;
}

/* 1 when s has no C0/C1 control, DEL, '/' or line separator. */
static int no_controls(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	for (; *s; s++) {
		if (*s < 0x20 || *s == 0x7f || *s == '/')
			return 0;
		if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
			return 0;
		if (s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9))
			return 0;
	}
	return 1;
}

static const char *name(const char *title, long long id, const char *ext)
{
	static char out[NAMES_MAX + 1];

	names_track_name(title, id, ext, out);
	return out;
}

static void repeat(char *out, const char *unit, size_t times)
{
	size_t i, n = strlen(unit);

	for (i = 0; i < times; i++)
		memcpy(out + i * n, unit, n);
	out[times * n] = '\0';
}

static void test_names_plain(void)
{
	CHECK_STR_EQ(name("Hello World", 123, "mp3"), "Hello World [123].mp3");
	CHECK_STR_EQ(name("a", 0, "wav"), "a [0].wav");
	CHECK_STR_EQ(name("x", 9007199254740993LL, "m4a"),
		     "x [9007199254740993].m4a");
	/* a missing or empty extension becomes "bin" */
	CHECK_STR_EQ(name("t", 1, NULL), "t [1].bin");
	CHECK_STR_EQ(name("t", 1, ""), "t [1].bin");
	/* an extension that is not short and alphanumeric becomes "bin":
	 * it comes from a server and must not put a '/' in a name */
	CHECK_STR_EQ(name("t", 1, "abcdefghijklmnopqrstuvwxyz"), "t [1].bin");
	CHECK_STR_EQ(name("t", 1, "abcdefghijklmno"), "t [1].abcdefghijklmno");
	CHECK_STR_EQ(name("t", 1, "../x"), "t [1].bin");
	CHECK_STR_EQ(name("t", 1, "w/v"), "t [1].bin");
	/* non-ASCII printable characters stay as they are */
	CHECK_STR_EQ(name("Caf\xc3\xa9 \xe2\x82\xac 5", 1, "mp3"),
		     "Caf\xc3\xa9 \xe2\x82\xac 5 [1].mp3");
	/* U+00A0 is not a C1 control */
	CHECK_STR_EQ(name("a\xc2\xa0" "b", 1, "mp3"), "a\xc2\xa0" "b [1].mp3");
}

static void test_names_slash_and_dots(void)
{
	CHECK_STR_EQ(name("AC/DC", 7, "mp3"), "AC_DC [7].mp3");
	CHECK_STR_EQ(name("/", 7, "mp3"), "_ [7].mp3");
	CHECK_STR_EQ(name("..", 7, "mp3"), "untitled [7].mp3");
	CHECK_STR_EQ(name(".", 7, "mp3"), "untitled [7].mp3");
	CHECK_STR_EQ(name("../../etc/passwd", 7, "mp3"),
		     "_.._etc_passwd [7].mp3");
	CHECK_STR_EQ(name(".hidden", 7, "mp3"), "hidden [7].mp3");
	CHECK_STR_EQ(name("...dots", 7, "mp3"), "dots [7].mp3");
	CHECK_STR_EQ(name(" . .x", 7, "mp3"), "x [7].mp3");
	/* inner and trailing dots are fine */
	CHECK_STR_EQ(name("a.b.", 7, "mp3"), "a.b. [7].mp3");
}

static void test_names_controls(void)
{
	CHECK_STR_EQ(name("a\tb\nc\rd", 1, "mp3"), "a b c d [1].mp3");
	CHECK_STR_EQ(name("a\x01" "b\x1f" "c\x7f" "d", 1, "mp3"),
		     "a b c d [1].mp3");
	/* C1 controls U+0080 (NEL is U+0085) .. U+009F */
	CHECK_STR_EQ(name("a\xc2\x80" "b\xc2\x85" "c\xc2\x9f" "d", 1, "mp3"),
		     "a b c d [1].mp3");
	/* line and paragraph separators */
	CHECK_STR_EQ(name("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", 1, "mp3"),
		     "a b c [1].mp3");
	CHECK_STR_EQ(name("\x01\x02\x03", 1, "mp3"), "untitled [1].mp3");
	CHECK(no_controls(name("\x1b[31mred\x1b[0m", 1, "mp3")));
	CHECK_STR_EQ(name("\x1b[31mred\x1b[0m", 1, "mp3"),
		     "[31mred [0m [1].mp3");
}

static void test_names_whitespace(void)
{
	CHECK_STR_EQ(name("  a   b  ", 1, "mp3"), "a b [1].mp3");
	CHECK_STR_EQ(name("a \t\n b", 1, "mp3"), "a b [1].mp3");
	CHECK_STR_EQ(name("   ", 1, "mp3"), "untitled [1].mp3");
	CHECK_STR_EQ(name("", 1, "mp3"), "untitled [1].mp3");
	CHECK_STR_EQ(name(NULL, 1, "mp3"), "untitled [1].mp3");
	/* a control next to spaces is one separator, not three */
	CHECK_STR_EQ(name("a \x01 b", 1, "mp3"), "a b [1].mp3");
}

static void test_names_invalid_utf8(void)
{
	const char *n;

	CHECK_STR_EQ(name("a\xff" "b", 1, "mp3"), "a\xef\xbf\xbd" "b [1].mp3");
	/* a lone continuation byte */
	CHECK_STR_EQ(name("\x80", 1, "mp3"), "\xef\xbf\xbd [1].mp3");
	/* overlong '/' must not become a slash */
	n = name("\xc0\xaf", 1, "mp3");
	CHECK_STR_EQ(n, "\xef\xbf\xbd\xef\xbf\xbd [1].mp3");
	n = name("x\xe0\x80\xaf", 1, "mp3");
	CHECK(utf8_valid(n));
	CHECK(!strchr(n, '/'));
	/* a UTF-16 surrogate encoded in UTF-8 */
	n = name("\xed\xa0\x80", 1, "mp3");
	CHECK(utf8_valid(n));
	CHECK(strncmp(n, "\xef\xbf\xbd", 3) == 0);
	/* above U+10FFFF */
	CHECK(utf8_valid(name("\xf4\x90\x80\x80", 1, "mp3")));
	/* truncated sequence at the end */
	n = name("abc\xe2\x82", 1, "mp3");
	CHECK(utf8_valid(n));
	CHECK(strncmp(n, "abc\xef\xbf\xbd", 6) == 0);
	/* a 4-byte sequence cut by a space */
	CHECK(utf8_valid(name("\xf0\x9f\x8e x", 1, "mp3")));
}

static void test_names_emoji(void)
{
	CHECK_STR_EQ(name("\xf0\x9f\x8e\xb5 Song \xf0\x9f\x94\xa5", 42, "flac"),
		     "\xf0\x9f\x8e\xb5 Song \xf0\x9f\x94\xa5 [42].flac");
}

/* 300-byte titles of 1-, 2-, 3- and 4-byte characters: " [123].mp3" is 10
 * bytes, so 245 bytes are left for the title. */
static void test_names_long_cut_on_boundary(void)
{
	static const struct {
		const char *unit;
		size_t times, keep;
	} cases[] = {
		{ "a", 300, 245 },
		{ "\xc3\xa9", 150, 122 },
		{ "\xe2\x82\xac", 100, 81 },
		{ "\xf0\x9f\x8e\xb5", 75, 61 },
	};
	char title[400], want[NAMES_MAX + 1];
	const char *n;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		repeat(title, cases[i].unit, cases[i].times);
		CHECK_INT_EQ(strlen(title), 300);
		repeat(want, cases[i].unit, cases[i].keep);
		strcat(want, " [123].mp3");
		n = name(title, 123, "mp3");
		CHECK_STR_EQ(n, want);
		CHECK(strlen(n) <= NAMES_MAX);
		CHECK(utf8_valid(n));
	}
}

static void test_names_long_edge_cases(void)
{
	char title[600], want[NAMES_MAX + 1];
	const char *n;

	/* a cut right after a space drops the space */
	repeat(title, "a", 244);
	strcat(title, " bcdef");
	repeat(want, "a", 244);
	strcat(want, " [123].mp3");
	CHECK_STR_EQ(name(title, 123, "mp3"), want);

	/* the longest id and extension still leave a valid name */
	repeat(title, "\xe2\x82\xac", 150);
	n = name(title, -9223372036854775807LL - 1, "abcdefghijklmnopqrstuvwxyz");
	CHECK(strlen(n) <= NAMES_MAX);
	CHECK(utf8_valid(n));
	CHECK(strstr(n, " [-9223372036854775808].bin") != NULL);

	/* the cut keeps a prefix of the cleaned title: a replacement character
	 * that does not fit ends it, later ASCII is not squeezed in */
	repeat(title, "a", 243);
	strcat(title, "\xff" "bcd");
	repeat(want, "a", 243);
	strcat(want, " [123].mp3");
	CHECK_STR_EQ(name(title, 123, "mp3"), want);

	/* invalid bytes at length: every output stays valid and bounded */
	memset(title, 0xff, 599);
	title[599] = '\0';
	n = name(title, 123, "mp3");
	CHECK(strlen(n) <= NAMES_MAX);
	CHECK(utf8_valid(n));
	CHECK_INT_EQ(strlen(n), 81 * 3 + 10);
}

static void test_names_deterministic(void)
{
	char a[NAMES_MAX + 1], b[NAMES_MAX + 1];

	names_track_name(" Weird\x01/..\xff title ", 5, "wav", a);
	names_track_name(" Weird\x01/..\xff title ", 5, "wav", b);
	CHECK_STR_EQ(a, b);
	CHECK_STR_EQ(a, "Weird _..\xef\xbf\xbd title [5].wav");
	/* a different id gives a different name for the same title */
	names_track_name("same", 1, "mp3", a);
	names_track_name("same", 2, "mp3", b);
	CHECK(strcmp(a, b) != 0);
}

static void test_names_playlist_dir(void)
{
	char out[NAMES_MAX + 1], title[400];

	names_playlist_dir("Live / 2019", 3001, out);
	CHECK_STR_EQ(out, "Live _ 2019 [3001]");
	names_playlist_dir("", 7, out);
	CHECK_STR_EQ(out, "untitled [7]");
	names_playlist_dir("..", 7, out);
	CHECK_STR_EQ(out, "untitled [7]");
	names_playlist_dir(NULL, 7, out);
	CHECK_STR_EQ(out, "untitled [7]");
	names_playlist_dir("a\x01" "b\nc", 7, out);
	CHECK_STR_EQ(out, "a b c [7]");
	/* a long title is cut so the id survives */
	repeat(title, "\xf0\x9f\x8e\xb5", 90);
	names_playlist_dir(title, 1234567890, out);
	CHECK(strlen(out) <= NAMES_MAX);
	CHECK(utf8_valid(out));
	CHECK(strstr(out, " [1234567890]") == out + strlen(out) - 13);
}

static void test_names_playlist_entry(void)
{
	char out[NAMES_MAX + 1], title[400];

	CHECK_INT_EQ(names_position_width(0), 2);
	CHECK_INT_EQ(names_position_width(9), 2);
	CHECK_INT_EQ(names_position_width(99), 2);
	CHECK_INT_EQ(names_position_width(100), 3);
	CHECK_INT_EQ(names_position_width(1000), 4);
	names_playlist_entry(1, 2, "Intro", 42, "wav", out);
	CHECK_STR_EQ(out, "01 - Intro [42].wav");
	names_playlist_entry(12, 3, "A/B", 42, "m4a", out);
	CHECK_STR_EQ(out, "012 - A_B [42].m4a");
	names_playlist_entry(3, 2, "", 5, "mp3", out);
	CHECK_STR_EQ(out, "03 - untitled [5].mp3");
	/* the same track twice in a playlist: two names */
	{
		char again[NAMES_MAX + 1];

		names_playlist_entry(4, 2, "Same", 9, "mp3", out);
		names_playlist_entry(5, 2, "Same", 9, "mp3", again);
		CHECK(strcmp(out, again) != 0);
	}
	/* the prefix, id and extension all fit next to a 300-byte title */
	repeat(title, "\xc3\xa9", 150);
	names_playlist_entry(100, 3, title, 123, "flac", out);
	CHECK(strlen(out) <= NAMES_MAX);
	CHECK(utf8_valid(out));
	CHECK(!strncmp(out, "100 - ", 6));
	CHECK(strstr(out, " [123].flac") == out + strlen(out) - 11);
	/* names sort in playlist order */
	{
		char a[NAMES_MAX + 1], b[NAMES_MAX + 1];

		names_playlist_entry(9, 2, "Zed", 1, "mp3", a);
		names_playlist_entry(10, 2, "Abe", 2, "mp3", b);
		CHECK(strcmp(a, b) < 0);
	}
}

static const char *ext_for(const char *type, const char *disp)
{
	static char out[16];

	memset(out, 'X', sizeof(out));
	names_ext_for(type, disp, out);
	return out;
}

static void test_names_ext_for_content_type(void)
{
	CHECK_STR_EQ(ext_for("audio/wav", NULL), "wav");
	CHECK_STR_EQ(ext_for("audio/x-wav", NULL), "wav");
	CHECK_STR_EQ(ext_for("AUDIO/WAVE", NULL), "wav");
	CHECK_STR_EQ(ext_for("audio/mpeg", NULL), "mp3");
	CHECK_STR_EQ(ext_for("audio/mpeg; charset=binary", NULL), "mp3");
	CHECK_STR_EQ(ext_for("audio/flac", NULL), "flac");
	CHECK_STR_EQ(ext_for("audio/x-aiff", NULL), "aiff");
	CHECK_STR_EQ(ext_for("audio/mp4", NULL), "m4a");
	CHECK_STR_EQ(ext_for("video/mp4", NULL), "mp4");
	CHECK_STR_EQ(ext_for("audio/ogg", NULL), "ogg");
	CHECK_STR_EQ(ext_for("audio/mpegurl", NULL), "bin");
	CHECK_STR_EQ(ext_for("audio/mpe", NULL), "bin");
	CHECK_STR_EQ(ext_for("application/octet-stream", NULL), "bin");
	CHECK_STR_EQ(ext_for("", NULL), "bin");
	CHECK_STR_EQ(ext_for(NULL, NULL), "bin");
}

static void test_names_ext_for_disposition(void)
{
	/* the file name wins over the type */
	CHECK_STR_EQ(ext_for("audio/mpeg", "attachment; filename=\"My Song.FLAC\""),
		     "flac");
	CHECK_STR_EQ(ext_for("audio/mpeg", "attachment; filename=song.wav"), "wav");
	CHECK_STR_EQ(ext_for(NULL, "attachment; FILENAME=\"a.b.aiff\"; size=3"),
		     "aiff");
	CHECK_STR_EQ(ext_for("application/octet-stream",
			     "attachment; filename=\"x.opus\""), "opus");
	/* no usable extension: fall back to the type, then to "bin" */
	CHECK_STR_EQ(ext_for("audio/mpeg", "attachment; filename=\"noext\""), "mp3");
	CHECK_STR_EQ(ext_for("audio/mpeg", "attachment; filename=\"trail.\""), "mp3");
	CHECK_STR_EQ(ext_for("audio/mpeg", "attachment; filename=\"a.b-c\""), "mp3");
	CHECK_STR_EQ(ext_for("audio/mpeg", "attachment; filename=\"a.w/v\""), "mp3");
	CHECK_STR_EQ(ext_for("audio/wav", "inline"), "wav");
	CHECK_STR_EQ(ext_for(NULL, "attachment; filename=\"x\""), "bin");
	/* 14 characters fit, 15 do not */
	CHECK_STR_EQ(ext_for(NULL, "attachment; filename=\"x.abcdefghijklmn\""),
		     "abcdefghijklmn");
	CHECK_STR_EQ(ext_for("audio/wav", "attachment; filename=\"x.abcdefghijklmno\""),
		     "wav");
}

static void test_names_type_for(void)
{
	static const char *const exts[] = {
		"wav", "mp3", "flac", "aiff", "m4a", "mp4", "ogg", "opus",
		"aac", "wma", "alac",
	};
	char file[32];
	size_t i;

	CHECK_STR_EQ(names_type_for("a.wav"), "audio/wav");
	CHECK_STR_EQ(names_type_for("A [1].MP3"), "audio/mpeg");
	CHECK_STR_EQ(names_type_for("x.m4a"), "audio/mp4");
	CHECK_STR_EQ(names_type_for("x.mp4"), "video/mp4");
	CHECK_STR_EQ(names_type_for("x.aif"), "audio/aiff");
	CHECK_STR_EQ(names_type_for("x.tar.flac"), "audio/flac");
	CHECK_STR_EQ(names_type_for("x.flac.txt"), "application/octet-stream");
	CHECK_STR_EQ(names_type_for("noext"), "application/octet-stream");
	CHECK_STR_EQ(names_type_for("x."), "application/octet-stream");
	CHECK_STR_EQ(names_type_for(""), "application/octet-stream");
	CHECK_STR_EQ(names_type_for(NULL), "application/octet-stream");
	/* each extension's canonical type maps back to the same extension */
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		snprintf(file, sizeof(file), "t.%s", exts[i]);
		CHECK_STR_EQ(ext_for(names_type_for(file), NULL), exts[i]);
	}
}

int main(void)
{
	RUN(test_names_plain);
	RUN(test_names_slash_and_dots);
	RUN(test_names_controls);
	RUN(test_names_whitespace);
	RUN(test_names_invalid_utf8);
	RUN(test_names_emoji);
	RUN(test_names_long_cut_on_boundary);
	RUN(test_names_long_edge_cases);
	RUN(test_names_deterministic);
	RUN(test_names_playlist_dir);
	RUN(test_names_playlist_entry);
	RUN(test_names_ext_for_content_type);
	RUN(test_names_ext_for_disposition);
	RUN(test_names_type_for);
	return CHECK_DONE();
}
