// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The metadata cache: its line format, lookups keyed by URN and
 * last_modified, persistence across "mounts" (a second open of the same
 * directory), damaged files, and parallel use; and parallel_for, which
 * runs the probes that fill it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "meta_cache.h"
#include "parallel.h"
#include "statefile.h"

static struct meta_entry entry(const char *urn, time_t mod, int64_t size,
			       const char *ext, const char *etag)
{
	struct meta_entry e = { (char *)urn, mod, META_ORIGINAL, META_ORIGINAL, size, "", (char *)etag };

	snprintf(e.ext, sizeof(e.ext), "%s", ext);
	return e;
}

static void test_meta_cache_line_roundtrip(void)
{
	struct meta_entry e = entry("soundcloud:tracks:123", 1547566849, 2500000,
				    "wav", "\"d41d8cd98f00b204e9800998ecf8427e\""), back;
	char *line = NULL;
	size_t len = 0;

	CHECK_INT_EQ(meta_entry_format(&e, &line, &len), 0);
	CHECK_STR_EQ(line, "soundcloud:tracks:123\t1547566849\toriginal\toriginal\t2500000\twav\t"
		     "\"d41d8cd98f00b204e9800998ecf8427e\"\n");
	CHECK_INT_EQ(meta_entry_parse(line, len - 1, &back), 0);
	CHECK_STR_EQ(back.urn, e.urn);
	CHECK_INT_EQ(back.modified, e.modified);
	CHECK_INT_EQ(back.source, META_ORIGINAL);
	CHECK_INT_EQ(back.size, 2500000);
	CHECK_STR_EQ(back.ext, "wav");
	CHECK_STR_EQ(back.etag, e.etag);
	meta_entry_release(&back);
	free(line);

	/* an original refused, its stream instead; no ETag, size 0 */
	e = entry("soundcloud:tracks:9", 0, 0, "m4a", NULL);
	e.source = META_HLS;
	CHECK_INT_EQ(meta_entry_format(&e, &line, &len), 0);
	CHECK_STR_EQ(line, "soundcloud:tracks:9\t0\toriginal\thls\t0\tm4a\t\n");
	CHECK_INT_EQ(meta_entry_parse(line, len - 1, &back), 0);
	CHECK_INT_EQ(back.asked, META_ORIGINAL);
	CHECK_INT_EQ(back.source, META_HLS);
	CHECK(back.etag == NULL);
	CHECK_INT_EQ(back.size, 0);
	meta_entry_release(&back);
	free(line);
}

static void test_meta_cache_line_malformed(void)
{
	static const char *const bad[] = {
		"",
		"urn",
		"urn\t1\toriginal\toriginal\t5\twav",			/* six fields */
		"urn\t1\toriginal\toriginal\t5\twav\tetag\textra",	/* eight */
		"\t1\toriginal\toriginal\t5\twav\t",			/* no urn */
		"urn\tx\toriginal\toriginal\t5\twav\t",
		"urn\t1\toriginal\toriginal\t-5\twav\t",		/* negative size */
		"urn\t1\toriginal\toriginal\t5x\twav\t",
		"urn\t1\toriginal\tmp3\t5\twav\t",			/* unknown source */
		"urn\t1\tpreview\toriginal\t5\twav\t",
		"urn\t1\toriginal\toriginal\t5\t\t",			/* no extension */
		"urn\t1\toriginal\toriginal\t5\tabcdefghijklmnopq\t",	/* extension too long */
		"urn\t1\toriginal\toriginal\t99999999999999999999999\twav\t",
		"urn\t1\toriginal\t5\twav\t",				/* version 1 */
	};
	struct meta_entry e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		CHECK_INT_EQ(meta_entry_parse(bad[i], strlen(bad[i]), &e), -EBADMSG);
		CHECK(e.urn == NULL);
	}
}

static void test_meta_cache_refuses_unstorable(void)
{
	struct meta_cache *mc;
	struct meta_entry e;

	CHECK_INT_EQ(meta_cache_open(NULL, "scope", &mc), 0);
	e = entry("a\tb", 1, 1, "wav", NULL);
	CHECK_INT_EQ(meta_cache_put(mc, &e), -EINVAL);
	e = entry("a", 1, -1, "wav", NULL);		/* unknown size */
	CHECK_INT_EQ(meta_cache_put(mc, &e), -EINVAL);
	e = entry("a", 1, 1, "wav", "x\ny");
	CHECK_INT_EQ(meta_cache_put(mc, &e), -EINVAL);
	e = entry("a", 1, 1, "", NULL);
	CHECK_INT_EQ(meta_cache_put(mc, &e), -EINVAL);
	CHECK_INT_EQ(meta_cache_count(mc), 0);
	meta_cache_free(mc);
}

static void test_meta_cache_keyed_by_modified(void)
{
	struct meta_cache *mc;
	struct meta_entry e = entry("soundcloud:tracks:1", 100, 42, "mp3", "\"e1\""), got;

	CHECK_INT_EQ(meta_cache_open(NULL, "scope", &mc), 0);
	CHECK_INT_EQ(meta_cache_get(mc, "soundcloud:tracks:1", 100, META_ORIGINAL, &got), 0);
	CHECK_INT_EQ(meta_cache_put(mc, &e), 0);
	CHECK_INT_EQ(meta_cache_get(mc, "soundcloud:tracks:1", 100, META_ORIGINAL, &got), 1);
	CHECK_INT_EQ(got.size, 42);
	CHECK_STR_EQ(got.ext, "mp3");
	CHECK_STR_EQ(got.etag, "\"e1\"");
	meta_entry_release(&got);
	/* changed upstream (new last_modified): a miss, so it is probed */
	CHECK_INT_EQ(meta_cache_get(mc, "soundcloud:tracks:1", 101, META_ORIGINAL, &got), 0);
	CHECK_INT_EQ(meta_cache_get(mc, "soundcloud:tracks:2", 100, META_ORIGINAL, &got), 0);
	/* the new probe replaces the entry */
	e.modified = 101;
	e.size = 1042;
	CHECK_INT_EQ(meta_cache_put(mc, &e), 0);
	CHECK_INT_EQ(meta_cache_count(mc), 1);
	CHECK_INT_EQ(meta_cache_get(mc, "soundcloud:tracks:1", 100, META_ORIGINAL, &got), 0);
	CHECK_INT_EQ(meta_cache_get(mc, "soundcloud:tracks:1", 101, META_ORIGINAL, &got), 1);
	CHECK_INT_EQ(got.size, 1042);
	meta_entry_release(&got);
	/* another viewer asks for another source: a miss, not its answer */
	CHECK_INT_EQ(meta_cache_get(mc, "soundcloud:tracks:1", 101, META_HLS, &got), 0);
	CHECK_INT_EQ(meta_cache_flush(mc), 0);	/* memory only: nothing to do */
	meta_cache_free(mc);
}

static int tmp_dir(char *out, size_t size)
{
	const char *base = getenv("TMPDIR");

	snprintf(out, size, "%s/scfs-unit-XXXXXX", base && *base ? base : "/tmp");
	return mkdtemp(out) ? 0 : -1;
}

/* Count the files in dir named meta-*. */
static int count_meta_files(const char *dir)
{
	char cmd[512];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -c '^meta-'", dir);
	p = popen(cmd, "r");
	if (p && fscanf(p, "%d", &n) != 1)
		n = -1;
	if (p)
		pclose(p);
	return n;
}

static void test_meta_cache_persists(void)
{
	struct meta_cache *mc;
	struct meta_entry e, got;
	char dir[256], name[64], cmd[512];
	size_t i, failed;
	struct stat st;

	CHECK_INT_EQ(tmp_dir(dir, sizeof(dir)), 0);
	CHECK_INT_EQ(meta_cache_open(dir, "http://api-a", &mc), 0);
	for (i = 0, failed = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "soundcloud:tracks:%zu", i);
		e = entry(name, (time_t)i, (int64_t)i * 3, i % 2 ? "wav" : "flac", NULL);
		failed += meta_cache_put(mc, &e) != 0;
	}
	CHECK_INT_EQ(failed, 0);
	CHECK_INT_EQ(meta_cache_count(mc), 5000);
	CHECK_INT_EQ(count_meta_files(dir), 0);	/* nothing written yet */
	CHECK_INT_EQ(meta_cache_flush(mc), 0);
	CHECK_INT_EQ(count_meta_files(dir), 1);
	meta_cache_free(mc);

	/* the next mount finds every entry */
	CHECK_INT_EQ(meta_cache_open(dir, "http://api-a", &mc), 0);
	CHECK_INT_EQ(meta_cache_count(mc), 5000);
	CHECK_INT_EQ(meta_cache_get(mc, "soundcloud:tracks:4999", 4999, META_ORIGINAL, &got), 1);
	CHECK_INT_EQ(got.size, 4999 * 3);
	CHECK_STR_EQ(got.ext, "wav");
	meta_entry_release(&got);
	meta_cache_free(mc);

	/* another API has its own file */
	CHECK_INT_EQ(meta_cache_open(dir, "http://api-b", &mc), 0);
	CHECK_INT_EQ(meta_cache_count(mc), 0);
	meta_cache_free(mc);

	snprintf(cmd, sizeof(cmd), "f=$(ls '%s'/meta-*) && test $(stat -c %%a \"$f\") = 600", dir);
	CHECK(system(cmd) == 0);
	CHECK(stat(dir, &st) == 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

static void test_meta_cache_damaged_file(void)
{
	static const char text[] =
		"scfs-meta 2\n"
		"soundcloud:tracks:1\t10\toriginal\toriginal\t100\twav\t\"e\"\n"
		"garbage line\n"
		"soundcloud:tracks:2\t20\thls\thls\t200\tm4a\t\n"
		"soundcloud:tracks:3\t30\toriginal\toriginal\t3";	/* torn */
	struct meta_cache *mc;
	struct meta_entry got;
	static const char other[] =
		"scfs-meta 9\nsoundcloud:tracks:1\t10\toriginal\toriginal\t100\twav\t\n";
	char dir[256], cmd[300], file[64];

	CHECK_INT_EQ(tmp_dir(dir, sizeof(dir)), 0);
	/* learn the file name the cache uses for this scope */
	CHECK_INT_EQ(meta_cache_open(dir, "scope", &mc), 0);
	got = (struct meta_entry){ (char *)"x", 1, META_ORIGINAL, META_ORIGINAL, 1, "wav", NULL };
	CHECK_INT_EQ(meta_cache_put(mc, &got), 0);
	CHECK_INT_EQ(meta_cache_flush(mc), 0);
	meta_cache_free(mc);
	snprintf(cmd, sizeof(cmd), "ls '%s' | grep '^meta-'", dir);
	{
		FILE *p = popen(cmd, "r");

		file[0] = '\0';
		if (p && fscanf(p, "%63s", file) != 1)
			file[0] = '\0';
		if (p)
			pclose(p);
	}
	CHECK(file[0] != '\0');
	CHECK_INT_EQ(statefile_write(dir, file, text, sizeof(text) - 1), 0);
	CHECK_INT_EQ(meta_cache_open(dir, "scope", &mc), 0);
	CHECK_INT_EQ(meta_cache_count(mc), 2);
	CHECK_INT_EQ(meta_cache_get(mc, "soundcloud:tracks:2", 20, META_HLS, &got), 1);
	CHECK_INT_EQ(got.source, META_HLS);
	meta_entry_release(&got);
	CHECK_INT_EQ(meta_cache_get(mc, "soundcloud:tracks:3", 30, META_ORIGINAL, &got), 0);
	meta_cache_free(mc);
	/* another format version: ignored as a whole */
	CHECK_INT_EQ(statefile_write(dir, file, other, sizeof(other) - 1), 0);
	CHECK_INT_EQ(meta_cache_open(dir, "scope", &mc), 0);
	CHECK_INT_EQ(meta_cache_count(mc), 0);
	meta_cache_free(mc);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

struct par_state {
	struct meta_cache *mc;
	pthread_mutex_t lock;
	unsigned calls[1000];
	unsigned in_flight, max_in_flight;
};

static void par_fn(void *arg, size_t i)
{
	struct par_state *s = arg;
	struct meta_entry e;
	char urn[64];

	pthread_mutex_lock(&s->lock);
	s->calls[i]++;
	if (++s->in_flight > s->max_in_flight)
		s->max_in_flight = s->in_flight;
	pthread_mutex_unlock(&s->lock);
	snprintf(urn, sizeof(urn), "soundcloud:tracks:%zu", i % 100);
	e = entry(urn, 1, (int64_t)i, "mp3", NULL);
	meta_cache_put(s->mc, &e);
	usleep(200);
	pthread_mutex_lock(&s->lock);
	s->in_flight--;
	pthread_mutex_unlock(&s->lock);
}

static void test_meta_cache_parallel_for(void)
{
	static struct par_state s;
	size_t i, wrong = 0;

	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.lock, NULL);
	CHECK_INT_EQ(meta_cache_open(NULL, "scope", &s.mc), 0);
	parallel_for(1000, 8, par_fn, &s);
	for (i = 0; i < 1000; i++)
		wrong += s.calls[i] != 1;
	CHECK_INT_EQ(wrong, 0);			/* every index exactly once */
	CHECK(s.max_in_flight <= 8);		/* bounded */
	CHECK(s.max_in_flight >= 2);		/* and parallel */
	CHECK_INT_EQ(meta_cache_count(s.mc), 100);
	meta_cache_free(s.mc);

	/* one thread: all on the caller, in order */
	memset(s.calls, 0, sizeof(s.calls));
	s.max_in_flight = 0;
	CHECK_INT_EQ(meta_cache_open(NULL, "scope", &s.mc), 0);
	parallel_for(10, 1, par_fn, &s);
	CHECK_INT_EQ(s.max_in_flight, 1);
	for (i = 0, wrong = 0; i < 10; i++)
		wrong += s.calls[i] != 1;
	CHECK_INT_EQ(wrong, 0);
	/* nothing to do: no call */
	parallel_for(0, 8, par_fn, &s);
	CHECK_INT_EQ(s.calls[10], 0);
	meta_cache_free(s.mc);
	pthread_mutex_destroy(&s.lock);
}

int main(void)
{
	RUN(test_meta_cache_line_roundtrip);
	RUN(test_meta_cache_line_malformed);
	RUN(test_meta_cache_refuses_unstorable);
	RUN(test_meta_cache_keyed_by_modified);
	RUN(test_meta_cache_persists);
	RUN(test_meta_cache_damaged_file);
	RUN(test_meta_cache_parallel_for);
	return CHECK_DONE();
}
