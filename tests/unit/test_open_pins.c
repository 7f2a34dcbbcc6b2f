// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * open_pins: a new version of a track never meets the old one's page cache
 * or size (include/open_pins.h).
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "open_pins.h"

#define P "/band/tracks/Take [1].wav"

static struct open_decision open_v(struct open_pins *p, const char *key,
				   int64_t size)
{
	struct open_decision d;

	CHECK_INT_EQ(open_pins_open(p, P, key, size, 1000 + size, &d), 0);
	return d;
}

static void test_open_pins_same_version_shares_the_cache(void)
{
	struct open_pins *p;
	struct open_decision d;
	int64_t size;
	time_t mtime;

	CHECK_INT_EQ(open_pins_new(&p), 0);
	CHECK_INT_EQ(open_pins_attr(p, P, &size, &mtime), 0);
	d = open_v(p, "v1", 100);
	CHECK(d.mode == OPEN_CACHED && !d.keep_cache && !d.invalidate);
	d = open_v(p, "v1", 100);
	CHECK(d.mode == OPEN_CACHED && d.keep_cache && !d.invalidate);
	CHECK_INT_EQ(open_pins_attr(p, P, &size, &mtime), 1);
	CHECK_INT_EQ(size, 100);
	CHECK_INT_EQ(mtime, 1100);
	CHECK_INT_EQ(open_pins_close(p, P), 0);
	CHECK_INT_EQ(open_pins_close(p, P), 0);
	CHECK_INT_EQ(open_pins_attr(p, P, &size, &mtime), 0);
	/* closed, unchanged: the kernel's pages are still good */
	d = open_v(p, "v1", 100);
	CHECK(d.mode == OPEN_CACHED && d.keep_cache);
	CHECK_INT_EQ(open_pins_close(p, P), 0);
	/* closing what is not open is harmless */
	CHECK_INT_EQ(open_pins_close(p, P), 0);
	CHECK_INT_EQ(open_pins_close(p, "/never/opened"), 0);
	open_pins_free(p);
}

static void test_open_pins_change_while_open(void)
{
	struct open_pins *p;
	struct open_decision d;
	int64_t size;
	time_t mtime;

	CHECK_INT_EQ(open_pins_new(&p), 0);
	d = open_v(p, "v1", 100);
	CHECK(d.mode == OPEN_CACHED);
	/* a refresh changes the track: nothing to do while it is pinned */
	CHECK_INT_EQ(open_pins_changed(p, P), 0);
	/* getattr keeps the old size, so the old descriptor is not cut */
	CHECK_INT_EQ(open_pins_attr(p, P, &size, &mtime), 1);
	CHECK_INT_EQ(size, 100);
	/* the new version goes around the page cache */
	d = open_v(p, "v2", 50);
	CHECK(d.mode == OPEN_DIRECT && !d.invalidate);
	/* a second opener of the old version shares its pages */
	d = open_v(p, "v1", 100);
	CHECK(d.mode == OPEN_CACHED && d.keep_cache);
	CHECK_INT_EQ(open_pins_close(p, P), 0);
	/* the last close of the old version drops the kernel's view */
	CHECK_INT_EQ(open_pins_close(p, P), 1);
	CHECK_INT_EQ(open_pins_attr(p, P, &size, &mtime), 0);
	d = open_v(p, "v2", 50);
	CHECK(d.mode == OPEN_DIRECT && !d.invalidate);	/* until it is done */
	open_pins_invalidated(p, P);
	d = open_v(p, "v2", 50);
	CHECK(d.mode == OPEN_CACHED && !d.keep_cache && !d.invalidate);
	CHECK_INT_EQ(open_pins_attr(p, P, &size, &mtime), 1);
	CHECK_INT_EQ(size, 50);
	CHECK_INT_EQ(open_pins_close(p, P), 0);
	open_pins_free(p);
}

static void test_open_pins_change_while_closed(void)
{
	struct open_pins *p;
	struct open_decision d;

	CHECK_INT_EQ(open_pins_new(&p), 0);
	/* a path never opened still has attributes in the kernel */
	CHECK_INT_EQ(open_pins_changed(p, "/u/tracks/other"), 1);
	d = (struct open_decision){ 0 };
	CHECK_INT_EQ(open_pins_open(p, "/u/tracks/other", "x", 1, 1, &d), 0);
	CHECK(d.mode == OPEN_DIRECT);
	open_pins_invalidated(p, "/u/tracks/other");

	d = open_v(p, "v1", 100);
	CHECK_INT_EQ(open_pins_close(p, P), 0);
	CHECK_INT_EQ(open_pins_changed(p, P), 1);
	d = open_v(p, "v2", 120);
	CHECK(d.mode == OPEN_DIRECT && !d.invalidate);
	open_pins_invalidated(p, P);
	/* the kernel holds nothing of v1 any more */
	d = open_v(p, "v2", 120);
	CHECK(d.mode == OPEN_CACHED && !d.keep_cache);
	CHECK_INT_EQ(open_pins_close(p, P), 0);
	/* an extra "done" never goes below zero */
	open_pins_invalidated(p, P);
	d = open_v(p, "v2", 120);
	CHECK(d.mode == OPEN_CACHED && d.keep_cache);
	CHECK_INT_EQ(open_pins_close(p, P), 0);
	open_pins_free(p);
}

static void test_open_pins_unannounced_version(void)
{
	struct open_pins *p;
	struct open_decision d;

	/* A new version seen without a refresh's word (it cannot happen
	 * today, but a stale kernel size would cut reads short): drop the
	 * kernel's view before any cached open of it. */
	CHECK_INT_EQ(open_pins_new(&p), 0);
	d = open_v(p, "v1", 100);
	CHECK_INT_EQ(open_pins_close(p, P), 0);
	d = open_v(p, "v2", 120);
	CHECK(d.mode == OPEN_DIRECT && d.invalidate);
	d = open_v(p, "v2", 120);
	CHECK(d.mode == OPEN_DIRECT && !d.invalidate);
	open_pins_invalidated(p, P);
	d = open_v(p, "v2", 120);
	CHECK(d.mode == OPEN_CACHED && !d.keep_cache);
	CHECK_INT_EQ(open_pins_close(p, P), 0);
	open_pins_free(p);
	open_pins_free(NULL);
}

int main(void)
{
	RUN(test_open_pins_same_version_shares_the_cache);
	RUN(test_open_pins_change_while_open);
	RUN(test_open_pins_change_while_closed);
	RUN(test_open_pins_unannounced_version);
	return CHECK_DONE();
}
