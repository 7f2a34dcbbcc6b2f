// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The on-disk cache: blocks in and out, private files, a second start
 * finding them, one process per directory, versions as keys, corrupt and
 * truncated blocks refetched, the cap as du counts it, and the source
 * decorator reading each byte from the inner source once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "disk_cache.h"
#include "mem_doubles.h"

#define BLK ((size_t)DISK_CACHE_BLOCK)
#define SEED 0xd15c
#define KEY "soundcloud:tracks:1 original 1000 1700000000"

static char dir[64];

static void rm_dir(const char *path)
{
	char p[512];
	struct dirent *de;
	DIR *d = opendir(path);

	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

static struct disk_cache *open_cache(uint64_t size_max)
{
	struct disk_cache_conf conf = { dir, size_max };
	struct disk_cache *dc = NULL;

	CHECK_INT_EQ(disk_cache_new(&conf, &dc), 0);
	return dc;
}

static void fresh_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/scfs-dc-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
}

/* The one .blk file of dir, or "" */
static void block_file(char *out, size_t size)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	*out = '\0';
	while (d && (de = readdir(d)))
		if (strstr(de->d_name, ".blk"))
			snprintf(out, size, "%s/%s", dir, de->d_name);
	if (d)
		closedir(d);
}

/* Bytes the directory takes, as du counts them. */
static uint64_t du_bytes(void)
{
	uint64_t total = 0;
	struct dirent *de;
	struct stat st;
	char p[512];
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (!strcmp(de->d_name, "..") || lstat(p, &st))
			continue;
		total += (uint64_t)st.st_blocks * 512;
	}
	if (d)
		closedir(d);
	return total;
}

static void test_disk_cache_put_get_reopen(void)
{
	unsigned char *in = malloc(BLK), *out = malloc(BLK);
	struct disk_cache_conf conf;
	struct disk_cache *dc, *other = NULL;
	struct disk_cache_stats st;
	char path[512];
	struct stat sb;

	fresh_dir();
	mem_gen_fill(SEED, 0, in, BLK);
	dc = open_cache(64 * BLK);
	CHECK_INT_EQ(disk_cache_get(dc, KEY, 3, out, BLK), -ENOENT);
	CHECK_INT_EQ(disk_cache_put(dc, KEY, 3, in, BLK), 0);
	CHECK(disk_cache_has(dc, KEY, 3));
	CHECK_INT_EQ(disk_cache_get(dc, KEY, 3, out, BLK), 0);
	CHECK_MEM_EQ(in, out, BLK);
	block_file(path, sizeof(path));
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	/* one process per directory */
	conf = (struct disk_cache_conf){ dir, 64 * BLK };
	CHECK_INT_EQ(disk_cache_new(&conf, &other), -EBUSY);
	/* another version of the track is another key */
	CHECK_INT_EQ(disk_cache_get(dc, "soundcloud:tracks:1 original 1000 1700000001",
				    3, out, BLK), -ENOENT);
	disk_cache_free(dc);

	/* a leftover of an interrupted write is dropped at the next start */
	snprintf(path, sizeof(path), "%s/tmp-x.blk", dir);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	dc = open_cache(64 * BLK);
	CHECK(access(path, F_OK) != 0);
	memset(out, 0, BLK);
	CHECK_INT_EQ(disk_cache_get(dc, KEY, 3, out, BLK), 0);
	CHECK_MEM_EQ(in, out, BLK);
	disk_cache_get_stats(dc, &st);
	CHECK_INT_EQ(st.blocks, 1);
	CHECK_INT_EQ(st.hits, 1);
	disk_cache_free(dc);
	rm_dir(dir);
	free(in);
	free(out);
}

/* Flip one byte at off of the block file, or cut it to off bytes. */
static void damage(int truncate_it, off_t off)
{
	char path[512];
	unsigned char b;
	int fd;

	block_file(path, sizeof(path));
	fd = open(path, O_RDWR);
	CHECK(fd >= 0);
	if (truncate_it) {
		CHECK(ftruncate(fd, off) == 0);
	} else {
		CHECK(pread(fd, &b, 1, off) == 1);
		b ^= 0x40;
		CHECK(pwrite(fd, &b, 1, off) == 1);
	}
	close(fd);
}

static void test_disk_cache_bad_blocks(void)
{
	size_t len = 5000;	/* a file's short last block */
	unsigned char *in = malloc(len), *out = malloc(len);
	struct disk_cache_stats st;
	struct disk_cache *dc;
	char path[512];
	int truncate_it;

	fresh_dir();
	mem_gen_fill(SEED, 7, in, len);
	dc = open_cache(64 * BLK);
	for (truncate_it = 0; truncate_it < 2; truncate_it++) {
		CHECK_INT_EQ(disk_cache_put(dc, KEY, 9, in, len), 0);
		damage(truncate_it, truncate_it ? 3000 : 4000);
		CHECK_INT_EQ(disk_cache_get(dc, KEY, 9, out, len), -ENOENT);
		block_file(path, sizeof(path));
		CHECK_STR_EQ(path, "");		/* removed */
		CHECK(!disk_cache_has(dc, KEY, 9));
		/* stored again, good again */
		CHECK_INT_EQ(disk_cache_put(dc, KEY, 9, in, len), 0);
		CHECK_INT_EQ(disk_cache_get(dc, KEY, 9, out, len), 0);
		CHECK_MEM_EQ(in, out, len);
		disk_cache_free(dc);
		dc = open_cache(64 * BLK);
		/* the wrong length asked is a miss too */
		CHECK_INT_EQ(disk_cache_get(dc, KEY, 9, out, len - 1), -ENOENT);
	}
	disk_cache_get_stats(dc, &st);
	CHECK_INT_EQ(st.corrupt, 1);
	disk_cache_free(dc);
	rm_dir(dir);
	free(in);
	free(out);
}

static void test_disk_cache_cap(void)
{
	uint64_t cap = 6 * BLK;
	unsigned char *in = malloc(BLK);
	struct disk_cache_stats st;
	struct disk_cache *dc;
	uint64_t i;

	fresh_dir();
	mem_gen_fill(SEED, 0, in, BLK);
	dc = open_cache(cap);
	for (i = 0; i < 40; i++) {
		CHECK_INT_EQ(disk_cache_put(dc, KEY, i, in, BLK), 0);
		/* block 0 is used all along: it stays */
		CHECK_INT_EQ(disk_cache_get(dc, KEY, 0, in, BLK), 0);
		CHECK(du_bytes() <= cap);
	}
	disk_cache_get_stats(dc, &st);
	CHECK(st.used <= cap);
	CHECK(st.blocks >= 4);
	CHECK(st.evictions >= 30);
	CHECK(disk_cache_has(dc, KEY, 39));
	CHECK(!disk_cache_has(dc, KEY, 1));
	disk_cache_free(dc);
	/* a smaller cap at the next start evicts down to it */
	dc = open_cache(3 * BLK);
	CHECK(du_bytes() <= 3 * BLK);
	disk_cache_get_stats(dc, &st);
	CHECK_INT_EQ(st.blocks, 2);
	disk_cache_free(dc);
	rm_dir(dir);
	free(in);
}

/* Read len bytes at off through s and compare with the generator. */
static int check_read(struct source *s, int64_t off, size_t len)
{
	size_t want = off >= s->size ? 0 :
		      (size_t)(s->size - off) < len ? (size_t)(s->size - off) : len;
	unsigned char *buf = malloc(len + 1), *ref = malloc(len + 1);
	ssize_t n = source_read_full(s, buf, len, off);
	int ok = n == (ssize_t)want;

	mem_gen_fill(SEED, off, ref, want);
	ok = ok && !memcmp(ref, buf, want);
	free(buf);
	free(ref);
	return ok;
}

static void test_disk_cache_source_reads_once(void)
{
	int64_t size = 5 * (int64_t)BLK + 1234;
	struct mem_source *ms;
	struct disk_cache *dc;
	struct source *s;
	unsigned reads;

	fresh_dir();
	dc = open_cache(64 * BLK);
	CHECK_INT_EQ(mem_source_new_gen(size, SEED, &ms), 0);
	CHECK_INT_EQ(disk_cache_source_new(dc, KEY, &ms->base, &s), 0);
	CHECK_INT_EQ(s->size, size);
	/* unaligned, across blocks, the last partial block, past the end */
	CHECK(check_read(s, 100, 4096));
	CHECK(check_read(s, (int64_t)BLK - 10, 3 * BLK));
	CHECK(check_read(s, size - 100, 4096));
	CHECK(check_read(s, size + 5, 10));
	CHECK(check_read(s, 0, (size_t)size));	/* the rest of the file */
	reads = ms->reads;
	CHECK(check_read(s, 0, (size_t)size));
	CHECK(check_read(s, 77, 2 * BLK));
	CHECK_INT_EQ(ms->reads, reads);		/* all from the disk */
	source_free(s);

	/* a new source of the same key (a remount) reads nothing */
	CHECK_INT_EQ(mem_source_new_gen(size, SEED, &ms), 0);
	CHECK_INT_EQ(disk_cache_source_new(dc, KEY, &ms->base, &s), 0);
	CHECK(check_read(s, 0, (size_t)size));
	CHECK_INT_EQ(ms->reads, 0);
	source_free(s);

	/* a failing inner source: its errno, nothing stored */
	CHECK_INT_EQ(mem_source_new_gen(size, SEED, &ms), 0);
	ms->fail_after = 0;
	ms->fail_errno = EIO;
	CHECK_INT_EQ(disk_cache_source_new(dc, "other", &ms->base, &s), 0);
	{
		char buf[16];

		CHECK_INT_EQ(source_read(s, buf, sizeof(buf), 0), -EIO);
	}
	CHECK(!disk_cache_has(dc, "other", 0));
	source_free(s);
	disk_cache_free(dc);
	rm_dir(dir);
}

int main(void)
{
	RUN(test_disk_cache_put_get_reopen);
	RUN(test_disk_cache_bad_blocks);
	RUN(test_disk_cache_cap);
	RUN(test_disk_cache_source_reads_once);
	return CHECK_DONE();
}
