// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pure parts of sc_api: reading the user out of a /resolve location,
 * which saves one request per user and mount.
 */
#include <stdio.h>

#include "check.h"
#include "sc_api.h"

#define API "https://api.soundcloud.com"

static void test_sc_api_user_id_from_location(void)
{
	static const struct {
		const char *location;
		long long want;
	} cases[] = {
		{ API "/users/1001", 1001 },
		{ API "/users/1001/", 1001 },
		{ API "/users/soundcloud:users:1001", 1001 },
		{ API "/users/soundcloud%3Ausers%3A1001", 1001 },
		{ API "/users/soundcloud%3ausers%3a1001", 1001 },
		{ "https://API.soundcloud.com/users/7", 7 },
		{ API "/users/123456789012345678", 123456789012345678LL },
		/* not a user, or not plainly one: the caller fetches it */
		{ API "/tracks/1001", -1 },
		{ API "/users/", -1 },
		{ API "/users/abc", -1 },
		{ API "/users/1001/tracks", -1 },
		{ API "/users/1001?secret_token=x", -1 },
		{ API "/users/soundcloud:tracks:1001", -1 },
		{ API "/users/-5", -1 },
		{ API "/users/1234567890123456789", -1 },	/* 19 digits */
		{ "https://evil.example/users/1001", -1 },
		{ "http://api.soundcloud.com/users/1001", -1 },
		{ "/users/1001", -1 },
	};
	size_t i;
	int64_t got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = sc_api_user_id_from_location(API, cases[i].location);
		CHECK_INT_EQ(got, cases[i].want);
		if (got != cases[i].want)
			fprintf(stderr, "  location '%s'\n", cases[i].location);
	}
	CHECK_INT_EQ(sc_api_user_id_from_location("http://127.0.0.1:4000",
						  "http://127.0.0.1:4000/users/1001"), 1001);
}

int main(void)
{
	RUN(test_sc_api_user_id_from_location);
	return CHECK_DONE();
}
