// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The watchdog's records and its table of open uploads: several uploads
 * open at once, each ended by its own record, and malformed records
 * changing nothing.  The process itself is exercised by t0031 and t0051.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "src/s3_guard_i.h"

static int apply(struct guard_table *t, int type, const char *b,
		 const char *k, const char *id)
{
	char rec[GUARD_RECORD_MAX];
	int n = guard_record_encode(type, b, k, id, rec, sizeof(rec));

	return n < 0 ? n : guard_table_apply(t, rec, (size_t)n);
}

static int has(const struct guard_table *t, const char *b, const char *k,
	       const char *id)
{
	const char *eb, *ek, *eid;
	size_t i;

	for (i = 0; i < t->n; i++) {
		guard_entry_split(&t->v[i], &eb, &ek, &eid);
		if (!strcmp(eb, b) && !strcmp(ek, k) && !strcmp(eid, id))
			return 1;
	}
	return 0;
}

static void test_s3_guard_encode(void)
{
	char rec[64];

	CHECK_INT_EQ(guard_record_encode(GUARD_BEGUN, "b", "k/x", "id1", rec, sizeof(rec)), 10);
	CHECK_MEM_EQ(rec, "Bb\0k/x\0id1", 10);
	CHECK_INT_EQ(guard_record_encode(GUARD_STOP, NULL, NULL, NULL, rec, sizeof(rec)), 1);
	CHECK_INT_EQ(rec[0], 'S');
	CHECK_INT_EQ(guard_record_encode('X', "b", "k", "i", rec, sizeof(rec)), -EINVAL);
	/* seven bytes and a NUL do not fit in six */
	CHECK_INT_EQ(guard_record_encode(GUARD_ENDED, "bb", "k", "i", rec, 6), -ENAMETOOLONG);
}

static void test_s3_guard_several_open(void)
{
	struct guard_table t = { 0 };
	char name[32];
	int i;

	CHECK_INT_EQ(apply(&t, GUARD_BEGUN, "b", "a.wav", "u1"), GUARD_BEGUN);
	CHECK_INT_EQ(apply(&t, GUARD_BEGUN, "b", "b.wav", "u2"), GUARD_BEGUN);
	CHECK_INT_EQ(t.n, 2);
	/* the first to end is not the last begun */
	CHECK_INT_EQ(apply(&t, GUARD_ENDED, "b", "a.wav", "u1"), GUARD_ENDED);
	CHECK_INT_EQ(t.n, 1);
	CHECK(has(&t, "b", "b.wav", "u2"));
	/* many at once grow the table */
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		CHECK_INT_EQ(apply(&t, GUARD_BEGUN, "b", name, "u"), GUARD_BEGUN);
	}
	CHECK_INT_EQ(t.n, 41);
	for (i = 0; i < 40; i += 2) {
		snprintf(name, sizeof(name), "k%d", i);
		apply(&t, GUARD_ENDED, "b", name, "u");
	}
	CHECK_INT_EQ(t.n, 21);
	CHECK(has(&t, "b", "k39", "u") && !has(&t, "b", "k38", "u"));
	guard_table_release(&t);
	CHECK(t.n == 0 && t.v == NULL);
}

static void test_s3_guard_keyed_by_triple(void)
{
	struct guard_table t = { 0 };

	/* The same id under two keys: two uploads (RGW's ids are only unique
	 * per object). */
	apply(&t, GUARD_BEGUN, "b", "k1", "same");
	apply(&t, GUARD_BEGUN, "b", "k2", "same");
	CHECK_INT_EQ(t.n, 2);
	apply(&t, GUARD_ENDED, "b", "k2", "same");
	CHECK(has(&t, "b", "k1", "same") && t.n == 1);
	/* a repeated begin is one upload; an unknown end changes nothing */
	apply(&t, GUARD_BEGUN, "b", "k1", "same");
	CHECK_INT_EQ(t.n, 1);
	CHECK_INT_EQ(apply(&t, GUARD_ENDED, "other", "k1", "same"), GUARD_ENDED);
	CHECK_INT_EQ(t.n, 1);
	apply(&t, GUARD_ENDED, "b", "k1", "same");
	CHECK_INT_EQ(t.n, 0);
	guard_table_release(&t);
}

static void test_s3_guard_malformed(void)
{
	struct guard_table t = { 0 };

	CHECK_INT_EQ(guard_table_apply(&t, "", 0), -EINVAL);
	CHECK_INT_EQ(guard_table_apply(&t, "B", 1), -EINVAL);
	CHECK_INT_EQ(guard_table_apply(&t, "Bb\0k", 4), -EINVAL);	/* two strings */
	CHECK_INT_EQ(guard_table_apply(&t, "Bb\0\0i", 5), -EINVAL);	/* empty key */
	CHECK_INT_EQ(guard_table_apply(&t, "Bb\0k\0i\0", 7), -EINVAL);	/* trailing NUL */
	CHECK_INT_EQ(guard_table_apply(&t, "Bb\0k\0i\0j", 8), -EINVAL);	/* four */
	CHECK_INT_EQ(guard_table_apply(&t, "Zb\0k\0i", 6), -EINVAL);
	CHECK_INT_EQ(guard_table_apply(&t, "Bb\0k\0i", 6), GUARD_BEGUN);
	CHECK_INT_EQ(t.n, 1);
	guard_table_release(&t);
}

static void test_s3_guard_clean_stop_forgets(void)
{
	struct guard_table t = { 0 };

	apply(&t, GUARD_BEGUN, "b", "k1", "u1");
	apply(&t, GUARD_BEGUN, "b", "k2", "u2");
	CHECK_INT_EQ(apply(&t, GUARD_STOP, NULL, NULL, NULL), GUARD_STOP);
	CHECK_INT_EQ(t.n, 0);
	guard_table_release(&t);
}

int main(void)
{
	RUN(test_s3_guard_encode);
	RUN(test_s3_guard_several_open);
	RUN(test_s3_guard_keyed_by_triple);
	RUN(test_s3_guard_malformed);
	RUN(test_s3_guard_clean_stop_forgets);
	return CHECK_DONE();
}
