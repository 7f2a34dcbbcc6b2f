// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The uploader against the in-memory doubles.  Parts are S3's 5 MiB
 * minimum to keep the runs small; the sink double rejects a complete that
 * S3 would reject, so a wrong part layout fails here as it would there.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "hash.h"
#include "mem_doubles.h"
#include "uploader.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define P ((int64_t)UPLOAD_PART_SIZE_MIN)
#define SEED 0x5cf5u

/* ---- pure functions --------------------------------------------------- */

static void test_uploader_part_size_known(void)
{
	const size_t dflt = UPLOAD_PART_SIZE_DEFAULT;

	CHECK_INT_EQ(dflt, 8 * MiB);
	CHECK_INT_EQ(upload_part_size(0, 1, 0), 8 * MiB);
	CHECK_INT_EQ(upload_part_size(1, 1, 0), 8 * MiB);
	CHECK_INT_EQ(upload_part_size(1000, 7, 0), 8 * MiB);
	/* exactly 10,000 parts of 8 MiB, then one byte more */
	CHECK_INT_EQ(upload_part_size((int64_t)(80000 * MiB), 1, 0), 8 * MiB);
	CHECK_INT_EQ(upload_part_size((int64_t)(80000 * MiB) + 1, 1, 0), 9 * MiB);
	/* ceil(size / 10000) rounded up to a MiB */
	CHECK_INT_EQ(upload_part_size((int64_t)(100 * GiB), 1, 0), 11 * MiB);
	CHECK_INT_EQ(upload_part_size((int64_t)(5 * 1024 * GiB), 1, 0), 525 * MiB);
	/* the configured size is a floor */
	CHECK_INT_EQ(upload_part_size(1000, 1, 16 * MiB), 16 * MiB);
	CHECK_INT_EQ(upload_part_size((int64_t)(200 * GiB), 1, 16 * MiB), 21 * MiB);
	CHECK_INT_EQ(upload_part_size(1000, 1, UPLOAD_PART_SIZE_MIN), 5 * MiB);
	/* capped at 5 GiB */
	CHECK_INT_EQ(upload_part_size((int64_t)(5 * GiB) * 10000 + 1, 1, 0), 5 * GiB);
	CHECK_INT_EQ(upload_part_size(INT64_MAX, 1, 0), 5 * GiB);
	CHECK_INT_EQ(upload_part_size(1000, 1, 6 * GiB), 5 * GiB);
}

static void test_uploader_part_size_fits_10000_parts(void)
{
	static const int64_t totals[] = {
		1, (int64_t)(8 * MiB), (int64_t)(78 * GiB), (int64_t)(79 * GiB),
		(int64_t)(1024 * GiB) + 12345, (int64_t)(5 * 1024 * GiB),
	};
	size_t i, ps;

	for (i = 0; i < sizeof(totals) / sizeof(totals[0]); i++) {
		ps = upload_part_size(totals[i], 1, 0);
		CHECK((totals[i] + (int64_t)ps - 1) / (int64_t)ps <= UPLOAD_MAX_PARTS);
		CHECK_INT_EQ(ps % MiB, 0);
		CHECK(ps >= UPLOAD_PART_SIZE_MIN);
	}
}

static void test_uploader_part_size_unknown_growth(void)
{
	unsigned part;
	long double sum = 0;

	CHECK_INT_EQ(UPLOAD_GROWTH_EVERY, 100);
	CHECK_INT_EQ(upload_part_size(-1, 0, 0), 8 * MiB);
	CHECK_INT_EQ(upload_part_size(-1, 1, 0), 8 * MiB);
	CHECK_INT_EQ(upload_part_size(-1, 100, 0), 8 * MiB);
	CHECK_INT_EQ(upload_part_size(-1, 101, 0), 16 * MiB);
	CHECK_INT_EQ(upload_part_size(-1, 200, 0), 16 * MiB);
	CHECK_INT_EQ(upload_part_size(-1, 201, 0), 32 * MiB);
	CHECK_INT_EQ(upload_part_size(-1, 901, 0), 4 * GiB);
	CHECK_INT_EQ(upload_part_size(-1, 1000, 0), 4 * GiB);
	CHECK_INT_EQ(upload_part_size(-1, 1001, 0), 5 * GiB);
	CHECK_INT_EQ(upload_part_size(-1, 10000, 0), 5 * GiB);
	CHECK_INT_EQ(upload_part_size(-1, 101, UPLOAD_PART_SIZE_MIN), 10 * MiB);
	/* never below S3's minimum, never above its maximum */
	for (part = 1; part <= UPLOAD_MAX_PARTS; part++) {
		CHECK(upload_part_size(-1, part, 0) >= UPLOAD_PART_SIZE_MIN);
		CHECK(upload_part_size(-1, part, 0) <= UPLOAD_PART_SIZE_MAX);
		sum += upload_part_size(-1, part, 0);
	}
	/* 10,000 growing parts hold 44.7 TiB of S3's 48.8 TiB */
	CHECK(sum >= 44.7L * 1024 * GiB);
	/* ... and a 5 GiB stream never needs parts over 32 MiB */
	for (sum = 0, part = 1; sum < 5.0L * GiB; part++)
		sum += upload_part_size(-1, part, 0);
	CHECK(upload_part_size(-1, part, 0) <= 32 * MiB);
}

static void test_uploader_multipart_etag(void)
{
	unsigned char md5s[3][16], all[16];
	char out[48], want[48];

	hash_md5("a", 1, md5s[0]);
	hash_md5("b", 1, md5s[1]);
	upload_multipart_etag((const unsigned char (*)[16])md5s, 2, out);
	CHECK_STR_EQ(out, "96e024ba2074fe77e8e965ba43a704be-2");
	hash_md5("", 0, md5s[0]);
	upload_multipart_etag((const unsigned char (*)[16])md5s, 1, out);
	CHECK_STR_EQ(out, "59adb24ef3cdbe0297f05b395827453f-1");
	/* independently: MD5 over the concatenated binary digests */
	hash_md5("x", 1, md5s[0]);
	hash_md5("yy", 2, md5s[1]);
	hash_md5("zzz", 3, md5s[2]);
	hash_md5(md5s, sizeof(md5s), all);
	hash_hex(all, 16, want);
	strcat(want, "-3");
	upload_multipart_etag((const unsigned char (*)[16])md5s, 3, out);
	CHECK_STR_EQ(out, want);
}

/* ---- upload_run harness ---------------------------------------------- */

struct progress_log {
	atomic_int inside;
	int concurrent;
	int backwards;
	unsigned calls;
	int64_t done, total;
};

static void on_progress(void *arg, int64_t done, int64_t total)
{
	struct progress_log *l = arg;

	if (atomic_exchange(&l->inside, 1))
		l->concurrent = 1;
	if (done < l->done)
		l->backwards = 1;
	l->done = done;
	l->total = total;
	l->calls++;
	atomic_store(&l->inside, 0);
}

struct run {
	struct mem_source *src;
	struct mem_sink *sink;
	struct upload_conf conf;
	struct upload_result out;
	struct progress_log progress;
	volatile int cancel;
	char err[1024];
	int rc;
};

static int run_setup(struct run *r, int64_t size, int pipe, unsigned conc)
{
	memset(r, 0, sizeof(*r));
	if (mem_source_new_gen(size, SEED, &r->src))
		return -1;
	if (mem_sink_new(&r->sink)) {
		source_free(&r->src->base);
		return -1;
	}
	if (pipe)
		mem_source_make_pipe(r->src);
	r->conf.part_size = UPLOAD_PART_SIZE_MIN;
	r->conf.concurrency = conc;
	r->conf.cancel = &r->cancel;
	r->conf.progress = on_progress;
	r->conf.progress_arg = &r->progress;
	return 0;
}

static int run_go(struct run *r)
{
	r->rc = upload_run(&r->conf, &r->src->base, &r->sink->base, &r->out,
			   r->err, sizeof(r->err));
	return r->rc;
}

static void run_release(struct run *r)
{
	source_free(&r->src->base);
	mem_sink_free(r->sink);
}

/* The ETag S3 would give size generated bytes in parts of ps (none: a
 * single PUT), computed here without the uploader's code. */
static void expected_etag(int64_t size, size_t ps, unsigned parts, char out[48])
{
	unsigned char (*md5s)[16] = calloc(parts ? parts : 1, 16), md[16];
	unsigned char *buf = malloc(parts ? ps : (size_t)size + 1);
	unsigned i;
	size_t n;

	if (!md5s || !buf) {
		strcpy(out, "(no memory)");
	} else if (!parts) {
		mem_gen_fill(SEED, 0, buf, (size_t)size);
		hash_md5(buf, (size_t)size, md);
		hash_hex(md, 16, out);
	} else {
		for (i = 0; i < parts; i++) {
			n = i + 1 < parts ? ps : (size_t)(size - (int64_t)ps * i);
			mem_gen_fill(SEED, (int64_t)ps * i, buf, n);
			hash_md5(buf, n, md5s[i]);
		}
		hash_md5(md5s, (size_t)parts * 16, md);
		hash_hex(md, 16, out);
		sprintf(out + 32, "-%u", parts);
	}
	free(md5s);
	free(buf);
}

/* Everything a successful run must leave behind. */
static void check_success(struct run *r, int64_t size, size_t ps,
			  unsigned conc)
{
	unsigned parts = size <= (int64_t)ps ? 0 :
			 (unsigned)((size + (int64_t)ps - 1) / (int64_t)ps);
	struct mem_sink *k = r->sink;
	char etag[48];

	CHECK_INT_EQ(r->rc, 0);
	if (r->rc)
		fprintf(stderr, "  size %lld: %s\n", (long long)size, r->err);
	CHECK_INT_EQ(r->out.bytes, size);
	CHECK_INT_EQ(r->out.parts, parts);
	expected_etag(size, ps, parts, etag);
	CHECK_STR_EQ(r->out.etag, etag);
	CHECK(k->has_object);
	CHECK_INT_EQ(k->object_len, size);
	CHECK(k->has_object && mem_gen_mismatch(SEED, k->object, k->object_len) == -1);
	CHECK_INT_EQ(k->calls_put_whole, parts ? 0 : 1);
	CHECK_INT_EQ(k->calls_begin, parts ? 1 : 0);
	CHECK_INT_EQ(k->calls_put_part, parts);
	CHECK_INT_EQ(k->calls_complete, parts ? 1 : 0);
	CHECK_INT_EQ(k->completed_parts, parts);
	CHECK_INT_EQ(k->calls_abort, 0);
	CHECK_INT_EQ(k->calls_stat, 1);
	CHECK_INT_EQ(k->calls_remove, 0);
	CHECK_INT_EQ(k->md5_mismatches, 0);
	CHECK_INT_EQ(k->part_number_errors, 0);
	CHECK_INT_EQ(k->after_end_calls, 0);
	CHECK(k->max_in_flight <= conc);
	CHECK(k->n_buffers <= conc + 1);
	CHECK_INT_EQ(r->src->seek_errors, 0);
	CHECK_INT_EQ(r->progress.concurrent, 0);
	CHECK_INT_EQ(r->progress.backwards, 0);
	CHECK_INT_EQ(r->progress.done, size);
	CHECK(r->progress.calls >= (parts ? parts : 1));
	CHECK_INT_EQ(r->progress.total, r->src->base.size);
}

/* A failed run: the error reached the caller, nothing stays stored and no
 * multipart upload is left open. */
static void check_failure(struct run *r, int rc)
{
	struct mem_sink *k = r->sink;

	CHECK_INT_EQ(r->rc, rc);
	CHECK(r->err[0] != '\0');
	CHECK(!k->has_object);
	CHECK_INT_EQ(k->upload_open, 0);
	CHECK_INT_EQ(k->after_end_calls, 0);
	CHECK_INT_EQ(k->md5_mismatches, 0);
}

static void test_uploader_run_sizes(void)
{
	static const int64_t sizes[] = { 0, 1, P - 1, P, P + 1, 3 * P + 7 };
	static const unsigned concs[] = { 1, 8 };
	struct run r;
	size_t i, c;
	int pipe;

	for (pipe = 0; pipe <= 1; pipe++) {
		for (c = 0; c < 2; c++) {
			for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
				if (run_setup(&r, sizes[i], pipe, concs[c])) {
					CHECK(!"setup");
					return;
				}
				run_go(&r);
				check_success(&r, sizes[i], (size_t)P, concs[c]);
				run_release(&r);
			}
		}
	}
}

static void test_uploader_run_default_part_size(void)
{
	struct run r;

	if (run_setup(&r, (int64_t)(8 * MiB) + 1, 0, 0))
		return;
	r.conf.part_size = 0;
	run_go(&r);
	check_success(&r, (int64_t)(8 * MiB) + 1, 8 * MiB, UPLOAD_CONCURRENCY_DEFAULT);
	run_release(&r);
}

/* A stream with a size hint gets the parts that size needs: a hint of
 * 10,000 x 6 MiB makes 6 MiB parts of a stream of unknown size. */
static void test_uploader_run_size_hint(void)
{
	const int64_t size = 3 * (int64_t)(6 * MiB) + 5;
	struct run r;

	if (run_setup(&r, size, 1, 2))
		return;
	r.conf.size_hint = (int64_t)(6 * MiB) * UPLOAD_MAX_PARTS;
	run_go(&r);
	check_success(&r, size, 6 * MiB, 2);
	run_release(&r);
}

/* A pipe that hands out a few KiB per read still fills whole parts. */
static void test_uploader_run_short_reads(void)
{
	struct run r;

	if (run_setup(&r, 2 * P + 3, 1, 3))
		return;
	r.src->max_chunk = 65536 + 17;
	run_go(&r);
	check_success(&r, 2 * P + 3, (size_t)P, 3);
	CHECK(r.src->reads > 160);
	run_release(&r);
}

/* Memory stays at concurrency + 1 buffers, and parts do overlap. */
static void test_uploader_run_bounded_buffers(void)
{
	static const unsigned concs[] = { 2, 8 };
	struct run r;
	size_t c;

	for (c = 0; c < 2; c++) {
		if (run_setup(&r, 8 * P, 0, concs[c]))
			return;
		r.sink->wait_in_flight = 2;
		run_go(&r);
		check_success(&r, 8 * P, (size_t)P, concs[c]);
		CHECK_INT_EQ(r.sink->max_in_flight >= 2, 1);
		CHECK(r.sink->n_buffers <= concs[c] + 1);
		CHECK(r.sink->max_in_flight <= concs[c]);
		run_release(&r);
	}
	/* concurrency beyond the limit is capped, not refused */
	if (run_setup(&r, P + 1, 0, 1000))
		return;
	run_go(&r);
	check_success(&r, P + 1, (size_t)P, 64);
	run_release(&r);
}

/* Reads of a sized source that waits on every read overlap: the workers
 * read their own parts, so a far origin's round trips are paid N at a
 * time.  Never more reads at once than buffers (concurrency + 1); never
 * more sends than concurrency (check_success). */
struct read_overlap {
	atomic_int inside;
	atomic_int most;
};

static void slow_read(struct mem_source *ms, int64_t off, size_t len)
{
	struct read_overlap *o = ms->hook_arg;
	struct timespec ts = { 0, 20 * 1000000L };
	int now = atomic_fetch_add(&o->inside, 1) + 1, most;

	(void)off;
	(void)len;
	while (now > (most = atomic_load(&o->most)) &&
	       !atomic_compare_exchange_weak(&o->most, &most, now))
		;
	nanosleep(&ts, NULL);
	atomic_fetch_sub(&o->inside, 1);
}

static void test_uploader_run_parallel_reads(void)
{
	struct read_overlap o = { 0, 0 };
	struct run r;

	if (run_setup(&r, 6 * P + 5, 0, 3))
		return;
	r.src->on_read = slow_read;
	r.src->hook_arg = &o;
	run_go(&r);
	check_success(&r, 6 * P + 5, (size_t)P, 3);
	CHECK(atomic_load(&o.most) >= 2);
	CHECK(atomic_load(&o.most) <= 4);
	run_release(&r);

	/* a pipe is still read by one thread, in order */
	memset(&o, 0, sizeof(o));
	if (run_setup(&r, 4 * P + 5, 1, 3))
		return;
	r.src->on_read = slow_read;
	r.src->hook_arg = &o;
	run_go(&r);
	check_success(&r, 4 * P + 5, (size_t)P, 3);
	CHECK_INT_EQ(atomic_load(&o.most), 1);
	run_release(&r);
}

/* Every digest the sink wants arrives with each part, computed from the
 * part's bytes (MD5 only when asked: the sink's ETags stand for it), as the
 * sink wants them after begin: the S3 sink switches from CRC-32C to MD5
 * for a server that refuses checksum headers. */
static void test_uploader_run_digests(void)
{
	static const unsigned wants[][2] = {
		{ 0, 0 }, { SINK_WANT_SHA256, 0 }, { SINK_WANT_CRC32C, 0 },
		{ SINK_WANT_SHA256 | SINK_WANT_CRC32C, 0 }, { SINK_WANT_MD5, 0 },
		{ SINK_WANT_SHA256 | SINK_WANT_CRC32C,
		  SINK_WANT_SHA256 | SINK_WANT_MD5 },
		{ SINK_WANT_CRC32C, SINK_WANT_MD5 } };
	struct run r;
	size_t i;
	int pipe;

	for (i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		for (pipe = 0; pipe <= 1; pipe++) {
			if (run_setup(&r, 3 * P + 11, pipe, 2))
				return;
			r.sink->base.wants = wants[i][0];
			r.sink->wants_after_begin = wants[i][1];
			run_go(&r);
			check_success(&r, 3 * P + 11, (size_t)P, 2);
			CHECK_INT_EQ(r.sink->calls_put_part, 4);
			CHECK_INT_EQ(r.sink->digest_mismatches, 0);
			run_release(&r);
		}
	}
}

static void test_uploader_fail_part(void)
{
	static const unsigned concs[] = { 1, 4 };
	struct run r;
	size_t c;

	for (c = 0; c < 2; c++) {
		if (run_setup(&r, 3 * P + 7, 0, concs[c]))
			return;
		r.sink->fail_part = 2;
		r.sink->fail_part_rc = -EACCES;
		run_go(&r);
		check_failure(&r, -EACCES);
		CHECK_STR_EQ(r.err, "mem sink: put_part: Permission denied");
		CHECK_INT_EQ(r.sink->calls_complete, 0);
		CHECK(r.sink->calls_abort >= 1);
		CHECK_INT_EQ(r.sink->calls_stat, 0);
		run_release(&r);
	}
}

static void test_uploader_fail_sink_calls(void)
{
	struct run r;

	/* begin */
	if (run_setup(&r, 2 * P, 0, 2))
		return;
	r.sink->fail_begin_rc = -EIO;
	run_go(&r);
	check_failure(&r, -EIO);
	CHECK_INT_EQ(r.sink->calls_put_part, 0);
	CHECK_INT_EQ(r.sink->calls_complete, 0);
	run_release(&r);

	/* complete */
	if (run_setup(&r, 2 * P, 0, 2))
		return;
	r.sink->fail_complete_rc = -EIO;
	run_go(&r);
	check_failure(&r, -EIO);
	CHECK_INT_EQ(r.sink->calls_complete, 1);
	CHECK_INT_EQ(r.sink->calls_abort, 1);
	run_release(&r);

	/* a failing abort does not hide the first error */
	if (run_setup(&r, 3 * P, 0, 2))
		return;
	r.sink->fail_part = 1;
	r.sink->fail_part_rc = -EPERM;
	r.sink->fail_abort_rc = -EIO;
	run_go(&r);
	CHECK_INT_EQ(r.rc, -EPERM);
	CHECK_INT_EQ(r.sink->calls_abort, 1);
	CHECK_INT_EQ(r.sink->calls_complete, 0);
	run_release(&r);

	/* a single PUT */
	if (run_setup(&r, 100, 0, 2))
		return;
	r.sink->fail_put_whole_rc = -ENOSPC;
	run_go(&r);
	check_failure(&r, -ENOSPC);
	CHECK_INT_EQ(r.sink->calls_put_whole, 1);
	CHECK_INT_EQ(r.sink->calls_begin, 0);
	run_release(&r);
}

static void test_uploader_fail_source(void)
{
	struct run r;
	int pipe;

	for (pipe = 0; pipe <= 1; pipe++) {
		/* in the middle of part 2 */
		if (run_setup(&r, 3 * P + 7, pipe, 2))
			return;
		r.src->fail_at = P + 100;
		r.src->fail_errno = EIO;
		run_go(&r);
		check_failure(&r, -EIO);
		CHECK(strstr(r.err, "cannot read 'mem' at offset") != NULL);
		CHECK_INT_EQ(r.sink->calls_begin, 1);
		CHECK_INT_EQ(r.sink->calls_abort, 1);
		CHECK_INT_EQ(r.sink->calls_complete, 0);
		CHECK_INT_EQ(r.sink->calls_put_whole, 0);
		run_release(&r);

		/* within part 1: nothing is sent at all */
		if (run_setup(&r, 3 * P + 7, pipe, 2))
			return;
		r.src->fail_at = 10;
		r.src->fail_errno = ECONNRESET;
		run_go(&r);
		check_failure(&r, -ECONNRESET);
		CHECK_INT_EQ(r.sink->calls_put_whole + r.sink->calls_put_part, 0);
		run_release(&r);

		/* after a number of reads */
		if (run_setup(&r, 4 * P, pipe, 2))
			return;
		r.src->max_chunk = MiB;
		r.src->fail_after = 12;
		r.src->fail_errno = ENETDOWN;
		run_go(&r);
		check_failure(&r, -ENETDOWN);
		/* A pipe is read by one thread, which stops at the first
		 * failure; a sized source is read by concurrency + 1 = 3
		 * workers, each of which may have had a read in flight. */
		if (pipe)
			CHECK_INT_EQ(r.src->failed_reads, 1);
		else
			CHECK(r.src->failed_reads >= 1 && r.src->failed_reads <= 3);
		run_release(&r);
	}
}

/* A source whose size was announced wrongly must not leave an object. */
static void test_uploader_fail_size_mismatch(void)
{
	unsigned char data[20];
	struct run r;

	/* shorter than announced */
	if (run_setup(&r, 3 * P + 7, 0, 2))
		return;
	r.src->len = 2 * P + 3;
	run_go(&r);
	check_failure(&r, -EIO);
	CHECK_INT_EQ(r.sink->calls_complete, 0);
	run_release(&r);

	/* longer than announced, all in one part */
	if (run_setup(&r, 10, 0, 2))
		return;
	mem_gen_fill(SEED, 0, data, sizeof(data));
	r.src->data = data;
	r.src->len = sizeof(data);
	run_go(&r);
	check_failure(&r, -EIO);
	CHECK(strstr(r.err, "changed size") != NULL);
	run_release(&r);

	/* longer than announced, over several parts read in parallel */
	if (run_setup(&r, 3 * P + 7, 0, 2))
		return;
	r.src->base.size = 2 * P + 9;
	run_go(&r);
	check_failure(&r, -EIO);
	CHECK(strstr(r.err, "changed size") != NULL);
	CHECK_INT_EQ(r.sink->calls_complete, 0);
	run_release(&r);

	/* longer than announced, the announced size a whole number of
	 * parts: no part read comes short, the bytes past it still count */
	if (run_setup(&r, 3 * P + 7, 0, 2))
		return;
	r.src->base.size = 2 * P;
	run_go(&r);
	check_failure(&r, -EIO);
	CHECK(strstr(r.err, "changed size") != NULL);
	CHECK_INT_EQ(r.sink->calls_complete, 0);
	run_release(&r);
}

static void test_uploader_fail_verify(void)
{
	static const int64_t sizes[] = { 1000, 2 * P + 1 };
	struct run r;
	size_t i;

	for (i = 0; i < 2; i++) {
		/* the stored object's size is off by one */
		if (run_setup(&r, sizes[i], 0, 2))
			return;
		r.sink->stat_size_delta = 1;
		run_go(&r);
		check_failure(&r, -EIO);
		CHECK_INT_EQ(r.sink->calls_remove, 1);
		CHECK(strstr(r.err, "stored object has") != NULL);
		run_release(&r);

		/* an MD5-shaped ETag that is not ours */
		if (run_setup(&r, sizes[i], 0, 2))
			return;
		r.sink->stat_etag = i ? "\"0123456789abcdef0123456789abcdef-3\"" :
				    "\"0123456789abcdef0123456789abcdef\"";
		run_go(&r);
		check_failure(&r, -EIO);
		CHECK_INT_EQ(r.sink->calls_remove, 1);
		CHECK(strstr(r.err, "ETag") != NULL);
		run_release(&r);

		/* an opaque ETag (SSE-KMS) cannot be checked and is accepted */
		if (run_setup(&r, sizes[i], 0, 2))
			return;
		r.sink->stat_etag = "\"kms-opaque-etag\"";
		run_go(&r);
		CHECK_INT_EQ(r.rc, 0);
		CHECK_STR_EQ(r.out.etag, "kms-opaque-etag");
		CHECK_INT_EQ(r.sink->calls_remove, 0);
		run_release(&r);
	}
}

/* Complete assembling the parts in the wrong order leaves an object of
 * the right size whose ETag is not the one the parts' ETags give. */
static void test_uploader_fail_verify_order(void)
{
	struct run r;
	int pipe;

	for (pipe = 0; pipe <= 1; pipe++) {
		if (run_setup(&r, 3 * P + 7, pipe, 2))
			return;
		r.sink->complete_swaps = 1;
		run_go(&r);
		check_failure(&r, -EIO);
		CHECK_INT_EQ(r.sink->calls_complete, 1);
		CHECK_INT_EQ(r.sink->calls_remove, 1);
		CHECK(strstr(r.err, "expected from the ETags of the parts sent") != NULL);
		run_release(&r);
	}
}

/* Parts answered with ETags that are no MD5s (SSE-KMS): the object's
 * ETag cannot be foreseen, and is not checked whatever it looks like. */
static void test_uploader_verify_opaque_part_etags(void)
{
	struct run r;

	if (run_setup(&r, 2 * P + 1, 0, 2))
		return;
	r.sink->opaque_part_etags = 1;
	r.sink->stat_etag = "\"0123456789abcdef0123456789abcdef-3\"";
	run_go(&r);
	CHECK_INT_EQ(r.rc, 0);
	CHECK_INT_EQ(r.sink->calls_remove, 0);
	run_release(&r);
}

/* ---- cancellation ------------------------------------------------------ */

struct cancel_at {
	volatile int *flag;
	int64_t off;
	unsigned part;
};

static void cancel_on_read(struct mem_source *ms, int64_t off, size_t len)
{
	struct cancel_at *c = ms->hook_arg;

	(void)len;
	if (off >= c->off)
		*c->flag = 1;
}

static void cancel_on_part(struct mem_sink *mk, unsigned part)
{
	struct cancel_at *c = mk->hook_arg;

	if (part == c->part)
		*c->flag = 1;
}

static void check_cancelled(struct run *r)
{
	check_failure(r, -ECANCELED);
	CHECK_STR_EQ(r->err, "interrupted");
	CHECK_INT_EQ(r->sink->calls_complete, 0);
	CHECK_INT_EQ(r->sink->calls_put_whole, 0);
}

static void test_uploader_cancel_before(void)
{
	struct run r;

	if (run_setup(&r, 3 * P, 0, 2))
		return;
	r.cancel = 1;
	run_go(&r);
	check_cancelled(&r);
	/* no upload was begun, so there is none to abort */
	CHECK_INT_EQ(r.sink->calls_begin, 0);
	CHECK_INT_EQ(r.sink->calls_put_part, 0);
	run_release(&r);

	/* a small object, which would be a single PUT */
	if (run_setup(&r, 10, 0, 2))
		return;
	r.cancel = 1;
	run_go(&r);
	check_cancelled(&r);
	run_release(&r);
}

static void test_uploader_cancel_while_reading(void)
{
	struct cancel_at c;
	struct run r;

	if (run_setup(&r, 6 * P, 1, 2))
		return;
	c.flag = &r.cancel;
	c.off = 3 * P;
	r.src->on_read = cancel_on_read;
	r.src->hook_arg = &c;
	run_go(&r);
	check_cancelled(&r);
	CHECK(r.sink->calls_abort >= 1);
	CHECK(r.sink->calls_put_part < 6);
	run_release(&r);
}

/* Cancelled while parts are still in flight after the last byte was read:
 * the parts not yet sent must not be dropped silently. */
static void test_uploader_cancel_while_sending(void)
{
	struct cancel_at c;
	struct run r;

	if (run_setup(&r, P + 7, 0, 1))
		return;
	c.flag = &r.cancel;
	c.part = 1;
	r.sink->on_put_part = cancel_on_part;
	r.sink->hook_arg = &c;
	run_go(&r);
	check_cancelled(&r);
	CHECK_INT_EQ(r.sink->calls_begin, 1);
	CHECK_INT_EQ(r.sink->calls_abort, 1);
	run_release(&r);

	/* the same with more parts and threads */
	if (run_setup(&r, 5 * P + 7, 0, 4))
		return;
	c.flag = &r.cancel;
	c.part = 2;
	r.sink->on_put_part = cancel_on_part;
	r.sink->hook_arg = &c;
	run_go(&r);
	check_cancelled(&r);
	CHECK(r.sink->calls_abort >= 1);
	run_release(&r);
}

/* The first part to reach the sink cancels the run, and every part takes
 * a while: meanwhile a reading worker has its part read and waits for a
 * send slot.  (Workers read in parallel, so that may not be part 1.) */
static void cancel_on_first_part_slowly(struct mem_sink *mk, unsigned part)
{
	struct cancel_at *c = mk->hook_arg;
	struct timespec pause = { 0, 100 * 1000000L };

	(void)part;
	*c->flag = 1;
	nanosleep(&pause, NULL);
}

/* Parallel reads: a part read before the cancel and still waiting for a
 * send slot is not sent once a slot frees.  (Before send_bounded looked at
 * the cancel itself, this held only because the first sender's worker
 * usually took the lock first and failed the run in claim_part.) */
static void test_uploader_cancel_while_waiting_to_send(void)
{
	struct cancel_at c;
	struct run r;

	if (run_setup(&r, 8 * P, 0, 2))
		return;
	c.flag = &r.cancel;
	r.sink->on_put_part = cancel_on_first_part_slowly;
	r.sink->hook_arg = &c;
	run_go(&r);
	check_cancelled(&r);
	/* The first sender, and the second if its send began before the
	 * cancel: at most the two sends concurrency 2 allows, never a part
	 * that waited for a slot. */
	CHECK(r.sink->calls_put_part >= 1 && r.sink->calls_put_part <= 2);
	CHECK_INT_EQ(r.sink->calls_abort, 1);
	run_release(&r);
}

int main(void)
{
	RUN(test_uploader_part_size_known);
	RUN(test_uploader_part_size_fits_10000_parts);
	RUN(test_uploader_part_size_unknown_growth);
	RUN(test_uploader_multipart_etag);
	RUN(test_uploader_run_sizes);
	RUN(test_uploader_run_default_part_size);
	RUN(test_uploader_run_size_hint);
	RUN(test_uploader_run_short_reads);
	RUN(test_uploader_run_bounded_buffers);
	RUN(test_uploader_run_parallel_reads);
	RUN(test_uploader_run_digests);
	RUN(test_uploader_fail_part);
	RUN(test_uploader_fail_sink_calls);
	RUN(test_uploader_fail_source);
	RUN(test_uploader_fail_size_mismatch);
	RUN(test_uploader_fail_verify);
	RUN(test_uploader_fail_verify_order);
	RUN(test_uploader_verify_opaque_part_etags);
	RUN(test_uploader_cancel_before);
	RUN(test_uploader_cancel_while_reading);
	RUN(test_uploader_cancel_while_sending);
	RUN(test_uploader_cancel_while_waiting_to_send);
	return CHECK_DONE();
}
