/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uploader: streams a source into a sink part by part.  The calling thread
 * reads (or, for a sized source that may be read from several threads,
 * each worker reads its own part); worker threads hash and send; a fixed
 * pool of part buffers bounds memory at about (concurrency + 1) x part
 * size whatever the object size.
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
/*
 * With an unknown size (stdin, direct-I/O files) the part size doubles
 * every UPLOAD_GROWTH_EVERY parts, from the base (8 MiB) up to S3's 5 GiB:
 *
 *   parts         1-100  101-200  ...  801-900  901-1000  1001-10000
 *   part size     8 MiB  16 MiB   ...  2 GiB    4 GiB     5 GiB
 *   streamed by   0.8    2.3      ...  399      799 GiB   +5 GiB a part
 *
 * so 10,000 parts hold 44.7 TiB: 92 % of S3's 48.8 TiB (10,000 x 5 GiB),
 * which only 5 GiB parts from the first byte could reach.  The price is
 * memory, (concurrency + 1) x the current part size: 8 MiB parts up to
 * 0.8 GiB streamed, 32 MiB at 5 GiB, 256 MiB at 50 GiB.  Doubling every 50
 * parts would reach 46.8 TiB but double every buffer of a stream of a few
 * GiB; every 500 stops at 28 TiB.  A stream whose size is roughly known
 * should pass it as upload_conf.size_hint (sc2s3 --expected-size).
 */
#define UPLOAD_GROWTH_EVERY 100

struct upload_conf {
	size_t part_size;	/* 0: UPLOAD_PART_SIZE_DEFAULT */
	unsigned concurrency;	/* 0: UPLOAD_CONCURRENCY_DEFAULT */
	/* Expected bytes of a source of unknown size (0: none): parts are
	 * then at least as large as that size needs. */
	int64_t size_hint;
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

/* The ETag S3 gives a multipart object: hex MD5 of the parts' MD5s, "-N".
 * The uploader feeds it the MD5s S3 answered as the parts' ETags, so that a
 * match says Complete assembled exactly the parts sent, in order. */
void upload_multipart_etag(const unsigned char (*md5s)[16], unsigned n,
			   char out[48]);

#endif
