/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sink: where the uploader puts bytes, one object at a time.  The S3 sink
 * is the real one; tests use an in-memory double.  The uploader decides
 * sizes, order and concurrency; a sink only stores.
 */
#ifndef SCFS_SINK_H
#define SCFS_SINK_H

#include <stddef.h>
#include <stdint.h>

struct sink;

/* Digests of a part that a sink may want (sink.wants).  S3 checks a part
 * by its SHA-256 or TLS, and its CRC-32C; MD5 only where the server
 * refuses checksum headers (docs/internals/uploader.md, "Integrity"). */
#define SINK_WANT_SHA256 1u	/* a signed payload (S3 over plain HTTP) */
#define SINK_WANT_CRC32C 2u	/* x-amz-checksum-crc32c */
#define SINK_WANT_MD5 4u	/* Content-MD5 */

/* A part's digests, computed by the uploader in one pass over its bytes. */
struct sink_digests {
	unsigned char sha256[32];	/* when wants has SINK_WANT_SHA256 */
	uint32_t crc32c;		/* when wants has SINK_WANT_CRC32C */
	unsigned char md5[16];		/* when wants has SINK_WANT_MD5 */
};

/* What the store answered for a stored part: its ETag, which S3 makes the
 * MD5 of the bytes it stored (the uploader builds the object's expected
 * ETag from these), except under some encryptions (SSE-KMS, SSE-C). */
struct sink_part_etag {
	unsigned char md5[16];	/* when is_md5 */
	int is_md5;		/* 0: the ETag is not 32 hex digits */
};

struct sink_ops {
	/* Store a whole object in one request. */
	int (*put_whole)(struct sink *sk, const void *data, size_t len,
			 const unsigned char md5[16]);
	/* Start a multipart upload.  Then put_part may be called from
	 * several threads at once, for part numbers 1..N in any order.  It
	 * may change sk->wants (what the server takes is known only now);
	 * the uploader reads it after begin. */
	int (*begin)(struct sink *sk);
	/* d holds the digests sk->wants names, computed from data, so that
	 * the sink need not read the bytes again; *etag is set on success. */
	int (*put_part)(struct sink *sk, unsigned part, const void *data,
			size_t len, const struct sink_digests *d,
			struct sink_part_etag *etag);
	int (*complete)(struct sink *sk, unsigned n_parts);
	/* Drop an upload begun and not completed; safe to call twice. */
	int (*abort)(struct sink *sk);
	/* The stored object's size and ETag (caller frees *etag). */
	int (*stat)(struct sink *sk, int64_t *size, char **etag);
	/* Delete a stored object that failed verification. */
	int (*remove)(struct sink *sk);
	/* A line saying why the last call failed; borrowed. */
	const char *(*last_error)(struct sink *sk);
	void (*free)(struct sink *sk);
};

struct sink {
	const struct sink_ops *ops;
	unsigned wants;		/* SINK_WANT_*: what put_part's d holds */
};

struct s3_client;
struct s3_meta;

/* A sink writing s3://bucket/key.  s3 and meta are borrowed for the sink's
 * lifetime; bucket and key are copied. */
int sink_s3_new(struct s3_client *s3, const char *bucket, const char *key,
		const struct s3_meta *meta, struct sink **out);

/* Told when an S3 sink starts a multipart upload and when the upload is
 * over (completed or aborted), so that a watchdog outside the process can
 * abort an upload the process could not (SIGKILL).  Both name the upload,
 * so one watch can serve several sinks at once.  Called from the thread
 * that calls begin, complete or abort. */
struct sink_s3_watch {
	void (*begun)(void *arg, const char *bucket, const char *key,
		      const char *upload_id);
	void (*ended)(void *arg, const char *bucket, const char *key,
		      const char *upload_id);
	void *arg;
};

/* sk must come from sink_s3_new; w is borrowed for the sink's lifetime. */
void sink_s3_set_watch(struct sink *sk, const struct sink_s3_watch *w);

#endif
