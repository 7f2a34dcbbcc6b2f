// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hash: thin wrappers over OpenSSL's one-shot digests so that no other
 * module includes OpenSSL headers.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hash.h"

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
