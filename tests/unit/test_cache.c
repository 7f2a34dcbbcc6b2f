// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The block cache on its own: extents in and out, the index, waiting on a
 * load and its failure, single-flight under threads, LRU eviction, the
 * unread rule for read-ahead, and a budget that holds under any pattern.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "check.h"
#include "mem_doubles.h"

#define KiB 1024
#define STEP ((int64_t)CACHE_STEP)
#define SEED 0xcace

static struct cache *new_cache(size_t budget)
{
	struct cache_conf conf = { budget };
	struct cache *c = NULL;

	CHECK_INT_EQ(cache_new(&conf, &c), 0);
	return c;
}

/* Claim, fill with the generator's bytes for that offset, publish. */
static int load(struct cache_file *f, int64_t off, size_t len, int prefetch)
{
	struct cache_extent *e;
	int64_t held;
	int rc = cache_claim(f, off, len, prefetch, &e, &held);

	if (rc)
		return rc;
	mem_gen_fill(SEED, off, cache_extent_buf(e), cache_extent_len(e));
	cache_extent_done(e, (ssize_t)cache_extent_len(e));
	return 0;
}

/* Whether the cache holds off with the right byte there. */
static int holds(struct cache_file *f, int64_t off)
{
	struct cache_view v = { 0 };
	int64_t next;
	int ok;

	if (cache_lookup(f, off, &v, &next))
		return 0;
	ok = v.len > 0 && (unsigned char)v.data[0] == mem_gen_byte(SEED, off);
	cache_view_release(&v);
	return ok;
}

static void test_cache_claim_then_lookup(void)
{
	struct cache *c = new_cache(16 * STEP);
	struct cache_file *f;
	struct cache_view v = { 0 };
	struct cache_stats st;
	int64_t next;

	CHECK_INT_EQ(cache_file_open(c, "k", &f), 0);
	CHECK_INT_EQ(load(f, 1000, 100 * KiB, 0), 0);
	CHECK_INT_EQ(cache_lookup(f, 1000 + 50 * KiB, &v, &next), 0);
	CHECK_INT_EQ(v.len, 50 * KiB);
	CHECK_INT_EQ(v.data[0], (char)mem_gen_byte(SEED, 1000 + 50 * KiB));
	CHECK_INT_EQ(v.data[v.len - 1], (char)mem_gen_byte(SEED, 1000 + 100 * KiB - 1));
	cache_view_release(&v);
	/* before the extent, and right after it */
	CHECK_INT_EQ(cache_lookup(f, 999, &v, &next), -ENOENT);
	CHECK_INT_EQ(next, 1000);
	CHECK_INT_EQ(cache_lookup(f, 1000 + 100 * KiB, &v, &next), -ENOENT);
	CHECK_INT_EQ(next, INT64_MAX);
	cache_get_stats(c, &st);
	CHECK_INT_EQ(st.hits, 1);
	CHECK_INT_EQ(st.misses, 2);
	CHECK_INT_EQ(st.loads, 1);
	CHECK_INT_EQ(st.used, 2 * STEP);	/* 100 KiB takes two steps */
	cache_file_close(f);
	cache_free(c);
}

static void test_cache_claims_never_overlap(void)
{
	struct cache *c = new_cache(64 * STEP);
	struct cache_file *f;
	struct cache_extent *e;
	int64_t held = 0;

	CHECK_INT_EQ(cache_file_open(c, NULL, &f), 0);
	CHECK_INT_EQ(load(f, 0, 1000, 0), 0);
	CHECK_INT_EQ(load(f, 3000, 1000, 0), 0);
	CHECK_INT_EQ(cache_claim(f, 500, 10, 0, &e, &held), -EEXIST);
	CHECK_INT_EQ(held, 1000);
	/* cut short where the next extent starts */
	CHECK_INT_EQ(cache_claim(f, 1500, 100000, 1, &e, &held), 0);
	CHECK_INT_EQ(cache_extent_off(e), 1500);
	CHECK_INT_EQ(cache_extent_len(e), 1500);
	/* a byte being loaded is claimed once */
	CHECK_INT_EQ(cache_claim(f, 2000, 10, 0, &e, &held), -EEXIST);
	CHECK_INT_EQ(held, 3000);
	mem_gen_fill(SEED, 1500, cache_extent_buf(e), 1500);
	cache_extent_done(e, 1500);
	CHECK(holds(f, 1500) && holds(f, 2999) && holds(f, 3999));
	CHECK_INT_EQ(cache_claim(f, 10, 0, 0, &e, &held), -EINVAL);
	cache_file_close(f);
	cache_free(c);
}

static void test_cache_short_load_is_the_end(void)
{
	struct cache *c = new_cache(4 * STEP);
	struct cache_file *f;
	struct cache_extent *e;
	struct cache_view v = { 0 };
	int64_t held, next;

	CHECK_INT_EQ(cache_file_open(c, "k", &f), 0);
	CHECK_INT_EQ(cache_claim(f, 0, 1000, 0, &e, &held), 0);
	mem_gen_fill(SEED, 0, cache_extent_buf(e), 600);
	cache_extent_done(e, 600);
	CHECK_INT_EQ(cache_lookup(f, 599, &v, &next), 0);
	CHECK_INT_EQ(v.len, 1);
	cache_view_release(&v);
	CHECK_INT_EQ(cache_lookup(f, 700, &v, &next), 0);
	CHECK_INT_EQ(v.len, 0);
	cache_view_release(&v);
	cache_file_close(f);
	cache_free(c);
}

struct waiter {
	struct cache_file *f;
	int64_t off;
	int rc;
};

static void *wait_lookup(void *arg)
{
	struct waiter *w = arg;
	struct cache_view v = { 0 };
	int64_t next;

	w->rc = cache_lookup(w->f, w->off, &v, &next);
	if (!w->rc)
		cache_view_release(&v);
	return NULL;
}

/* A waiter gets the loader's failure; cancellation reads as "look again". */
static void test_cache_failed_load_reaches_waiters(void)
{
	static const int codes[] = { -EIO, -ESTALE, -ECANCELED };
	struct cache *c = new_cache(4 * STEP);
	struct cache_extent *e;
	struct waiter w = { 0 };
	struct cache_stats st;
	pthread_t t;
	int64_t held, next;
	struct cache_view v;
	size_t i;

	CHECK_INT_EQ(cache_file_open(c, "k", &w.f), 0);
	for (i = 0; i < 3; i++) {
		CHECK_INT_EQ(cache_claim(w.f, 0, 1000, 1, &e, &held), 0);
		w.off = 10;
		pthread_create(&t, NULL, wait_lookup, &w);
		do {	/* until the waiter is waiting */
			usleep(1000);
			cache_get_stats(c, &st);
		} while (st.waits < i + 1);
		cache_extent_done(e, codes[i]);
		pthread_join(t, NULL);
		CHECK_INT_EQ(w.rc, codes[i] == -ECANCELED ? -EAGAIN : codes[i]);
		/* a failed extent is gone: the next claim may try again */
		CHECK_INT_EQ(cache_lookup(w.f, 10, &v, &next), -ENOENT);
	}
	cache_get_stats(c, &st);
	CHECK_INT_EQ(st.waits, 3);
	cache_file_close(w.f);
	cache_free(c);
}

struct racer {
	struct cache *c;
	atomic_int *loads;
	atomic_int *go;
	int ok;
};

/* Everyone wants [0, 256 KiB): look, else claim and load (slowly). */
static void *race_one(void *arg)
{
	struct racer *r = arg;
	struct cache_file *f;
	struct cache_extent *e;
	int64_t held;
	int rc;

	cache_file_open(r->c, "shared", &f);
	while (!atomic_load(r->go))
		;
	for (;;) {
		if (holds(f, 100 * KiB)) {
			r->ok = 1;
			break;
		}
		rc = cache_claim(f, 0, 256 * KiB, 0, &e, &held);
		if (rc == -EEXIST)
			continue;
		if (rc)
			break;
		atomic_fetch_add(r->loads, 1);
		usleep(30000);
		mem_gen_fill(SEED, 0, cache_extent_buf(e), 256 * KiB);
		cache_extent_done(e, 256 * KiB);
	}
	cache_file_close(f);
	return NULL;
}

static void test_cache_single_flight(void)
{
	struct cache *c = new_cache(64 * STEP);
	atomic_int loads = 0, go = 0;
	struct racer r[8];
	pthread_t t[8];
	int i, ok = 0;

	for (i = 0; i < 8; i++) {
		r[i] = (struct racer){ c, &loads, &go, 0 };
		pthread_create(&t[i], NULL, race_one, &r[i]);
	}
	atomic_store(&go, 1);
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		ok += r[i].ok;
	}
	CHECK_INT_EQ(ok, 8);
	CHECK_INT_EQ(atomic_load(&loads), 1);
	cache_free(c);
}

static void test_cache_lru_eviction(void)
{
	struct cache *c = new_cache(4 * STEP);
	struct cache_file *f;
	struct cache_stats st;
	int64_t i;

	CHECK_INT_EQ(cache_file_open(c, "k", &f), 0);
	for (i = 0; i < 4; i++)
		CHECK_INT_EQ(load(f, i * STEP, CACHE_STEP, 0), 0);
	CHECK(holds(f, 0));		/* extent 0 is now the most recent */
	CHECK_INT_EQ(load(f, 10 * STEP, CACHE_STEP, 0), 0);
	CHECK(holds(f, 0));
	CHECK(!holds(f, STEP));		/* the least recently used went */
	CHECK(holds(f, 2 * STEP) && holds(f, 3 * STEP) && holds(f, 10 * STEP));
	/* a bigger extent evicts as many as it needs */
	CHECK_INT_EQ(load(f, 20 * STEP, 2 * CACHE_STEP, 0), 0);
	cache_get_stats(c, &st);
	CHECK_INT_EQ(st.evictions, 3);
	CHECK(st.used <= st.budget && st.peak <= st.budget);
	cache_file_close(f);
	cache_free(c);
}

/* Pinned and loading extents stay; the claim is refused instead. */
static void test_cache_refuses_rather_than_exceed(void)
{
	struct cache *c = new_cache(2 * STEP);
	struct cache_file *f;
	struct cache_extent *e1, *e2, *e3;
	struct cache_view v = { 0 };
	struct cache_stats st;
	int64_t held, next;

	CHECK_INT_EQ(cache_file_open(c, "k", &f), 0);
	CHECK_INT_EQ(cache_claim(f, 0, CACHE_STEP, 0, &e1, &held), 0);
	CHECK_INT_EQ(cache_claim(f, STEP, CACHE_STEP, 0, &e2, &held), 0);
	CHECK_INT_EQ(cache_claim(f, 2 * STEP, 1, 0, &e3, &held), -ENOBUFS);
	cache_extent_done(e1, CACHE_STEP);
	CHECK_INT_EQ(cache_lookup(f, 0, &v, &next), 0);	/* pinned */
	CHECK_INT_EQ(cache_claim(f, 2 * STEP, 1, 0, &e3, &held), -ENOBUFS);
	cache_view_release(&v);
	CHECK_INT_EQ(cache_claim(f, 2 * STEP, 1, 0, &e3, &held), 0);
	cache_extent_done(e3, 1);
	cache_extent_done(e2, CACHE_STEP);
	/* more than the whole budget never fits */
	CHECK_INT_EQ(cache_claim(f, 9 * STEP, 3 * CACHE_STEP, 0, &e3, &held), -ENOBUFS);
	cache_get_stats(c, &st);
	CHECK_INT_EQ(st.refused, 3);
	CHECK(st.peak <= 2 * STEP);
	cache_file_close(f);
	cache_free(c);
}

/* Read-ahead is not thrown away before its reader came for it. */
static void test_cache_unread_prefetch_stays(void)
{
	struct cache *c = new_cache(2 * STEP);
	struct cache_file *f;

	CHECK_INT_EQ(cache_file_open(c, "k", &f), 0);
	CHECK_INT_EQ(load(f, 0, CACHE_STEP, 1), 0);
	CHECK_INT_EQ(load(f, STEP, CACHE_STEP, 1), 0);
	CHECK_INT_EQ(load(f, 2 * STEP, CACHE_STEP, 1), -ENOBUFS);
	CHECK_INT_EQ(load(f, 2 * STEP, CACHE_STEP, 0), -ENOBUFS);
	CHECK(holds(f, 0));		/* seen: may go now */
	CHECK_INT_EQ(load(f, 2 * STEP, CACHE_STEP, 1), 0);
	CHECK(!holds(f, 0) && holds(f, STEP) && holds(f, 2 * STEP));
	cache_file_close(f);
	/* closed: unread or not, it may go */
	CHECK_INT_EQ(cache_file_open(c, "other", &f), 0);
	CHECK_INT_EQ(load(f, 0, 2 * CACHE_STEP, 1), 0);
	CHECK(holds(f, STEP));
	cache_file_close(f);
	cache_free(c);
}

static void test_cache_files_by_key(void)
{
	struct cache *c = new_cache(16 * STEP);
	struct cache_file *a, *a2, *b, *p, *p2;
	struct cache_stats st;

	CHECK_INT_EQ(cache_file_open(c, "a", &a), 0);
	CHECK_INT_EQ(cache_file_open(c, "a", &a2), 0);
	CHECK_INT_EQ(cache_file_open(c, "b", &b), 0);
	CHECK_INT_EQ(cache_file_open(c, NULL, &p), 0);
	CHECK_INT_EQ(cache_file_open(c, NULL, &p2), 0);
	CHECK(a == a2 && a != b && p != p2);
	CHECK_INT_EQ(load(a, 0, 1000, 0), 0);
	CHECK_INT_EQ(load(p, 0, 1000, 0), 0);
	CHECK(holds(a2, 500) && !holds(b, 500) && !holds(p2, 500));
	cache_file_close(a);
	cache_file_close(a2);
	/* kept after the last close: the next open finds it */
	CHECK_INT_EQ(cache_file_open(c, "a", &a), 0);
	CHECK(holds(a, 999));
	cache_file_close(a);
	/* a private file's bytes go with it; the buffer is kept for reuse */
	cache_file_close(p);
	CHECK_INT_EQ(load(p2, 0, 1000, 0), 0);
	cache_get_stats(c, &st);
	CHECK_INT_EQ(st.used, 2 * STEP);
	CHECK_INT_EQ(st.peak, 2 * STEP);
	cache_file_close(p2);
	cache_file_close(b);
	cache_free(c);
}

struct stress {
	struct cache *c;
	unsigned seed;
	int bad;
};

static void *stress_one(void *arg)
{
	struct stress *s = arg;
	struct cache_file *f;
	struct cache_view v = { 0 };
	int64_t off, next;
	size_t len;
	int i, rc;

	cache_file_open(s->c, (s->seed & 1) ? "odd" : "even", &f);
	for (i = 0; i < 3000; i++) {
		off = rand_r(&s->seed) % (8 << 20);
		len = 1 + (size_t)rand_r(&s->seed) % (300 * KiB);
		rc = cache_lookup(f, off, &v, &next);
		if (!rc) {
			s->bad += v.len && (unsigned char)v.data[0] !=
				  mem_gen_byte(SEED, off);
			cache_view_release(&v);
			continue;
		}
		rc = load(f, off, len, rand_r(&s->seed) & 1);
		s->bad += rc && rc != -ENOBUFS && rc != -EEXIST;
	}
	cache_file_close(f);
	return NULL;
}

static void test_cache_budget_under_stress(void)
{
	struct cache *c = new_cache(20 * STEP + 1000);
	struct stress s[6];
	struct cache_stats st;
	pthread_t t[6];
	int i, bad = 0;

	for (i = 0; i < 6; i++) {
		s[i] = (struct stress){ c, (unsigned)i + 1, 0 };
		pthread_create(&t[i], NULL, stress_one, &s[i]);
	}
	for (i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		bad += s[i].bad;
	}
	cache_get_stats(c, &st);
	CHECK_INT_EQ(bad, 0);
	CHECK(st.peak <= 20 * STEP + 1000);
	CHECK(st.used <= st.budget);
	CHECK(st.hits > 0 && st.evictions > 0);
	cache_free(c);
}

static void test_cache_rejects_tiny_budget(void)
{
	struct cache_conf conf = { CACHE_STEP - 1 };
	struct cache *c = NULL;

	CHECK_INT_EQ(cache_new(&conf, &c), -EINVAL);
	CHECK(c == NULL);
}

int main(void)
{
	RUN(test_cache_claim_then_lookup);
	RUN(test_cache_claims_never_overlap);
	RUN(test_cache_short_load_is_the_end);
	RUN(test_cache_failed_load_reaches_waiters);
	RUN(test_cache_single_flight);
	RUN(test_cache_lru_eviction);
	RUN(test_cache_refuses_rather_than_exceed);
	RUN(test_cache_unread_prefetch_stays);
	RUN(test_cache_files_by_key);
	RUN(test_cache_budget_under_stress);
	RUN(test_cache_rejects_tiny_budget);
	return CHECK_DONE();
}
