// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shared pause record: its format both ways, damaged files, the wait
 * it asks for, merging, file names per API and app, and extending a
 * stored pause (never shortened) under the cache directory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "rate_pause.h"
#include "statefile.h"

static struct rate_pause pause_at(int64_t until, const char *why)
{
	struct rate_pause p = { until, "" };

	snprintf(p.why, sizeof(p.why), "%s", why);
	return p;
}

static void test_rate_pause_roundtrip(void)
{
	struct rate_pause p = pause_at(1700000000123, "HTTP 429 on '/users/x/tracks'"), q;
	char text[RATE_PAUSE_FILE_MAX];

	CHECK_INT_EQ(rate_pause_format(&p, text, sizeof(text)), 0);
	CHECK_STR_EQ(text, "scfs-pause 1 1700000000123 HTTP 429 on '/users/x/tracks'\n");
	CHECK_INT_EQ(rate_pause_parse(text, strlen(text), &q), 0);
	CHECK_INT_EQ(q.until_ms, p.until_ms);
	CHECK_STR_EQ(q.why, p.why);
}

static void test_rate_pause_format_sanitises(void)
{
	struct rate_pause p = pause_at(5, "a\nb\tc\x01"), q;
	char text[RATE_PAUSE_FILE_MAX], small[8];

	CHECK_INT_EQ(rate_pause_format(&p, text, sizeof(text)), 0);
	CHECK_STR_EQ(text, "scfs-pause 1 5 a?b?c?\n");
	CHECK_INT_EQ(rate_pause_parse(text, strlen(text), &q), 0);
	CHECK_STR_EQ(q.why, "a?b?c?");
	CHECK_INT_EQ(rate_pause_format(&p, small, sizeof(small)), -ENOSPC);
}

static void test_rate_pause_parse_malformed(void)
{
	static const char *const bad[] = {
		"", "scfs-pause 1 ", "scfs-pause 2 5 x\n", "scfs-pause 1 x y\n",
		"scfs-pause 1 -5 x\n", "scfs-pause 1 5 x", "scfs-pause 1 5\n",
		"scfs-pause 1 5 x\ny\n", "token 1 5 x\n",
	};
	struct rate_pause q;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		q.until_ms = 42;
		CHECK_INT_EQ(rate_pause_parse(bad[i], strlen(bad[i]), &q), -EBADMSG);
		CHECK_INT_EQ(q.until_ms, 0);
	}
}

static void test_rate_pause_wait_and_merge(void)
{
	struct rate_pause p = pause_at(10000, "first"), later = pause_at(20000, "second");
	struct rate_pause none = { 0 };

	CHECK_INT_EQ(rate_pause_wait_ms(&p, 4000), 6000);
	CHECK_INT_EQ(rate_pause_wait_ms(&p, 10000), 0);
	CHECK_INT_EQ(rate_pause_wait_ms(&p, 30000), 0);
	CHECK_INT_EQ(rate_pause_wait_ms(&none, 1), 0);
	rate_pause_merge(&p, &none);
	CHECK_STR_EQ(p.why, "first");
	rate_pause_merge(&p, &later);
	CHECK_INT_EQ(p.until_ms, 20000);
	CHECK_STR_EQ(p.why, "second");
	rate_pause_merge(&p, &(struct rate_pause){ 15000, "shorter" });
	CHECK_STR_EQ(p.why, "second");
}

static void test_rate_pause_file_names(void)
{
	char a[RATE_PAUSE_FILE_NAME_LEN], b[RATE_PAUSE_FILE_NAME_LEN],
	     c[RATE_PAUSE_FILE_NAME_LEN], d[RATE_PAUSE_FILE_NAME_LEN];

	rate_pause_file_name("http://api", "app", a);
	rate_pause_file_name("http://api", "app", b);
	rate_pause_file_name("http://api", "other", c);
	rate_pause_file_name("http://ap", "iapp", d);
	CHECK_STR_EQ(a, b);
	CHECK(strcmp(a, c) != 0);
	CHECK(strcmp(a, d) != 0);
	CHECK_INT_EQ(strlen(a), 38);
	CHECK(!strncmp(a, "pause-", 6));
	rate_pause_file_name("http://api", NULL, c);
	CHECK(strcmp(a, c) != 0);
}

static void test_rate_pause_extend_keeps_longest(void)
{
	char dir[] = "/tmp/test_rate_pause.XXXXXX", path[128];
	struct rate_pause p = pause_at(2000, "short"), got;
	struct stat st;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT_EQ(rate_pause_load(dir, "pause-x", &got), -ENOENT);
	CHECK_INT_EQ(rate_pause_extend(dir, "pause-x", &p), 0);
	CHECK_INT_EQ(rate_pause_load(dir, "pause-x", &got), 0);
	CHECK_INT_EQ(got.until_ms, 2000);
	p = pause_at(9000, "long");
	CHECK_INT_EQ(rate_pause_extend(dir, "pause-x", &p), 0);
	p = pause_at(5000, "shorter again");
	CHECK_INT_EQ(rate_pause_extend(dir, "pause-x", &p), 0);
	CHECK_INT_EQ(p.until_ms, 9000);		/* told what is in force */
	CHECK_STR_EQ(p.why, "long");
	CHECK_INT_EQ(rate_pause_load(dir, "pause-x", &got), 0);
	CHECK_INT_EQ(got.until_ms, 9000);
	snprintf(path, sizeof(path), "%s/pause-x", dir);
	CHECK_INT_EQ(stat(path, &st), 0);
	CHECK_INT_EQ(st.st_mode & 0777, 0600);
	CHECK_INT_EQ(statefile_write(dir, "pause-x", "junk", 4), 0);
	CHECK_INT_EQ(rate_pause_load(dir, "pause-x", &got), -EBADMSG);
	CHECK_INT_EQ(got.until_ms, 0);
	p = pause_at(3000, "after damage");
	CHECK_INT_EQ(rate_pause_extend(dir, "pause-x", &p), 0);
	CHECK_INT_EQ(rate_pause_load(dir, "pause-x", &got), 0);
	CHECK_INT_EQ(got.until_ms, 3000);
	unlink(path);
	snprintf(path, sizeof(path), "%s/pause-x.lock", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	RUN(test_rate_pause_roundtrip);
	RUN(test_rate_pause_format_sanitises);
	RUN(test_rate_pause_parse_malformed);
	RUN(test_rate_pause_wait_and_merge);
	RUN(test_rate_pause_file_names);
	RUN(test_rate_pause_extend_keeps_longest);
	return CHECK_DONE();
}
