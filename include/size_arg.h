/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * size_arg: sizes on command lines and in -o options, as "8M", "1GiB",
 * "512KB" or a bare number (binary units; K, M, G, T in either case,
 * optionally followed by "iB" or "B").  Pure.
 */
#ifndef SCFS_SIZE_ARG_H
#define SCFS_SIZE_ARG_H

#include <stdint.h>

/* Parse text into *out.  A bare number counts in units of
 * 1 << bare_shift bytes (0: bytes, 20: MiB).  Returns 0, or -EINVAL for
 * anything else: a sign, junk, an unknown unit, or a value past 64 bits. */
int size_arg_parse(const char *text, unsigned bare_shift, uint64_t *out);

#endif
