/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uploader: streams a source into a sink part by part.  The calling thread
 * reads; worker threads hash and send; a fixed pool of part buffers bounds
 * memory at about (concurrency + 1) x part size whatever the object size.
 * On any failure or cancellation the multipart upload is aborted, so nothing
 * half-written stays behind.  Must not include fuse, curl or OpenSSL.
 */
#ifndef SCFS_UPLOADER_H
#define SCFS_UPLOADER_H

#include <stddef.h>
#include <stdint.h>

#include "sink.h"
#include "source.h"

/* S3 wants 5 MiB at least for every part but the last; 8 MiB is what the
 * AWS CLI and mountpoint-s3 found to reach full throughput. */
#define UPLOAD_PART_SIZE_DEFAULT (8u << 20)
#define UPLOAD_PART_SIZE_MIN (5u << 20)
#define UPLOAD_PART_SIZE_MAX ((size_t)5 << 30)
#define UPLOAD_MAX_PARTS 10000
/* Parts in flight: enough to hide one slow request behind the others on
 * two cores without crowding the S3 server. */
#define UPLOAD_CONCURRENCY_DEFAULT 4
/* With an unknown size the part size doubles every this many parts, so a
 * stream may grow to about 28 TiB within 10,000 parts while one of a few
 * GiB keeps small buffers. */
#define UPLOAD_GROWTH_EVERY 500

struct upload_conf {
	size_t part_size;	/* 0: UPLOAD_PART_SIZE_DEFAULT */
	unsigned concurrency;	/* 0: UPLOAD_CONCURRENCY_DEFAULT */
	const volatile int *cancel;	/* non-zero stops and aborts */
	/* Called from any thread, never concurrently. */
	void (*progress)(void *arg, int64_t done, int64_t total);
	void *progress_arg;
};

struct upload_result {
	int64_t bytes;
	unsigned parts;		/* 0 for a single PUT */
	char etag[96];		/* as S3 reports it, quotes removed */
};

/* Upload everything src holds.  Returns 0, or a negative errno with a line
 * in err naming the cause (-ECANCELED when cancelled).  src and sink stay
 * the caller's. */
int upload_run(const struct upload_conf *conf, struct source *src,
	       struct sink *sink, struct upload_result *out, char *err,
	       size_t err_size);

/* The size of part number part (1-based) for an object of total bytes
 * (-1: unknown), with base the configured part size. */
size_t upload_part_size(int64_t total, unsigned part, size_t base);

/* The ETag S3 gives a multipart object: hex MD5 of the parts' MD5s, "-N". */
void upload_multipart_etag(const unsigned char (*md5s)[16], unsigned n,
			   char out[48]);

#endif
