// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>

#include "buf.h"
#include "check.h"
#include "log.h"

static void test_buf_append_and_max(void)
{
	struct buf b;

	buf_init(&b, 8);
	CHECK_STR_EQ(buf_str(&b), "");
	CHECK_INT_EQ(buf_append(&b, "abcd", 4), 0);
	CHECK_INT_EQ(buf_appendf(&b, "%d", 123), 0);
	CHECK_STR_EQ(buf_str(&b), "abcd123");
	CHECK_INT_EQ(buf_append(&b, "xy", 2), -E2BIG);
	/* the buffer released itself */
	CHECK_INT_EQ(b.len, 0);
	CHECK(b.data == NULL);
	buf_release(&b);
}

static void test_buf_detach(void)
{
	struct buf b;
	char *s;

	buf_init(&b, 100);
	CHECK_INT_EQ(buf_appends(&b, "hello"), 0);
	s = buf_detach(&b);
	CHECK_STR_EQ(s, "hello");
	CHECK(b.data == NULL);
	free(s);
}

static void test_log_url_strips_query_and_userinfo(void)
{
	char out[128];

	CHECK_STR_EQ(log_url("https://cdn.example/a/b.wav?Policy=x&Signature=y",
			     out, sizeof(out)), "https://cdn.example/a/b.wav");
	CHECK_STR_EQ(log_url("http://user:pw@host:1/p#frag", out, sizeof(out)),
		     "http://host:1/p");
	CHECK_STR_EQ(log_url("http://h/p", out, 5), "http");
}

int main(void)
{
	RUN(test_buf_append_and_max);
	RUN(test_buf_detach);
	RUN(test_log_url_strips_query_and_userinfo);
	return CHECK_DONE();
}
