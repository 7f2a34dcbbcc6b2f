// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * copy_jobs with in-memory sources and sinks: queueing returns at once,
 * every queued file lands byte for byte, statuses follow INTERFACE.md,
 * malformed values and double submits are refused, and stopping aborts
 * running uploads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "copy_jobs.h"
#include "mem_doubles.h"

#define MAX_SINKS 32
#define MiB (1024 * 1024)

/* A sink that forwards to a mem_sink but leaves it alive when freed, so
 * the test can look at what was stored. */
struct kept_sink {
	struct sink base;
	struct mem_sink *inner;
};

struct fixture {
	struct mem_sink *sinks[MAX_SINKS];
	char keys[MAX_SINKS][256];
	struct kept_sink kept[MAX_SINKS];
	unsigned n_sinks;
	int64_t size;			/* bytes of every source */
	useconds_t read_delay;		/* per read, to keep a copy running */
	int fail_open;			/* open_source returns this */
	pthread_mutex_t lock;
};

static struct fixture fx;

#define FWD(name, args, call) \
	static int kept_##name args \
	{ \
		struct mem_sink *in = ((struct kept_sink *)sk)->inner; \
		return in->base.ops->name call; \
	}
FWD(put_whole, (struct sink *sk, const void *d, size_t n, const unsigned char m[16]),
    (&in->base, d, n, m))
FWD(begin, (struct sink *sk), (&in->base))
FWD(put_part, (struct sink *sk, unsigned p, const void *d, size_t n,
		const struct sink_digests *dg, struct sink_part_etag *e),
    (&in->base, p, d, n, dg, e))
FWD(complete, (struct sink *sk, unsigned n), (&in->base, n))
FWD(abort, (struct sink *sk), (&in->base))
FWD(stat, (struct sink *sk, int64_t *size, char **etag), (&in->base, size, etag))
FWD(remove, (struct sink *sk), (&in->base))

static const char *kept_last_error(struct sink *sk)
{
	struct mem_sink *in = ((struct kept_sink *)sk)->inner;

	return in->base.ops->last_error(&in->base);
}

static void kept_free(struct sink *sk)
{
	(void)sk;
}

static const struct sink_ops kept_ops = {
	kept_put_whole, kept_begin, kept_put_part, kept_complete, kept_abort,
	kept_stat, kept_remove, kept_last_error, kept_free,
};

static void slow_read(struct mem_source *ms, int64_t off, size_t len)
{
	(void)ms;
	(void)off;
	(void)len;
	usleep(fx.read_delay);
}

static int open_source(void *arg, const char *file, struct source **out)
{
	struct mem_source *ms;
	int rc;

	(void)arg;
	if (fx.fail_open)
		return fx.fail_open;
	rc = mem_source_new_gen(fx.size, (uint32_t)strlen(file), &ms);
	if (rc)
		return rc;
	ms->max_chunk = 256 * 1024;
	if (fx.read_delay)
		ms->on_read = slow_read;
	*out = &ms->base;
	return 0;
}

static int open_sink(void *arg, const char *file, const char *bucket,
		     const char *key, struct source *src, struct sink **out,
		     char *why, size_t why_size)
{
	unsigned i;
	int rc;

	(void)arg;
	(void)file;
	(void)src;
	(void)why;
	(void)why_size;
	pthread_mutex_lock(&fx.lock);
	i = fx.n_sinks++;
	pthread_mutex_unlock(&fx.lock);
	if (i >= MAX_SINKS)
		return -ENOSPC;
	rc = mem_sink_new(&fx.sinks[i]);
	if (rc)
		return rc;
	snprintf(fx.keys[i], sizeof(fx.keys[i]), "%s/%s", bucket, key);
	fx.kept[i].base.ops = &kept_ops;
	fx.kept[i].inner = fx.sinks[i];
	*out = &fx.kept[i].base;
	return 0;
}

static const struct copy_jobs_ops ops = { open_source, open_sink };

static void teardown(void)
{
	unsigned i;

	for (i = 0; i < fx.n_sinks && i < MAX_SINKS; i++)
		mem_sink_free(fx.sinks[i]);
	memset(&fx, 0, sizeof(fx));
}

static struct copy_jobs *setup(int64_t size)
{
	struct copy_jobs_conf conf = { .workers = 3, .part_size = 5 * MiB,
				       .concurrency = 2 };
	struct copy_jobs *j = NULL;

	teardown();
	pthread_mutex_init(&fx.lock, NULL);
	fx.size = size;
	CHECK_INT_EQ(copy_jobs_new(&conf, &ops, NULL, &j), 0);
	return j;
}

static int submit(struct copy_jobs *j, const char *file, const char *value)
{
	char why[256];

	return copy_jobs_submit(j, file, strrchr(file, '/') + 1, value,
				strlen(value), why, sizeof(why));
}

static void test_copy_jobs_ten_files_land_intact(void)
{
	struct copy_jobs *j = setup(12 * MiB + 3);
	char file[64], status[512], want[128];
	unsigned i, k;

	for (i = 0; i < 10; i++) {
		snprintf(file, sizeof(file), "/band/tracks/t%u.wav", i);
		CHECK_INT_EQ(submit(j, file, "s3://bucket/backup/"), 0);
	}
	copy_jobs_wait_idle(j);
	CHECK_INT_EQ(fx.n_sinks, 10);
	for (i = 0; i < 10; i++) {
		snprintf(file, sizeof(file), "/band/tracks/t%u.wav", i);
		copy_jobs_status(j, file, status, sizeof(status));
		snprintf(want, sizeof(want), "done s3://bucket/backup/t%u.wav etag=", i);
		CHECK(!strncmp(status, want, strlen(want)));
		CHECK(strstr(status, " bytes=12582915") != NULL);
		CHECK(strstr(status, "-3 bytes=") != NULL);	/* 3 parts */
	}
	for (k = 0; k < fx.n_sinks; k++) {
		const char *name = strrchr(fx.keys[k], '/') + 1;

		snprintf(file, sizeof(file), "/band/tracks/%s", name);
		CHECK(fx.sinks[k]->has_object);
		CHECK_INT_EQ(fx.sinks[k]->object_len, fx.size);
		CHECK_INT_EQ(mem_gen_mismatch((uint32_t)strlen(file),
					      fx.sinks[k]->object,
					      fx.sinks[k]->object_len), -1);
	}
	copy_jobs_free(j);
}

static void test_copy_jobs_key_and_status(void)
{
	struct copy_jobs *j = setup(1000);
	char status[512];

	copy_jobs_status(j, "/u/tracks/a.wav", status, sizeof(status));
	CHECK_STR_EQ(status, "idle");
	CHECK_INT_EQ(submit(j, "/u/tracks/a.wav", "s3://bucket/exact-key.wav\n"), 0);
	copy_jobs_wait_idle(j);
	CHECK_STR_EQ(fx.keys[0], "bucket/exact-key.wav");
	copy_jobs_status(j, "/u/tracks/a.wav", status, sizeof(status));
	CHECK(!strncmp(status, "done s3://bucket/exact-key.wav etag=", 36));
	CHECK(strstr(status, "bytes=1000") != NULL);
	/* a finished copy may be repeated */
	CHECK_INT_EQ(submit(j, "/u/tracks/a.wav", "s3://bucket/again"), 0);
	copy_jobs_wait_idle(j);
	copy_jobs_status(j, "/u/tracks/a.wav", status, sizeof(status));
	CHECK(!strncmp(status, "done s3://bucket/again ", 23));
	copy_jobs_free(j);
}

static void test_copy_jobs_refuses_malformed_values(void)
{
	static const char *const bad[] = { "", "s3:/bucket/k", "http://b/k",
		"s3://Bucket/k", "s3://ab/k", "s3://-bucket/k" };
	struct copy_jobs *j = setup(10);
	char why[256], status[64];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT_EQ(submit(j, "/u/tracks/a.wav", bad[i]), -EINVAL);
	CHECK_INT_EQ(copy_jobs_submit(j, "/u/tracks/a.wav", "a.wav",
				      "s3://bucket/a\0b", 15, why, sizeof(why)),
		     -EINVAL);
	CHECK(strstr(why, "NUL") != NULL);
	copy_jobs_status(j, "/u/tracks/a.wav", status, sizeof(status));
	CHECK_STR_EQ(status, "idle");
	CHECK_INT_EQ(fx.n_sinks, 0);
	copy_jobs_free(j);
}

static void test_copy_jobs_busy_and_progress(void)
{
	struct copy_jobs *j = setup(8 * MiB);
	char status[512];
	int i;

	fx.read_delay = 20000;	/* 32 reads of 256 KiB: about 0.6 s */
	CHECK_INT_EQ(submit(j, "/u/tracks/slow.wav", "s3://bucket/slow"), 0);
	CHECK_INT_EQ(submit(j, "/u/tracks/slow.wav", "s3://bucket/other"), -EBUSY);
	/* the total shows once the source is open */
	for (i = 0; i < 100; i++) {
		copy_jobs_status(j, "/u/tracks/slow.wav", status, sizeof(status));
		if (strstr(status, "/8388608"))
			break;
		usleep(10000);
	}
	CHECK(!strncmp(status, "copying s3://bucket/slow ", 25));
	CHECK(strstr(status, "/8388608") != NULL);
	copy_jobs_wait_idle(j);
	copy_jobs_status(j, "/u/tracks/slow.wav", status, sizeof(status));
	CHECK(!strncmp(status, "done s3://bucket/slow ", 22));
	copy_jobs_free(j);
}

static void test_copy_jobs_failures_are_reported(void)
{
	struct copy_jobs *j = setup(100);
	char status[512];

	fx.fail_open = -ENOENT;
	CHECK_INT_EQ(submit(j, "/u/tracks/gone.wav", "s3://bucket/g"), 0);
	copy_jobs_wait_idle(j);
	copy_jobs_status(j, "/u/tracks/gone.wav", status, sizeof(status));
	CHECK_STR_EQ(status, "failed s3://bucket/g: cannot open the file: No such file or directory");
	copy_jobs_free(j);
}

static void test_copy_jobs_stop_aborts_running_uploads(void)
{
	struct copy_jobs *j = setup(40 * MiB);
	int i;

	fx.read_delay = 10000;	/* 160 reads: about 1.6 s per copy */
	CHECK_INT_EQ(submit(j, "/u/tracks/a.wav", "s3://bucket/a"), 0);
	CHECK_INT_EQ(submit(j, "/u/tracks/b.wav", "s3://bucket/b"), 0);
	for (i = 0; i < 200 && (fx.n_sinks < 2 || !fx.sinks[0]->calls_begin ||
				!fx.sinks[1]->calls_begin); i++)
		usleep(10000);
	copy_jobs_free(j);
	CHECK_INT_EQ(fx.n_sinks, 2);
	for (i = 0; i < (int)fx.n_sinks; i++) {
		CHECK(!fx.sinks[i]->has_object);
		CHECK(!fx.sinks[i]->upload_open);
		CHECK_INT_EQ(fx.sinks[i]->calls_complete, 0);
	}
}

int main(void)
{
	RUN(test_copy_jobs_ten_files_land_intact);
	RUN(test_copy_jobs_key_and_status);
	RUN(test_copy_jobs_refuses_malformed_values);
	RUN(test_copy_jobs_busy_and_progress);
	RUN(test_copy_jobs_failures_are_reported);
	RUN(test_copy_jobs_stop_aborts_running_uploads);
	teardown();
	return CHECK_DONE();
}
