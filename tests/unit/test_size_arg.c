// SPDX-License-Identifier: GPL-2.0-or-later
/* size_arg: the sizes scfs's -o options and sc2s3's flags take. */
#include <errno.h>
#include <stdint.h>

#include "check.h"
#include "size_arg.h"

static uint64_t parsed(const char *text, unsigned bare_shift)
{
	uint64_t v = 12345;

	CHECK_INT_EQ(size_arg_parse(text, bare_shift, &v), 0);
	return v;
}

static void test_size_arg_units(void)
{
	CHECK(parsed("0", 0) == 0);
	CHECK(parsed("8388608", 0) == 8388608);
	CHECK(parsed("500", 20) == 500ull << 20);	/* a bare number in MiB */
	CHECK(parsed("8M", 0) == 8ull << 20);
	CHECK(parsed("8m", 20) == 8ull << 20);
	CHECK(parsed("512KB", 0) == 512ull << 10);
	CHECK(parsed("1GiB", 0) == 1ull << 30);
	CHECK(parsed("2T", 0) == 2ull << 40);
	CHECK(parsed("16777215T", 0) == 16777215ull << 40);
}

static void test_size_arg_refused(void)
{
	static const char *const bad[] = { "", "-1", "+1", " 1", "1 ", "M",
		"1X", "1Mi", "1MiBs", "1.5G", "16777216T",
		"99999999999999999999999", NULL };
	uint64_t v = 7;
	int i;

	for (i = 0; bad[i]; i++) {
		CHECK_INT_EQ(size_arg_parse(bad[i], 20, &v), -EINVAL);
		CHECK(v == 7);
	}
}

int main(void)
{
	RUN(test_size_arg_units);
	RUN(test_size_arg_refused);
	return CHECK_DONE();
}
