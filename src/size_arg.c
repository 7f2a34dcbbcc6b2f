// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * size_arg: one parser for the sizes scfs and sc2s3 take.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "size_arg.h"

static int unit_shift(char c, unsigned *shift)
{
	switch (c) {
	case 'k': case 'K': *shift = 10; return 0;
	case 'm': case 'M': *shift = 20; return 0;
	case 'g': case 'G': *shift = 30; return 0;
	case 't': case 'T': *shift = 40; return 0;
	default: return -EINVAL;
	}
}

int size_arg_parse(const char *text, unsigned bare_shift, uint64_t *out)
{
	unsigned long long n;
	unsigned shift = bare_shift;
	char *end;

	if (*text < '0' || *text > '9')
		return -EINVAL;	/* no sign, no space: strtoull would take them */
	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno)
		return -EINVAL;
	if (*end) {
		if (unit_shift(*end, &shift))
			return -EINVAL;
		end++;
		if (*end && strcmp(end, "iB") && strcmp(end, "B"))
			return -EINVAL;
	}
	if (shift && n > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)n << shift;
	return 0;
}
