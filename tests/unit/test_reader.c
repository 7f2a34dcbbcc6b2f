// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reader against the in-memory source: what it asks the source for
 * (sequential streams in growing requests that tile the file exactly,
 * random reads exactly as asked, nothing again for a backward seek or a
 * second reader), what it answers (the exact bytes, full buffers, EIO and
 * ESTALE passed through, never wrong bytes), and the memory it holds.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "check.h"
#include "disk_cache.h"
#include "mem_doubles.h"
#include "reader.h"

#define KiB (1024)
#define MiB (1024 * 1024)
#define SEED 0x7eadu
#define MAX_REQS 8192

/* Every request a source saw, from any thread. */
struct rec {
	pthread_mutex_t lock;
	int64_t off[MAX_REQS];
	size_t len[MAX_REQS];
	unsigned n;
	unsigned delay_us;
};

static void record(struct mem_source *ms, int64_t off, size_t len)
{
	struct rec *r = ms->hook_arg;

	if (r->delay_us)
		usleep(r->delay_us);
	pthread_mutex_lock(&r->lock);
	if (r->n < MAX_REQS) {
		r->off[r->n] = off;
		r->len[r->n] = len;
	}
	r->n++;
	pthread_mutex_unlock(&r->lock);
}

static struct rec *rec_new(unsigned delay_us)
{
	struct rec *r = calloc(1, sizeof(*r));

	pthread_mutex_init(&r->lock, NULL);
	r->delay_us = delay_us;
	return r;
}

static void rec_free(struct rec *r)
{
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* How many recorded requests covered byte off. */
static unsigned rec_covering(struct rec *r, int64_t off)
{
	unsigned i, n = 0;

	pthread_mutex_lock(&r->lock);
	for (i = 0; i < r->n && i < MAX_REQS; i++)
		n += off >= r->off[i] && off < r->off[i] + (int64_t)r->len[i];
	pthread_mutex_unlock(&r->lock);
	return n;
}

static int64_t rec_bytes(struct rec *r)
{
	int64_t sum = 0;
	unsigned i;

	pthread_mutex_lock(&r->lock);
	for (i = 0; i < r->n && i < MAX_REQS; i++)
		sum += (int64_t)r->len[i];
	pthread_mutex_unlock(&r->lock);
	return sum;
}

static struct mem_source *gen_source(int64_t len, struct rec *r)
{
	struct mem_source *ms = NULL;

	CHECK_INT_EQ(mem_source_new_gen(len, SEED, &ms), 0);
	if (r) {
		ms->on_read = record;
		ms->hook_arg = r;
	}
	return ms;
}

static struct reader_pool *new_pool(size_t cache, size_t ra_max,
				    unsigned workers)
{
	struct reader_conf conf = { cache, ra_max, workers };
	struct reader_pool *p = NULL;

	CHECK_INT_EQ(reader_pool_new(&conf, &p), 0);
	return p;
}

/* Whether buf holds the generator's len bytes at off. */
static int right_bytes(const char *buf, size_t len, int64_t off)
{
	char *want = malloc(len ? len : 1);
	int ok;

	mem_gen_fill(SEED, off, want, len);
	ok = !memcmp(buf, want, len);
	free(want);
	return ok;
}

struct req {
	int64_t off;
	size_t len;
};

static int cmp_off(const void *a, const void *b)
{
	const struct req *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* The recorded requests sorted by offset (caller frees); *n their count. */
static struct req *rec_sorted(struct rec *r, unsigned *n)
{
	struct req *q;
	unsigned i;

	pthread_mutex_lock(&r->lock);
	*n = r->n < MAX_REQS ? r->n : MAX_REQS;
	q = calloc(*n ? *n : 1, sizeof(*q));
	for (i = 0; i < *n; i++)
		q[i] = (struct req){ r->off[i], r->len[i] };
	pthread_mutex_unlock(&r->lock);
	qsort(q, *n, sizeof(*q), cmp_off);
	return q;
}

/* ---- streams ------------------------------------------------------------- */

static void test_reader_sequential_requests_grow(void)
{
	const int64_t size = 64 * MiB;
	struct reader_pool *p = new_pool(0, 0, 0);
	struct rec *rc = rec_new(0);
	struct reader_stats st;
	struct reader *r = NULL;
	char *buf = malloc(128 * KiB);
	unsigned n, i, bad = 0;
	struct req *q;
	int64_t off, end;

	CHECK_INT_EQ(reader_new(p, &gen_source(size, rc)->base, "seq", &r), 0);
	for (off = 0; off < size; off += 128 * KiB) {
		ssize_t got = reader_read(r, buf, 128 * KiB, off);

		bad += got != 128 * KiB || !right_bytes(buf, 128 * KiB, off);
	}
	CHECK_INT_EQ(bad, 0);
	CHECK_INT_EQ(reader_read(r, buf, 128 * KiB, size), 0);
	reader_get_stats(r, &st);
	CHECK_INT_EQ(st.window, READER_READAHEAD_MAX_DEFAULT);
	CHECK_INT_EQ(st.direct, 0);
	reader_free(r);
	reader_pool_free(p);
	/* The requests tile the file: nothing twice, nothing wasted. */
	q = rec_sorted(rc, &n);
	for (i = 0, end = 0; i < n; i++) {
		CHECK_INT_EQ(q[i].off, end);
		end = q[i].off + (int64_t)q[i].len;
	}
	CHECK_INT_EQ(end, size);
	CHECK_INT_EQ(rec_bytes(rc), size);
	/* The read itself, then read-ahead in requests of a quarter of the
	 * window (never under the initial one), up to the request cap. */
	CHECK(n > 8);
	CHECK_INT_EQ(q[0].len, 128 * KiB);
	CHECK_INT_EQ(q[1].len, READER_WINDOW_INITIAL);
	CHECK_INT_EQ(q[2].len, READER_WINDOW_INITIAL);
	for (i = 1, bad = 0; i + 1 < n; i++)
		bad += q[i].len > READER_REQUEST_MAX || q[i].len < q[i - 1].len;
	CHECK_INT_EQ(bad, 0);	/* growing, capped */
	CHECK_INT_EQ(q[n - 2].len, READER_REQUEST_MAX);
	free(q);
	rec_free(rc);
	free(buf);
}

static void test_reader_random_reads_do_not_prefetch(void)
{
	const int64_t size = 16 * MiB;
	struct reader_pool *p = new_pool(0, 0, 0);
	struct rec *rc = rec_new(0);
	char *buf = malloc(256 * KiB);
	struct reader_stats st;
	struct reader *r = NULL;
	unsigned seed = 7, i, bad = 0;
	int64_t off, last = -1, asked = 0;
	size_t len;

	CHECK_INT_EQ(reader_new(p, &gen_source(size, rc)->base, "rnd", &r), 0);
	for (i = 0; i < 200; i++) {
		do {
			off = (int64_t)(rand_r(&seed) % (unsigned)size);
		} while (off == last);
		len = 1 + (size_t)rand_r(&seed) % (256 * KiB);
		if ((int64_t)len > size - off)
			len = (size_t)(size - off);
		bad += reader_read(r, buf, len, off) != (ssize_t)len ||
		       !right_bytes(buf, len, off);
		last = off + (int64_t)len;
		asked += (int64_t)len;
	}
	CHECK_INT_EQ(bad, 0);
	reader_get_stats(r, &st);
	CHECK_INT_EQ(st.prefetches, 0);
	CHECK_INT_EQ(st.window, 0);
	CHECK_INT_EQ(rc->n, 200);		/* one request per read ... */
	CHECK_INT_EQ(rec_bytes(rc), asked);	/* ... of exactly its bytes */
	reader_free(r);
	reader_pool_free(p);
	rec_free(rc);
	free(buf);
}

static void test_reader_backward_seek_from_cache(void)
{
	struct reader_pool *p = new_pool(0, 0, 0);
	struct rec *rc = rec_new(0);
	char *buf = malloc(128 * KiB);
	struct reader *r = NULL;
	int64_t off;

	CHECK_INT_EQ(reader_new(p, &gen_source(16 * MiB, rc)->base, "back", &r), 0);
	for (off = 0; off < 4 * MiB; off += 128 * KiB)
		CHECK_INT_EQ(reader_read(r, buf, 128 * KiB, off), 128 * KiB);
	/* back 512 KiB, and back to the start */
	CHECK_INT_EQ(reader_read(r, buf, 128 * KiB, 4 * MiB - 512 * KiB), 128 * KiB);
	CHECK(right_bytes(buf, 128 * KiB, 4 * MiB - 512 * KiB));
	CHECK_INT_EQ(reader_read(r, buf, 4096, 100), 4096);
	CHECK(right_bytes(buf, 4096, 100));
	CHECK_INT_EQ(rec_covering(rc, 4 * MiB - 512 * KiB), 1);
	CHECK_INT_EQ(rec_covering(rc, 100), 1);
	reader_free(r);
	reader_pool_free(p);
	rec_free(rc);
	free(buf);
}

struct par {
	struct reader *r;
	pthread_barrier_t *go;
	int64_t first, step, size;
	size_t len;
	int bad;
};

/* Reads chunk first, first + step, ...: threads together read all.  They
 * start each round together, as the kernel's concurrent reads of one
 * stream arrive (every thread makes the same number of rounds): a thread
 * the scheduler holds back must not fall a whole window behind. */
static void *read_strided(void *arg)
{
	struct par *a = arg;
	char *buf = malloc(a->len);
	int64_t off;

	for (off = a->first; off < a->size; off += a->step) {
		pthread_barrier_wait(a->go);
		a->bad += reader_read(a->r, buf, a->len, off) != (ssize_t)a->len ||
			  !right_bytes(buf, a->len, off);
	}
	free(buf);
	return NULL;
}

/* Two opens of one file reading the same bytes at once: one request. */
static void test_reader_single_flight(void)
{
	struct reader_pool *p = new_pool(0, 0, 0);
	struct rec *rc = rec_new(50000);
	struct reader *r1 = NULL, *r2 = NULL;
	pthread_barrier_t go;
	struct par a[2];
	pthread_t t[2];
	int i;

	CHECK_INT_EQ(reader_new(p, &gen_source(64 * KiB, rc)->base, "same", &r1), 0);
	CHECK_INT_EQ(reader_new(p, &gen_source(64 * KiB, rc)->base, "same", &r2), 0);
	pthread_barrier_init(&go, NULL, 2);
	for (i = 0; i < 2; i++) {
		a[i] = (struct par){ i ? r2 : r1, &go, 0, 64 * KiB, 64 * KiB,
				     64 * KiB, 0 };
		pthread_create(&t[i], NULL, read_strided, &a[i]);
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	CHECK_INT_EQ(a[0].bad + a[1].bad, 0);
	CHECK_INT_EQ(rc->n, 1);
	reader_free(r1);
	reader_free(r2);
	reader_pool_free(p);
	pthread_barrier_destroy(&go);
	rec_free(rc);
}

/* FUSE threads deliver a sequential reader's reads out of order. */
static void test_reader_concurrent_sequential(void)
{
	const int64_t size = 48 * MiB;
	struct reader_pool *p = new_pool(0, 0, 0);
	struct rec *rc = rec_new(200);
	struct reader *r = NULL;
	struct reader_stats st;
	pthread_barrier_t go;
	struct par a[4];
	pthread_t t[4];
	int i, bad = 0;

	CHECK_INT_EQ(reader_new(p, &gen_source(size, rc)->base, NULL, &r), 0);
	pthread_barrier_init(&go, NULL, 4);
	for (i = 0; i < 4; i++) {
		a[i] = (struct par){ r, &go, i * MiB, 4 * MiB, size, MiB, 0 };
		pthread_create(&t[i], NULL, read_strided, &a[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		bad += a[i].bad;
	}
	CHECK_INT_EQ(bad, 0);
	reader_get_stats(r, &st);
	CHECK(st.prefetches > 3);
	CHECK(rec_bytes(rc) <= size + size / 10);
	reader_free(r);
	reader_pool_free(p);
	pthread_barrier_destroy(&go);
	rec_free(rc);
}

/* ---- memory -------------------------------------------------------------- */

struct mixed {
	struct reader_pool *p;
	const char *key;
	unsigned seed;
	int bad;
};

/* Mostly sequential with jumps, forwards and backwards. */
static void *read_mixed(void *arg)
{
	struct mixed *m = arg;
	const int64_t size = 32 * MiB;
	char *buf = malloc(256 * KiB);
	struct reader *r = NULL;
	int64_t off = 0;
	size_t len;
	int i;

	if (reader_new(m->p, &gen_source(size, NULL)->base, m->key, &r))
		m->bad++;
	for (i = 0; r && i < 400; i++) {
		if (rand_r(&m->seed) % 10 < 3)
			off = (int64_t)(rand_r(&m->seed) % (unsigned)size);
		len = 1 + (size_t)rand_r(&m->seed) % (256 * KiB);
		if ((int64_t)len > size - off)
			len = (size_t)(size - off);
		m->bad += reader_read(r, buf, len, off) != (ssize_t)len ||
			  !right_bytes(buf, len, off);
		off = (off + (int64_t)len) % size;
	}
	reader_free(r);
	free(buf);
	return NULL;
}

/* The window's cap is above the whole budget: the budget still holds. */
static void test_reader_budget_never_exceeded(void)
{
	static const char *const keys[] = { "a", "b", "a", NULL, NULL, "c" };
	struct reader_pool *p = new_pool(4 * MiB, 16 * MiB, 4);
	struct cache_stats st;
	struct mixed m[6];
	pthread_t t[6];
	int i, bad = 0;

	for (i = 0; i < 6; i++) {
		m[i] = (struct mixed){ p, keys[i], (unsigned)i * 77 + 1, 0 };
		pthread_create(&t[i], NULL, read_mixed, &m[i]);
	}
	for (i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		bad += m[i].bad;
	}
	CHECK_INT_EQ(bad, 0);
	reader_pool_cache_stats(p, &st);
	CHECK(st.peak <= 4 * MiB);
	CHECK(st.used <= 4 * MiB);
	CHECK(st.loads > 0 && st.hits > 0);
	reader_pool_free(p);
}

/* ---- faults and edges -------------------------------------------------------- */

static void test_reader_errors_pass_through(void)
{
	static const int codes[] = { EIO, ESTALE };
	char *buf = malloc(MiB);
	struct reader_pool *p;
	struct mem_source *ms;
	struct reader *r;
	int64_t off;
	ssize_t n;
	size_t i;

	for (i = 0; i < 2; i++) {
		p = new_pool(0, 0, 0);
		ms = gen_source(16 * MiB, NULL);
		ms->fail_at = 5 * MiB + 123;
		ms->fail_errno = codes[i];
		CHECK_INT_EQ(reader_new(p, &ms->base, "f", &r), 0);
		/* Read-ahead meets the bad byte first.  EIO there must not
		 * fail these reads; ESTALE (the file changed) may. */
		for (off = 0; off + MiB <= 5 * MiB; off += MiB) {
			n = reader_read(r, buf, MiB, off);
			if (n != -ESTALE || codes[i] != ESTALE) {
				CHECK_INT_EQ(n, MiB);
				CHECK(right_bytes(buf, MiB, off));
			}
		}
		/* sequential, across the bad byte: an error, not a short read */
		CHECK_INT_EQ(reader_read(r, buf, MiB, 5 * MiB), -codes[i]);
		/* random, past it */
		CHECK_INT_EQ(reader_read(r, buf, 4096, 9 * MiB), -codes[i]);
		/* and the reader still serves what is good */
		CHECK_INT_EQ(reader_read(r, buf, 4096, MiB + 5), 4096);
		CHECK(right_bytes(buf, 4096, MiB + 5));
		reader_free(r);
		reader_pool_free(p);
	}
	free(buf);
}

/* A flaky origin: every read is the exact bytes or EIO, never others. */
static void test_reader_flaky_source(void)
{
	struct reader_pool *p = new_pool(0, 4 * MiB, 0);
	struct rec *rc = rec_new(0);
	struct mem_source *ms = gen_source(24 * MiB, rc);
	char *buf = malloc(512 * KiB);
	unsigned seed = 3, i, wrong = 0, eio = 0, ok = 0;
	struct reader *r;
	int64_t off = 0;
	ssize_t n;

	ms->fail_every = 5;
	CHECK_INT_EQ(reader_new(p, &ms->base, "flaky", &r), 0);
	/* Which source calls fail depends on how read-ahead interleaves with
	 * the reads: go on past 300 reads until both outcomes were seen. */
	for (i = 0; i < 3000 && (i < 300 || !eio || !ok); i++) {
		if (rand_r(&seed) % 4 == 0)
			off = (int64_t)(rand_r(&seed) % (20 * MiB));
		n = reader_read(r, buf, 512 * KiB, off);
		if (n == -EIO)
			eio++;
		else if (n == 512 * KiB && right_bytes(buf, 512 * KiB, off))
			ok++;
		else
			wrong++;
		off += 512 * KiB;
		if (off > 23 * MiB)
			off = 0;
	}
	CHECK_INT_EQ(wrong, 0);
	CHECK(eio > 0 && ok > 0);
	reader_free(r);
	reader_pool_free(p);
	rec_free(rc);
	free(buf);
}

static void test_reader_end_of_file(void)
{
	struct reader_pool *p = new_pool(0, 0, 0);
	struct rec *rc = rec_new(0);
	char *buf = malloc(128 * KiB);
	struct mem_source *ms;
	struct reader *r;
	int64_t off = 0;
	ssize_t n;

	CHECK_INT_EQ(reader_new(p, &gen_source(1000, rc)->base, "tiny", &r), 0);
	CHECK_INT_EQ(reader_size(r), 1000);
	CHECK_INT_EQ(reader_read(r, buf, 4096, 0), 1000);
	CHECK(right_bytes(buf, 1000, 0));
	CHECK_INT_EQ(reader_read(r, buf, 4096, 1000), 0);
	CHECK_INT_EQ(reader_read(r, buf, 4096, 5000), 0);
	CHECK_INT_EQ(reader_read(r, buf, 10, 995), 5);
	CHECK_INT_EQ(reader_read(r, buf, 10, -1), -EINVAL);
	reader_free(r);
	/* size unknown: reads run until the source ends */
	ms = gen_source(300000, rc);
	ms->base.size = -1;
	CHECK_INT_EQ(reader_new(p, &ms->base, NULL, &r), 0);
	CHECK_INT_EQ(reader_size(r), -1);
	while ((n = reader_read(r, buf, 128 * KiB, off)) > 0) {
		CHECK(right_bytes(buf, (size_t)n, off));
		off += n;
		if (n < 128 * KiB)
			break;
	}
	CHECK_INT_EQ(off, 300000);
	CHECK_INT_EQ(reader_read(r, buf, 128 * KiB, off), 0);
	reader_free(r);
	reader_pool_free(p);
	rec_free(rc);
	free(buf);
}

/* A source that answers in dribs and drabs still fills every buffer. */
static void test_reader_full_buffers(void)
{
	struct reader_pool *p = new_pool(0, 0, 0);
	struct mem_source *ms = NULL;
	char *buf = malloc(MiB);
	struct reader *r;

	CHECK_INT_EQ(mem_source_new_gen(8 * MiB, SEED, &ms), 0);
	ms->max_chunk = 1000;
	CHECK_INT_EQ(reader_new(p, &ms->base, "dribble", &r), 0);
	CHECK_INT_EQ(reader_read(r, buf, MiB, 0), MiB);
	CHECK(right_bytes(buf, MiB, 0));
	CHECK_INT_EQ(reader_read(r, buf, MiB, MiB), MiB);
	CHECK(right_bytes(buf, MiB, MiB));
	CHECK_INT_EQ(reader_read(r, buf, 77777, 5 * MiB + 3), 77777);
	CHECK(right_bytes(buf, 77777, 5 * MiB + 3));
	reader_free(r);
	reader_pool_free(p);
	free(buf);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Closing a file with read-ahead in flight returns at once; the pool
 * still shuts down cleanly (and ASan sees no leak or stale access). */
static void test_reader_close_during_prefetch(void)
{
	struct reader_pool *p = new_pool(0, 0, 2);
	struct rec *rc = rec_new(400000);	/* every source read: 0.4 s */
	char *buf = malloc(64 * KiB);
	struct reader *r, *r2;
	double t0;

	CHECK_INT_EQ(reader_new(p, &gen_source(64 * MiB, rc)->base, "x", &r), 0);
	CHECK_INT_EQ(reader_read(r, buf, 64 * KiB, 0), 64 * KiB);
	CHECK_INT_EQ(reader_read(r, buf, 64 * KiB, 64 * KiB), 64 * KiB);
	t0 = now_s();
	reader_free(r);
	CHECK(now_s() - t0 < 0.2);
	/* a reader left open is freed by the pool */
	CHECK_INT_EQ(reader_new(p, &gen_source(MiB, rc)->base, "y", &r2), 0);
	CHECK_INT_EQ(reader_read(r2, buf, 4096, 0), 4096);
	reader_pool_free(p);
	rec_free(rc);
	free(buf);
}

/* ---- the on-disk cache ------------------------------------------------------ */

/* Read [0, size) in 128 KiB reads through a new pool on dir; returns how
 * many reads gave wrong bytes. */
static unsigned read_all_through(const char *dir, const char *key,
				 int64_t size, struct rec *rc)
{
	struct reader_conf conf = { .disk_cache_dir = dir,
				    .disk_cache_size = 64 * MiB };
	struct reader_pool *p = NULL;
	struct reader *r = NULL;
	char *buf = malloc(128 * KiB);
	unsigned bad = 0;
	int64_t off;
	ssize_t got;

	CHECK_INT_EQ(reader_pool_new(&conf, &p), 0);
	CHECK_INT_EQ(reader_new(p, &gen_source(size, rc)->base, key, &r), 0);
	for (off = 0; r && off < size; off += 128 * KiB) {
		got = reader_read(r, buf, 128 * KiB, off);
		bad += got != (off + 128 * KiB <= size ? 128 * KiB : size - off) ||
		       !right_bytes(buf, (size_t)got, off);
	}
	reader_free(r);
	reader_pool_free(p);
	free(buf);
	return bad;
}

static void test_reader_disk_cache_across_pools(void)
{
	const int64_t size = 16 * MiB + 1234;
	char dir[] = "/tmp/scfs-rd-XXXXXX", cmd[64];
	struct rec *first = rec_new(0), *again = rec_new(0), *other = rec_new(0);
	unsigned n, i, aligned = 0;
	struct req *q;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT_EQ(read_all_through(dir, "urn:1 original 1 100", size, first), 0);
	/* read-ahead comes in whole blocks; each byte about once */
	q = rec_sorted(first, &n);
	for (i = 0; i < n; i++)
		aligned += q[i].off % DISK_CACHE_BLOCK == 0;
	CHECK(aligned + 1 >= n);
	CHECK(rec_bytes(first) >= size);
	CHECK(rec_bytes(first) <= size + 2 * (int64_t)DISK_CACHE_BLOCK);
	free(q);
	/* a remount: a new pool on the same directory asks the source nothing */
	CHECK_INT_EQ(read_all_through(dir, "urn:1 original 1 100", size, again), 0);
	CHECK_INT_EQ(again->n, 0);
	/* another version of the file is another key: fetched again */
	CHECK_INT_EQ(read_all_through(dir, "urn:1 original 1 101", size, other), 0);
	CHECK(rec_bytes(other) >= size);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT_EQ(system(cmd), 0);
	rec_free(first);
	rec_free(again);
	rec_free(other);
}

int main(void)
{
	RUN(test_reader_sequential_requests_grow);
	RUN(test_reader_random_reads_do_not_prefetch);
	RUN(test_reader_backward_seek_from_cache);
	RUN(test_reader_single_flight);
	RUN(test_reader_concurrent_sequential);
	RUN(test_reader_budget_never_exceeded);
	RUN(test_reader_errors_pass_through);
	RUN(test_reader_flaky_source);
	RUN(test_reader_end_of_file);
	RUN(test_reader_full_buffers);
	RUN(test_reader_close_during_prefetch);
	RUN(test_reader_disk_cache_across_pools);
	return CHECK_DONE();
}
