/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hash: the digests and encodings S3 and SigV4 need (OpenSSL 3 one-shot
 * EVP calls).  Pure functions, no state.
 */
#ifndef SCFS_HASH_H
#define SCFS_HASH_H

#include <stddef.h>

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

#endif
