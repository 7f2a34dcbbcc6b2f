/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mem_doubles: in-memory implementations of the uploader's seams, after
 * s3backer's test_io.c and mountpoint-s3's mock and failure clients.
 *
 * struct mem_source serves bytes from a caller's buffer or from a
 * deterministic generator, and can fail on demand.  struct mem_sink keeps
 * the parts it is given, assembles the object the way S3 would, can fail
 * any call, and counts every call.  Both are safe to call from several
 * threads at once.
 *
 * Configure the public fields after _new() and before the object is
 * handed to the code under test; read the counters after it returns.
 */
#ifndef SCFS_TEST_MEM_DOUBLES_H
#define SCFS_TEST_MEM_DOUBLES_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "sink.h"
#include "source.h"

/* The generator: byte off of the stream seeded with seed. */
unsigned char mem_gen_byte(uint32_t seed, int64_t off);
void mem_gen_fill(uint32_t seed, int64_t off, void *buf, size_t len);
/* Offset of the first byte of buf differing from the generator, or -1. */
int64_t mem_gen_mismatch(uint32_t seed, const void *buf, size_t len);

struct mem_source {
	struct source base;		/* first member: &ms->base is the source */

	/* configuration */
	const unsigned char *data;	/* borrowed; NULL: generated from seed */
	int64_t len;			/* bytes the stream really holds */
	uint32_t seed;
	size_t max_chunk;		/* 0: full reads; else at most this per read */
	int64_t fail_at;		/* -1: never; bytes before it are served,
					 * a read starting at or past it fails */
	long fail_after;		/* -1: never; reads after this many
					 * successful ones fail */
	int fail_errno;			/* positive errno for either fault */
	unsigned fail_every;		/* 0: never; else every Nth read (the
					 * Nth, 2Nth, ...) fails with fail_errno,
					 * the others succeed: a flaky origin */
	/* Called at the start of every read (any thread, not locked). */
	void (*on_read)(struct mem_source *ms, int64_t off, size_t len);
	void *hook_arg;

	/* statistics, protected by lock */
	pthread_mutex_t lock;
	int64_t pos;			/* next offset of a sequential read */
	unsigned reads;			/* successful reads, including 0-byte ones */
	unsigned failed_reads;
	unsigned seek_errors;		/* -ESPIPE answers */
};

/* A sized, random-access source of len bytes: data (borrowed, may be NULL
 * with len 0) or, with mem_source_new_gen, the generator.  Free it with
 * source_free(&ms->base). */
int mem_source_new(const void *data, int64_t len, struct mem_source **out);
int mem_source_new_gen(int64_t len, uint32_t seed, struct mem_source **out);
/* A pipe: size unknown (-1) and reads strictly in order. */
void mem_source_make_pipe(struct mem_source *ms);

#define MEM_SINK_MAX_BUFFERS 256

struct mem_part {
	unsigned char *data;		/* owned */
	size_t len;
	unsigned char md5[16];		/* of data, computed by the sink */
	int present;
};

struct mem_sink {
	struct sink base;		/* first member: &mk->base is the sink */

	/* faults: 0 means "do not fail", otherwise a negative errno */
	unsigned fail_part;		/* put_part for this part number ... */
	int fail_part_rc;		/* ... returns this */
	int fail_put_whole_rc;
	int fail_begin_rc;
	int fail_complete_rc;
	int fail_abort_rc;
	int fail_stat_rc;
	int64_t stat_size_delta;	/* added to the true size by stat */
	const char *stat_etag;		/* NULL: the true ETag; else this */
	/* put_part for part 1 waits (up to 5 s) until this many parts are
	 * inside put_part at once; 0: no waiting. */
	unsigned wait_in_flight;
	/* begin sets base.wants to this, when not 0 (a server that refuses
	 * checksum headers makes the S3 sink ask for MD5s instead). */
	unsigned wants_after_begin;
	/* put_part answers ETags that are no MD5s (as under SSE-KMS). */
	int opaque_part_etags;
	/* complete assembles parts 1 and 2 in swapped order (same size,
	 * wrong bytes), with the ETag S3 would give that object. */
	int complete_swaps;
	/* Called inside put_part before it stores (any thread, unlocked). */
	void (*on_put_part)(struct mem_sink *mk, unsigned part);
	void *hook_arg;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* everything below is protected by lock */
	struct mem_part *parts;		/* index part - 1 */
	unsigned parts_cap;
	unsigned char *object;		/* the stored object; NULL when none */
	size_t object_len;
	char object_etag[64];		/* quoted, as S3 reports it */
	int has_object;
	int upload_open;		/* begun, not completed nor aborted */
	unsigned calls_put_whole, calls_begin, calls_put_part,
		 calls_complete, calls_abort, calls_stat, calls_remove;
	unsigned completed_parts;	/* n_parts of the successful complete */
	unsigned in_flight, max_in_flight;
	unsigned md5_mismatches;	/* put_whole's md5 differing from
					 * the data */
	unsigned digest_mismatches;	/* a wanted digest (base.wants)
					 * differing from the data */
	unsigned part_number_errors;	/* 0 or > 10000 */
	unsigned after_end_calls;	/* put_part after complete or abort */
	const void *buffers[MEM_SINK_MAX_BUFFERS];	/* distinct data pointers */
	unsigned n_buffers;
	char error[256];
};

/* put_part checks the digests base.wants names (set it after
 * mem_sink_new; 0 by default) and answers the MD5 of the part as its ETag,
 * like S3. */
int mem_sink_new(struct mem_sink **out);
/* Free with mk->base.ops->free(&mk->base) or mem_sink_free(mk). */
void mem_sink_free(struct mem_sink *mk);

/* A whole fixture file (tests run from the source root) as a NUL-terminated
 * malloc'd buffer; NULL when it cannot be read.  Caller frees. */
char *fixture_read(const char *path, size_t *len);

/* fixture_read of DIR/NAME that says on stderr which file is missing. */
char *fixture_load(const char *dir, const char *name, size_t *len);

#endif
