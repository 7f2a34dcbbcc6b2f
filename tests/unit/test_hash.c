// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hash: CRC-32C against published vectors on both paths (the SSE 4.2
 * instruction and the bitwise fallback), and hash_part's one pass against
 * the one-shot digests at every chunk boundary.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hash.h"

/* SCFS_TESTABLE in hash.c */
extern uint32_t hash_crc32c_sw(uint32_t crc, const void *data, size_t len);
#if defined(__x86_64__)
extern uint32_t hash_crc32c_hw(uint32_t crc, const void *data, size_t len);
#endif

typedef uint32_t (*crc_fn)(uint32_t, const void *, size_t);

/* RFC 3720 (iSCSI) B.4 and the usual check value of "123456789". */
static void check_vectors(crc_fn f)
{
	unsigned char buf[48];
	size_t i;

	CHECK_INT_EQ(f(0, "123456789", 9), 0xe3069283u);
	CHECK_INT_EQ(f(0, "", 0), 0);
	memset(buf, 0, 32);
	CHECK_INT_EQ(f(0, buf, 32), 0x8a9136aau);
	memset(buf, 0xff, 32);
	CHECK_INT_EQ(f(0, buf, 32), 0x62a8ab43u);
	for (i = 0; i < 32; i++)
		buf[i] = (unsigned char)i;
	CHECK_INT_EQ(f(0, buf, 32), 0x46dd794eu);
	for (i = 0; i < 32; i++)
		buf[i] = (unsigned char)(31 - i);
	CHECK_INT_EQ(f(0, buf, 32), 0x113fdb5cu);
	/* continuing from a previous value, across odd split points */
	for (i = 0; i <= 9; i++)
		CHECK_INT_EQ(f(f(0, "123456789", i), "123456789" + i, 9 - i),
			     0xe3069283u);
}

static void test_hash_crc32c_vectors(void)
{
	check_vectors(hash_crc32c_sw);
#if defined(__x86_64__)
	if (__builtin_cpu_supports("sse4.2"))
		check_vectors(hash_crc32c_hw);
#endif
	check_vectors(hash_crc32c);
}

/* The two paths agree on long unaligned buffers. */
static void test_hash_crc32c_paths_agree(void)
{
	size_t n = 300000, off;
	unsigned char *b = malloc(n);
	uint32_t sw;

	if (!b)
		return;
	for (off = 0; off < n; off++)
		b[off] = (unsigned char)(off * 2654435761u >> 13);
	for (off = 0; off < 9; off++) {
		sw = hash_crc32c_sw(0, b + off, n - off);
		CHECK_INT_EQ(hash_crc32c(0, b + off, n - off), sw);
	}
	free(b);
}

static void test_hash_part_one_pass(void)
{
	static const size_t lens[] = { 0, 1, 65535, 65536, 65537,
				       (1u << 20) + 3 };
	static const unsigned char zero[32];
	unsigned char md5[16], sha[32], *b = malloc((1u << 20) + 3);
	struct hash_part h;
	unsigned want;
	size_t i, j;

	if (!b)
		return;
	for (j = 0; j < (1u << 20) + 3; j++)
		b[j] = (unsigned char)(j * 31 + 7);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		hash_md5(b, lens[i], md5);
		hash_sha256(b, lens[i], sha);
		for (want = 0; want < 8; want++) {
			CHECK_INT_EQ(hash_part(b, lens[i], want, &h), 0);
			/* a digest not wanted is left zero */
			CHECK(!memcmp(h.md5, want & HASH_WANT_MD5 ? md5 : zero, 16));
			CHECK(!memcmp(h.sha256, want & HASH_WANT_SHA256 ? sha : zero, 32));
			CHECK_INT_EQ(h.crc32c, want & HASH_WANT_CRC32C ?
				     hash_crc32c_sw(0, b, lens[i]) : 0);
		}
	}
	free(b);
}

static void test_hash_md5_from_etag(void)
{
	unsigned char md5[16], back[16];
	char hex[40], quoted[64];

	hash_md5("abc", 3, md5);
	hash_hex(md5, 16, hex);
	snprintf(quoted, sizeof(quoted), "\"%s\"", hex);
	CHECK_INT_EQ(hash_md5_from_etag(hex, back), 0);
	CHECK(!memcmp(md5, back, 16));
	memset(back, 0, sizeof(back));
	CHECK_INT_EQ(hash_md5_from_etag(quoted, back), 0);
	CHECK(!memcmp(md5, back, 16));
	/* S3's part ETags: lowercase, exactly 32 digits, nothing after */
	CHECK_INT_EQ(hash_md5_from_etag("900150983CD24FB0D6963F7D28E17F72", back), -EINVAL);
	CHECK_INT_EQ(hash_md5_from_etag("900150983cd24fb0d6963f7d28e17f7", back), -EINVAL);
	CHECK_INT_EQ(hash_md5_from_etag("\"900150983cd24fb0d6963f7d28e17f7\"", back), -EINVAL);
	CHECK_INT_EQ(hash_md5_from_etag("900150983cd24fb0d6963f7d28e17f72-2", back), -EINVAL);
	CHECK_INT_EQ(hash_md5_from_etag("\"900150983cd24fb0d6963f7d28e17f72-2\"", back), -EINVAL);
	CHECK_INT_EQ(hash_md5_from_etag("\"900150983cd24fb0d6963f7d28e17f72", back), -EINVAL);
	CHECK_INT_EQ(hash_md5_from_etag("900150983cd24fb0d6963f7d28e17f72\"", back), -EINVAL);
	CHECK_INT_EQ(hash_md5_from_etag("", back), -EINVAL);
	CHECK_INT_EQ(hash_md5_from_etag("\"\"", back), -EINVAL);
	CHECK_INT_EQ(hash_md5_from_etag("\"kms-opaque-etag\"", back), -EINVAL);
}

int main(void)
{
	RUN(test_hash_crc32c_vectors);
	RUN(test_hash_crc32c_paths_agree);
	RUN(test_hash_part_one_pass);
	RUN(test_hash_md5_from_etag);
	return CHECK_DONE();
}
