// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sync_plan: missing and changed sources are copied, unchanged ones
 * skipped, gone ones deleted only with --delete and only directly under
 * the prefix.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sync_plan.h"

static const struct sync_source sources[] = {
	{ "b [2].wav", 200 },	/* unchanged */
	{ "a [1].wav", 100 },	/* missing */
	{ "c [3].wav", 301 },	/* size differs */
	{ "d [4].m4a", -1 },	/* size unknown */
};

static const struct sync_object objects[] = {
	{ "band/z [9].wav", 5 },	/* gone upstream */
	{ "band/b [2].wav", 200 },
	{ "band/c [3].wav", 300 },
	{ "band/d [4].m4a", 4 },
	{ "band/sub/x.wav", 1 },	/* deeper: not ours */
	{ "other/a [1].wav", 100 },	/* outside the prefix */
	{ "band/", 0 },			/* a folder marker */
};

#define N(a) (sizeof(a) / sizeof(a[0]))

static void test_sync_plan_decides_each_source(void)
{
	struct sync_step *st = NULL;
	size_t n = 0;

	CHECK_INT_EQ(sync_plan("band/", sources, N(sources), objects, N(objects),
			       0, &st, &n), 0);
	CHECK_INT_EQ(n, 4);
	/* name order: a, b, c, d */
	CHECK_INT_EQ(st[0].action, SYNC_COPY);
	CHECK_INT_EQ(st[0].index, 1);
	CHECK_STR_EQ(st[0].why, "missing");
	CHECK_INT_EQ(st[1].action, SYNC_SKIP);
	CHECK_INT_EQ(st[1].index, 0);
	CHECK_STR_EQ(st[1].why, "unchanged");
	CHECK_INT_EQ(st[2].action, SYNC_COPY);
	CHECK_STR_EQ(st[2].why, "size differs");
	CHECK_INT_EQ(st[3].action, SYNC_COPY);
	CHECK_STR_EQ(st[3].why, "size unknown");
	free(st);
}

static void test_sync_plan_deletes_only_direct_children(void)
{
	struct sync_step *st = NULL;
	size_t n = 0;

	CHECK_INT_EQ(sync_plan("band/", sources, N(sources), objects, N(objects),
			       1, &st, &n), 0);
	CHECK_INT_EQ(n, 5);
	CHECK_INT_EQ(st[4].action, SYNC_DELETE);
	CHECK_INT_EQ(st[4].index, 0);	/* band/z [9].wav */
	CHECK_STR_EQ(st[4].why, "source gone");
	free(st);
}

static void test_sync_plan_second_run_copies_nothing(void)
{
	static const struct sync_object done[] = {
		{ "a [1].wav", 100 }, { "b [2].wav", 200 },
	};
	static const struct sync_source same[] = {
		{ "b [2].wav", 200 }, { "a [1].wav", 100 },
	};
	struct sync_step *st = NULL;
	size_t n = 0, i;

	CHECK_INT_EQ(sync_plan("", same, 2, done, 2, 1, &st, &n), 0);
	CHECK_INT_EQ(n, 2);
	for (i = 0; i < n; i++)
		CHECK_INT_EQ(st[i].action, SYNC_SKIP);
	free(st);
}

static void test_sync_plan_deletions_survive_interleaving(void)
{
	/* deletions sort between copies: none may be lost */
	static const struct sync_source s[] = { { "b", 1 }, { "d", 1 } };
	static const struct sync_object o[] = {
		{ "p/a", 1 }, { "p/c", 1 }, { "p/e", 1 },
	};
	struct sync_step *st = NULL;
	size_t n = 0;

	CHECK_INT_EQ(sync_plan("p/", s, 2, o, 3, 1, &st, &n), 0);
	CHECK_INT_EQ(n, 5);
	CHECK_INT_EQ(st[0].action, SYNC_COPY);
	CHECK_INT_EQ(st[1].action, SYNC_COPY);
	CHECK_INT_EQ(st[2].action, SYNC_DELETE);
	CHECK_INT_EQ(st[2].index, 0);
	CHECK_INT_EQ(st[3].index, 1);
	CHECK_INT_EQ(st[4].index, 2);
	free(st);
}

static void test_sync_plan_refuses_duplicate_names(void)
{
	static const struct sync_source dup[] = { { "x", 1 }, { "x", 2 } };
	struct sync_step *st = NULL;
	size_t n = 0;

	CHECK_INT_EQ(sync_plan("", dup, 2, NULL, 0, 0, &st, &n), -EINVAL);
	CHECK(st == NULL);
}

static void test_sync_plan_empty_inputs(void)
{
	struct sync_step *st = NULL;
	size_t n = 7;

	CHECK_INT_EQ(sync_plan("p/", NULL, 0, NULL, 0, 1, &st, &n), 0);
	CHECK_INT_EQ(n, 0);
	free(st);
}

int main(void)
{
	RUN(test_sync_plan_decides_each_source);
	RUN(test_sync_plan_deletes_only_direct_children);
	RUN(test_sync_plan_second_run_copies_nothing);
	RUN(test_sync_plan_deletions_survive_interleaving);
	RUN(test_sync_plan_refuses_duplicate_names);
	RUN(test_sync_plan_empty_inputs);
	return CHECK_DONE();
}
