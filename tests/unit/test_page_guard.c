// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pagination guards, one quirk of the real API per case (RESEARCH.md
 * §0.6, A.4): empty pages that go on, a next_href that loops, one on
 * another host, and too many pages.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "page_guard.h"

#define API "https://api.soundcloud.com"
#define FIRST API "/users/1/tracks?limit=200&linked_partitioning=true"

static const char *page(int n)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), API "/users/1/tracks?cursor=c%d", n);
	return buf;
}

static void test_page_guard_normal_listing(void)
{
	struct page_guard g;

	CHECK_INT_EQ(page_guard_init(&g, API, FIRST, 0, 0), 0);
	CHECK_INT_EQ(page_guard_next(&g, 200, page(2)), PAGE_FOLLOW);
	CHECK_INT_EQ(page_guard_next(&g, 200, page(3)), PAGE_FOLLOW);
	CHECK_INT_EQ(page_guard_next(&g, 17, NULL), PAGE_DONE);
	CHECK_INT_EQ(g.pages, 3);
	page_guard_release(&g);
	CHECK(g.seen == NULL && g.origin == NULL);

	/* an empty string is no next page */
	CHECK_INT_EQ(page_guard_init(&g, API, NULL, 0, 0), 0);
	CHECK_INT_EQ(page_guard_next(&g, 0, ""), PAGE_DONE);
	page_guard_release(&g);
}

static void test_page_guard_empty_pages_followed(void)
{
	struct page_guard g;
	int i, v = 0;

	/* Private tracks take slots: empty pages with a next_href are
	 * followed... */
	CHECK_INT_EQ(page_guard_init(&g, API, FIRST, 0, 4), 0);
	for (i = 2; i <= 4; i++)
		CHECK_INT_EQ(page_guard_next(&g, 0, page(i)), PAGE_FOLLOW);
	/* ... and a full page resets the run */
	CHECK_INT_EQ(page_guard_next(&g, 3, page(5)), PAGE_FOLLOW);
	for (i = 6; i <= 8; i++)
		CHECK_INT_EQ(page_guard_next(&g, 0, page(i)), PAGE_FOLLOW);
	/* ... but not forever */
	v = page_guard_next(&g, 0, page(9));
	CHECK_INT_EQ(v, PAGE_STOP_EMPTY);
	CHECK_STR_EQ(page_verdict_name(v), "too many empty pages in a row");
	page_guard_release(&g);

	/* the default bound */
	CHECK_INT_EQ(page_guard_init(&g, API, FIRST, 0, 0), 0);
	for (i = 0; i < PAGE_GUARD_MAX_EMPTY - 1; i++)
		v = page_guard_next(&g, 0, page(i + 2));
	CHECK_INT_EQ(v, PAGE_FOLLOW);
	CHECK_INT_EQ(page_guard_next(&g, 0, page(1000)), PAGE_STOP_EMPTY);
	page_guard_release(&g);
}

static void test_page_guard_loop(void)
{
	struct page_guard g;

	CHECK_INT_EQ(page_guard_init(&g, API, FIRST, 0, 0), 0);
	CHECK_INT_EQ(page_guard_next(&g, 200, page(2)), PAGE_FOLLOW);
	CHECK_INT_EQ(page_guard_next(&g, 200, page(3)), PAGE_FOLLOW);
	/* a next_href seen before: the listing would never end */
	CHECK_INT_EQ(page_guard_next(&g, 200, page(2)), PAGE_STOP_LOOP);
	page_guard_release(&g);

	/* pointing back at the first page is a loop too */
	CHECK_INT_EQ(page_guard_init(&g, API, FIRST, 0, 0), 0);
	CHECK_INT_EQ(page_guard_next(&g, 200, FIRST), PAGE_STOP_LOOP);
	page_guard_release(&g);

	/* a page that names itself */
	CHECK_INT_EQ(page_guard_init(&g, API, FIRST, 0, 0), 0);
	CHECK_INT_EQ(page_guard_next(&g, 200, page(2)), PAGE_FOLLOW);
	CHECK_INT_EQ(page_guard_next(&g, 200, page(2)), PAGE_STOP_LOOP);
	page_guard_release(&g);
}

static void test_page_guard_foreign_host(void)
{
	static const char *const foreign[] = {
		"http://api-internal.soundcloud.invalid/users/1/tracks?cursor=x",
		"http://api.soundcloud.com/users/1/tracks?cursor=x",	/* scheme */
		"https://api.soundcloud.com:8443/users/1/tracks",	/* port */
		"https://api.soundcloud.com.evil.example/users/1/tracks",
		"https://api.soundcloud.com@evil.example/users/1/tracks",
		"https://evil.example/https://api.soundcloud.com/x",
		"/users/1/tracks?cursor=x",				/* relative */
		"api.soundcloud.com/users/1/tracks",
	};
	struct page_guard g;
	size_t i;
	int v;

	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		CHECK_INT_EQ(page_guard_init(&g, API, FIRST, 0, 0), 0);
		v = page_guard_next(&g, 200, foreign[i]);
		CHECK_INT_EQ(v, PAGE_FOREIGN);
		if (v != PAGE_FOREIGN)
			fprintf(stderr, "  next_href '%s'\n", foreign[i]);
		page_guard_release(&g);
	}
	/* the host is compared without regard to case */
	CHECK_INT_EQ(page_guard_init(&g, API, FIRST, 0, 0), 0);
	CHECK_INT_EQ(page_guard_next(&g, 1, "https://API.SoundCloud.com/users/1/tracks?c=2"),
		     PAGE_FOLLOW);
	page_guard_release(&g);
}

static void test_page_guard_max_pages(void)
{
	struct page_guard g;
	int i;

	CHECK_INT_EQ(page_guard_init(&g, API, FIRST, 5, 0), 0);
	for (i = 2; i <= 5; i++)
		CHECK_INT_EQ(page_guard_next(&g, 200, page(i)), PAGE_FOLLOW);
	CHECK_INT_EQ(page_guard_next(&g, 200, page(6)), PAGE_STOP_MAX);
	page_guard_release(&g);
	/* the last page is complete whatever the count */
	CHECK_INT_EQ(page_guard_init(&g, API, FIRST, 1, 0), 0);
	CHECK_INT_EQ(page_guard_next(&g, 200, NULL), PAGE_DONE);
	page_guard_release(&g);
}

static void test_page_guard_same_origin(void)
{
	CHECK(page_guard_same_origin(API, API "/x"));
	CHECK(page_guard_same_origin(API "/", API "?q=1"));
	CHECK(page_guard_same_origin("http://127.0.0.1:4000", "http://127.0.0.1:4000/a"));
	CHECK(!page_guard_same_origin("http://127.0.0.1:4000", "http://127.0.0.1:4001/a"));
	CHECK(!page_guard_same_origin("http://127.0.0.1:4000", "http://127.0.0.1/a"));
	CHECK(!page_guard_same_origin(API, NULL));
	CHECK(!page_guard_same_origin(NULL, API));
	CHECK(!page_guard_same_origin("nonsense", "nonsense"));
	CHECK(!page_guard_same_origin(API, "https://"));
}

static void test_page_guard_bad_api_url(void)
{
	struct page_guard g;

	CHECK_INT_EQ(page_guard_init(&g, "not a url", NULL, 0, 0), -EINVAL);
	page_guard_release(&g);
	CHECK_STR_EQ(page_verdict_name(-1), "?");
	CHECK_STR_EQ(page_verdict_name(PAGE_FOREIGN), "a next page on another host");
}

int main(void)
{
	RUN(test_page_guard_normal_listing);
	RUN(test_page_guard_empty_pages_followed);
	RUN(test_page_guard_loop);
	RUN(test_page_guard_foreign_host);
	RUN(test_page_guard_max_pages);
	RUN(test_page_guard_same_origin);
	RUN(test_page_guard_bad_api_url);
	return CHECK_DONE();
}
