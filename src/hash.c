// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hash: thin wrappers over OpenSSL's one-shot digests so that no other
 * module includes OpenSSL headers.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>
#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

#include "hash.h"

#ifdef SCFS_UNIT_TESTS
/* Both CRC-32C paths are checked against the same vectors. */
#define SCFS_TESTABLE
uint32_t hash_crc32c_sw(uint32_t crc, const void *data, size_t len);
uint32_t hash_crc32c_hw(uint32_t crc, const void *data, size_t len);
#else
#define SCFS_TESTABLE static
#endif

/* Bytes one digest takes before the next takes the same bytes: small
 * enough to stay in L1/L2 between them, so a part is read from memory once
 * whatever the digests; large enough that the per-call cost vanishes. */
#define HASH_CHUNK (64u << 10)
/* CRC-32C (Castagnoli), reflected. */
#define HASH_CRC32C_POLY 0x82f63b78u

void hash_sha256(const void *data, size_t len, unsigned char out[32])
{
	EVP_Digest(data, len, out, NULL, EVP_sha256(), NULL);
}

void hash_md5(const void *data, size_t len, unsigned char out[16])
{
	EVP_Digest(data, len, out, NULL, EVP_md5(), NULL);
}

void hash_hmac_sha256(const void *key, size_t key_len, const void *data,
		      size_t len, unsigned char out[32])
{
	unsigned int out_len = HASH_SHA256_LEN;

	HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &out_len);
}

void hash_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void hash_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[HASH_SHA256_LEN];

	hash_sha256(data, len, md);
	hash_hex(md, sizeof(md), out);
}

void hash_base64(const unsigned char *in, size_t n, char *out)
{
	EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int hash_md5_from_etag(const char *etag, unsigned char out[16])
{
	const char *hex = etag + (etag[0] == '"');
	int i, hi, lo;

	for (i = 0; i < 16; i++) {
		hi = hex_digit(hex[2 * i]);
		lo = hi < 0 ? -1 : hex_digit(hex[2 * i + 1]);
		if (lo < 0)
			return -EINVAL;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	/* The closing quote only when there was an opening one. */
	if (hex != etag && hex[32] != '"')
		return -EINVAL;
	return hex[32 + (hex != etag)] ? -EINVAL : 0;
}

/* One table entry of the byte-at-a-time CRC-32C, computed on demand: the
 * fallback for CPUs without SSE 4.2 is rare and may be slow, and a
 * computed table would be global state. */
static uint32_t crc32c_byte(uint32_t crc, unsigned char b)
{
	int k;

	crc ^= b;
	for (k = 0; k < 8; k++)
		crc = (crc >> 1) ^ (HASH_CRC32C_POLY & (0u - (crc & 1)));
	return crc;
}

SCFS_TESTABLE uint32_t hash_crc32c_sw(uint32_t crc, const void *data,
				      size_t len)
{
	const unsigned char *p = data;
	size_t i;

	crc = ~crc;
	for (i = 0; i < len; i++)
		crc = crc32c_byte(crc, p[i]);
	return ~crc;
}

#if defined(__x86_64__)
/* The SSE 4.2 instruction: 8 bytes a cycle or so (~10 GB/s). */
__attribute__((target("sse4.2")))
SCFS_TESTABLE uint32_t hash_crc32c_hw(uint32_t crc, const void *data,
				      size_t len)
{
	const unsigned char *p = data;
	uint64_t c = ~crc, w;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w, p, 8);
		c = _mm_crc32_u64(c, w);
	}
	for (; len; len--, p++)
		c = _mm_crc32_u8((uint32_t)c, *p);
	return ~(uint32_t)c;
}
#endif

uint32_t hash_crc32c(uint32_t crc, const void *data, size_t len)
{
#if defined(__x86_64__)
	if (__builtin_cpu_supports("sse4.2"))
		return hash_crc32c_hw(crc, data, len);
#endif
	return hash_crc32c_sw(crc, data, len);
}

/* One digest's context, or NULL when want lacks its flag (*ok stays 1);
 * *ok turns 0 when it cannot be made. */
static EVP_MD_CTX *digest_start(unsigned want, unsigned flag,
				const EVP_MD *md, int *ok)
{
	EVP_MD_CTX *ctx;

	if (!(want & flag))
		return NULL;
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, md, NULL))
		*ok = 0;
	return ctx;
}

int hash_part(const void *data, size_t len, unsigned want,
	      struct hash_part *out)
{
	const unsigned char *p = data;
	EVP_MD_CTX *md5, *sha;
	int rc = -ENOMEM, ok = 1;
	size_t off, n;

	memset(out, 0, sizeof(*out));
	md5 = digest_start(want, HASH_WANT_MD5, EVP_md5(), &ok);
	sha = digest_start(want, HASH_WANT_SHA256, EVP_sha256(), &ok);
	if (!ok)
		goto out;
	for (off = 0; ok && off < len; off += n) {
		n = len - off < HASH_CHUNK ? len - off : HASH_CHUNK;
		ok = (!md5 || EVP_DigestUpdate(md5, p + off, n)) &&
		     (!sha || EVP_DigestUpdate(sha, p + off, n));
		if (want & HASH_WANT_CRC32C)
			out->crc32c = hash_crc32c(out->crc32c, p + off, n);
	}
	ok = ok && (!md5 || EVP_DigestFinal_ex(md5, out->md5, NULL)) &&
	     (!sha || EVP_DigestFinal_ex(sha, out->sha256, NULL));
	rc = ok ? 0 : -EIO;
out:
	EVP_MD_CTX_free(md5);
	EVP_MD_CTX_free(sha);
	return rc;
}
