/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small in-tree test harness (after redis testhelp.h and libfuse's
 * test_loop_config.c): each CHECK prints one line on failure, counts, and
 * lets the test go on.  A test file calls RUN(fn) per case and ends with
 * CHECK_DONE(), which returns 0 when every check passed, 1 otherwise.
 */
#ifndef SCFS_CHECK_H
#define SCFS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond) \
	do { \
		check_count++; \
		if (!(cond)) { \
			check_failures++; \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		} \
	} while (0)

#define CHECK_INT_EQ(a, b) \
	do { \
		long long check_a = (long long)(a), check_b = (long long)(b); \
		check_count++; \
		if (check_a != check_b) { \
			check_failures++; \
			fprintf(stderr, "FAIL %s:%d: %s == %s (%lld != %lld)\n", \
				__FILE__, __LINE__, #a, #b, check_a, check_b); \
		} \
	} while (0)

#define CHECK_STR_EQ(a, b) \
	do { \
		const char *check_a = (a), *check_b = (b); \
		check_count++; \
		if (!check_a || !check_b || strcmp(check_a, check_b) != 0) { \
			check_failures++; \
			fprintf(stderr, "FAIL %s:%d: %s == %s (\"%s\" != \"%s\")\n", \
				__FILE__, __LINE__, #a, #b, \
				check_a ? check_a : "(null)", \
				check_b ? check_b : "(null)"); \
		} \
	} while (0)

#define CHECK_MEM_EQ(a, b, n) \
	do { \
		check_count++; \
		if (memcmp((a), (b), (n)) != 0) { \
			check_failures++; \
			fprintf(stderr, "FAIL %s:%d: memcmp(%s, %s, %s)\n", \
				__FILE__, __LINE__, #a, #b, #n); \
		} \
	} while (0)

#define RUN(fn) \
	do { \
		int check_before = check_failures; \
		fn(); \
		printf("%s %s\n", check_failures == check_before ? "ok" : "not ok", #fn); \
	} while (0)

#define CHECK_DONE() \
	(printf("%d checks, %d failed\n", check_count, check_failures), \
	 check_failures ? 1 : 0)

#endif
