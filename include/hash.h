/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hash: the digests and encodings S3 and SigV4 need (OpenSSL 3 one-shot
 * EVP calls).  Pure functions, no state.
 */
#ifndef SCFS_HASH_H
#define SCFS_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_SHA256_LEN 32
#define HASH_MD5_LEN 16

void hash_sha256(const void *data, size_t len, unsigned char out[32]);
void hash_md5(const void *data, size_t len, unsigned char out[16]);
/* HMAC-SHA256 of data under key. */
void hash_hmac_sha256(const void *key, size_t key_len, const void *data,
		      size_t len, unsigned char out[32]);

/* Lowercase hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void hash_hex(const unsigned char *in, size_t n, char *out);
void hash_sha256_hex(const void *data, size_t len, char out[65]);

/* Standard base64 with padding into out (4 * ceil(n / 3) + 1 bytes). */
void hash_base64(const unsigned char *in, size_t n, char *out);

/* CRC-32C (Castagnoli, as x-amz-checksum-crc32c) of data, continuing
 * from crc (0 to start): the SSE 4.2 instruction when the CPU has it (runtime
 * check), a bitwise loop otherwise. */
uint32_t hash_crc32c(uint32_t crc, const void *data, size_t len);

/* The MD5 an S3 ETag spells: 32 lowercase hex digits, quoted or not.
 * Returns 0, or -EINVAL when etag is anything else (a multipart "-N"
 * ETag, an SSE-KMS one). */
int hash_md5_from_etag(const char *etag, unsigned char out[16]);

/* The digests of one upload part. */
#define HASH_WANT_SHA256 1u
#define HASH_WANT_CRC32C 2u
#define HASH_WANT_MD5 4u
struct hash_part {
	unsigned char md5[16];		/* with HASH_WANT_MD5 */
	unsigned char sha256[32];	/* with HASH_WANT_SHA256 */
	uint32_t crc32c;		/* with HASH_WANT_CRC32C */
};

/* The digests of data that want names (others are left zero), in one pass:
 * chunk by chunk, every digest takes a chunk while it is in cache, so the
 * bytes come from memory once.  Returns 0, -ENOMEM or -EIO.  Any thread. */
int hash_part(const void *data, size_t len, unsigned want,
	      struct hash_part *out);

#endif
