// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "check.h"
#include "http.h"

static void test_http_status_to_errno_table(void)
{
	static const struct {
		long status;
		int err;
	} cases[] = {
		{ 200, 0 }, { 201, 0 }, { 204, 0 }, { 206, 0 }, { 299, 0 },
		{ 304, 0 },
		{ 100, -EIO }, { 199, -EIO },
		{ 300, -EIO }, { 301, -EIO }, { 302, -EIO }, { 307, -EIO },
		{ 400, -EINVAL }, { 405, -EINVAL }, { 411, -EINVAL },
		{ 401, -EACCES }, { 403, -EACCES },
		{ 404, -ENOENT }, { 410, -ENOENT },
		{ 408, -ETIMEDOUT }, { 504, -ETIMEDOUT },
		{ 409, -EBUSY },
		{ 412, -ESTALE },
		{ 413, -EFBIG },
		{ 416, -ERANGE },
		{ 429, -EAGAIN },
		{ 507, -ENOSPC },
		{ 402, -EIO }, { 418, -EIO }, { 451, -EIO },
		{ 500, -EIO }, { 501, -EIO }, { 502, -EIO }, { 503, -EIO },
		{ 599, -EIO }, { 600, -EIO }, { 0, -EIO }, { -1, -EIO },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT_EQ(http_status_to_errno(cases[i].status), cases[i].err);
		if (http_status_to_errno(cases[i].status) != cases[i].err)
			fprintf(stderr, "  status %ld\n", cases[i].status);
	}
}

static void test_http_is_retryable(void)
{
	static const int transport_retry[] = {
		-ECONNREFUSED, -EHOSTUNREACH, -ETIMEDOUT, -ECONNRESET, -EIO,
	};
	static const int transport_final[] = { -E2BIG, -ECANCELED, -ENOMEM };
	static const long status_retry[] = { 408, 429, 500, 502, 503, 504, 599 };
	static const long status_final[] = {
		200, 206, 304, 400, 401, 403, 404, 409, 412, 416, 499, 501,
		505, 600,
	};
	size_t i;

	for (i = 0; i < sizeof(transport_retry) / sizeof(transport_retry[0]); i++) {
		CHECK_INT_EQ(http_is_retryable(transport_retry[i], 0), 1);
		/* the status does not matter for a transport failure */
		CHECK_INT_EQ(http_is_retryable(transport_retry[i], 404), 1);
	}
	for (i = 0; i < sizeof(transport_final) / sizeof(transport_final[0]); i++) {
		CHECK_INT_EQ(http_is_retryable(transport_final[i], 0), 0);
		CHECK_INT_EQ(http_is_retryable(transport_final[i], 503), 0);
	}
	for (i = 0; i < sizeof(status_retry) / sizeof(status_retry[0]); i++)
		CHECK_INT_EQ(http_is_retryable(0, status_retry[i]), 1);
	for (i = 0; i < sizeof(status_final) / sizeof(status_final[0]); i++)
		CHECK_INT_EQ(http_is_retryable(0, status_final[i]), 0);
}

static unsigned min_u(unsigned a, unsigned b)
{
	return a < b ? a : b;
}

static void test_http_backoff_bounds(void)
{
	const unsigned base = 100, cap = 5000;
	unsigned attempt, i, d, v, seed = 12345, lo, hi;
	int in_bounds, spread;

	for (attempt = 0; attempt < 12; attempt++) {
		d = attempt < 16 ? min_u(cap, base << attempt) : cap;
		in_bounds = 1;
		lo = ~0u;
		hi = 0;
		for (i = 0; i < 500; i++) {
			v = http_backoff_ms(attempt, base, cap, &seed);
			if (v < d / 2 || v > d)
				in_bounds = 0;
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
		CHECK(in_bounds);
		if (!in_bounds)
			fprintf(stderr, "  attempt %u: [%u, %u] not in [%u, %u]\n",
				attempt, lo, hi, d / 2, d);
		/* jitter: 500 draws do not all land on one value */
		spread = hi > lo;
		CHECK(spread);
	}
}

static void test_http_backoff_growth_and_cap(void)
{
	unsigned seed = 1, i, v, max_seen = 0;
	int capped = 1;

	/* attempts far past the cap, with no overflow of base << attempt */
	for (i = 0; i < 200; i++) {
		v = http_backoff_ms(40 + i, 250, 30000, &seed);
		if (v < 15000 || v > 30000)
			capped = 0;
		max_seen = v > max_seen ? v : max_seen;
	}
	CHECK(capped);
	CHECK(max_seen > 15000);
	/* a huge attempt number still respects the cap */
	v = http_backoff_ms(~0u, 1000, 8000, &seed);
	CHECK(v >= 4000 && v <= 8000);
	/* base above the cap: the cap wins */
	v = http_backoff_ms(0, 10000, 3000, &seed);
	CHECK(v >= 1500 && v <= 3000);
	/* degenerate bases */
	CHECK_INT_EQ(http_backoff_ms(5, 0, 1000, &seed), 0);
	CHECK_INT_EQ(http_backoff_ms(0, 1, 1000, &seed), 1);
	/* each step's upper bound doubles: attempt 3 with base 100 tops at 800 */
	for (i = 0, max_seen = 0; i < 500; i++) {
		v = http_backoff_ms(3, 100, 100000, &seed);
		max_seen = v > max_seen ? v : max_seen;
	}
	CHECK(max_seen > 700 && max_seen <= 800);
}

static void test_http_backoff_deterministic_seed(void)
{
	unsigned s1 = 77, s2 = 77, i;
	int same = 1;

	for (i = 0; i < 50; i++)
		if (http_backoff_ms(i % 8, 100, 10000, &s1) !=
		    http_backoff_ms(i % 8, 100, 10000, &s2))
			same = 0;
	CHECK(same);
	CHECK_INT_EQ(s1, s2);
}

static void test_http_request_init_defaults(void)
{
	struct http_request req;
	struct http_request zero;

	memset(&req, 0xa5, sizeof(req));
	http_request_init(&req, "GET", "https://example.com/x");
	CHECK_STR_EQ(req.method, "GET");
	CHECK_STR_EQ(req.url, "https://example.com/x");
	CHECK_INT_EQ(req.range_start, -1);
	CHECK_INT_EQ(req.range_end, -1);
	CHECK(req.headers == NULL);
	CHECK(req.body == NULL);
	CHECK_INT_EQ(req.body_len, 0);
	CHECK(req.dest == NULL);
	CHECK_INT_EQ(req.dest_len, 0);
	CHECK_INT_EQ(req.max_body, 0);
	/* every other field is zero, whatever fields get added later */
	memset(&zero, 0, sizeof(zero));
	req.method = NULL;
	req.url = NULL;
	req.range_start = 0;
	req.range_end = 0;
	CHECK_MEM_EQ(&req, &zero, sizeof(req));
}

int main(void)
{
	RUN(test_http_status_to_errno_table);
	RUN(test_http_is_retryable);
	RUN(test_http_backoff_bounds);
	RUN(test_http_backoff_growth_and_cap);
	RUN(test_http_backoff_deterministic_seed);
	RUN(test_http_request_init_defaults);
	return CHECK_DONE();
}
