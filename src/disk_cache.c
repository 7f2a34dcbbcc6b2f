// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * disk_cache: one file per block, "<key hash>-<index>.blk", each a header
 * (magic, index, length, checksum, key length), the key, then the bytes.
 * The index of what is on disk lives in memory (a hash table and an LRU
 * list), rebuilt from the directory at start with the files' mtimes as
 * the LRU order; a hit touches its file's mtime so the order survives a
 * remount.  Room is reserved before a block is written, so the directory
 * never exceeds the cap, not even for a moment.  Everything the checks
 * reject is a miss: the caller fetches the block again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "disk_cache.h"
#include "log.h"
#include "statefile.h"
#include "source.h"

#define DC_MAGIC "SCFSBLK1"
#define DC_KEY_MAX 1024
#define DC_NAME_MAX 48
#define DC_LOCK_NAME ".lock"
/* What du counts beyond the blocks' data: the directory itself (a few
 * blocks, more with many entries) and each file's last partial 4 KiB. */
#define DC_DIR_BASE (16u << 10)
#define DC_ENTRY_OVERHEAD 64u
#define DC_FS_BLOCK 4096u

struct dc_header {
	char magic[8];
	uint64_t idx;
	uint64_t sum;		/* dc_sum of the bytes */
	uint32_t len;		/* bytes after the key */
	uint32_t key_len;
};

struct dc_entry {
	char name[DC_NAME_MAX];
	uint64_t bytes;		/* accounted: as du counts the file */
	int writing;		/* reserved, not renamed into place yet */
	time_t mtime;		/* at start only: the LRU order */
	struct dc_entry *hnext, *prev, *next;
};

struct disk_cache {
	char *dir;
	int dirfd;
	int lockfd;
	uint64_t size_max;
	pthread_mutex_t lock;
	/* everything below is protected by lock */
	uint64_t used;
	struct dc_entry **buckets;
	size_t n_buckets;	/* a power of two */
	struct dc_entry *head, *tail;	/* head: most recently used */
	struct disk_cache_stats stats;
};

/* ---- names and checksums ----------------------------------------------- */

static uint64_t dc_hash_key(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */

	while (*key)
		h = (h ^ (unsigned char)*key++) * 0x100000001b3ull;
	return h;
}

/* Against torn writes and bit rot, not an adversary: a word at a time so
 * that checking a block costs far less than fetching it. */
static uint64_t dc_sum(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h ^= w * 0xff51afd7ed558ccdull;
		h = ((h << 31) | (h >> 33)) * 0xc4ceb9fe1a85ec53ull;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

static void dc_name(const char *key, uint64_t idx, char *out)
{
	snprintf(out, DC_NAME_MAX, "%016llx-%llu.blk",
		 (unsigned long long)dc_hash_key(key), (unsigned long long)idx);
}

static uint64_t dc_accounted(uint64_t file_size)
{
	return (file_size + DC_FS_BLOCK - 1) / DC_FS_BLOCK * DC_FS_BLOCK +
	       DC_ENTRY_OVERHEAD;
}

/* ---- the index (locked) --------------------------------------------------- */

static size_t bucket_of(const struct disk_cache *dc, const char *name)
{
	return (size_t)dc_hash_key(name) & (dc->n_buckets - 1);
}

static struct dc_entry *entry_find(const struct disk_cache *dc,
				   const char *name)
{
	struct dc_entry *e;

	for (e = dc->buckets[bucket_of(dc, name)]; e; e = e->hnext)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

static void lru_unlink(struct disk_cache *dc, struct dc_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		dc->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		dc->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push(struct disk_cache *dc, struct dc_entry *e)
{
	e->prev = NULL;
	e->next = dc->head;
	if (dc->head)
		dc->head->prev = e;
	dc->head = e;
	if (!dc->tail)
		dc->tail = e;
}

/* Double the table when it gets full; a failed grow only costs speed. */
static void maybe_grow(struct disk_cache *dc)
{
	size_t n = dc->n_buckets * 2, i, b;
	struct dc_entry **grown, *e, *next;

	if (dc->stats.blocks < dc->n_buckets ||
	    !(grown = calloc(n, sizeof(*grown))))
		return;
	for (i = 0; i < dc->n_buckets; i++) {
		for (e = dc->buckets[i]; e; e = next) {
			next = e->hnext;
			b = (size_t)dc_hash_key(e->name) & (n - 1);
			e->hnext = grown[b];
			grown[b] = e;
		}
	}
	free(dc->buckets);
	dc->buckets = grown;
	dc->n_buckets = n;
}

static void entry_add(struct disk_cache *dc, struct dc_entry *e)
{
	size_t b;

	maybe_grow(dc);
	b = bucket_of(dc, e->name);
	e->hnext = dc->buckets[b];
	dc->buckets[b] = e;
	lru_push(dc, e);
	dc->used += e->bytes;
	dc->stats.blocks++;
}

/* Forget e (its file is the caller's business) and free it. */
static void entry_drop(struct disk_cache *dc, struct dc_entry *e)
{
	struct dc_entry **pp = &dc->buckets[bucket_of(dc, e->name)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(dc, e);
	dc->used -= e->bytes;
	dc->stats.blocks--;
	free(e);
}

/* Remove the least recently used block whose file is in place. */
static int evict_one(struct disk_cache *dc)
{
	struct dc_entry *e;

	for (e = dc->tail; e && e->writing; e = e->prev)
		;
	if (!e)
		return 0;
	unlinkat(dc->dirfd, e->name, 0);
	entry_drop(dc, e);
	dc->stats.evictions++;
	return 1;
}

static int fits(const struct disk_cache *dc, uint64_t more)
{
	return DC_DIR_BASE + dc->used + more <= dc->size_max;
}

/* ---- start: lock, scan, account -------------------------------------------- */

static int cmp_mtime(const void *a, const void *b)
{
	const struct dc_entry *x = *(struct dc_entry *const *)a;
	const struct dc_entry *y = *(struct dc_entry *const *)b;

	return (x->mtime > y->mtime) - (x->mtime < y->mtime);
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

/* Collect the directory's blocks into *v; drop interrupted writes. */
static int scan_dir(struct disk_cache *dc, struct dc_entry ***v, size_t *n)
{
	int fd = dup(dc->dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dc_entry **grown, *e;
	struct dirent *de;
	struct stat st;
	size_t cap = 0;
	int rc = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	while (!rc && (de = readdir(d))) {
		if (!strncmp(de->d_name, "tmp-", 4)) {
			unlinkat(dc->dirfd, de->d_name, 0);
			continue;
		}
		if (!ends_with(de->d_name, ".blk") ||
		    strlen(de->d_name) >= DC_NAME_MAX ||
		    fstatat(dc->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			grown = realloc(*v, cap * sizeof(*grown));
			if (!grown) {
				rc = -ENOMEM;
				break;
			}
			*v = grown;
		}
		if (!(e = calloc(1, sizeof(*e)))) {
			rc = -ENOMEM;
			break;
		}
		snprintf(e->name, sizeof(e->name), "%s", de->d_name);
		e->bytes = dc_accounted((uint64_t)st.st_size);
		e->mtime = st.st_mtime;
		(*v)[(*n)++] = e;
	}
	closedir(d);
	return rc;
}

static int load_index(struct disk_cache *dc)
{
	struct dc_entry **v = NULL;
	size_t n = 0, i;
	int rc = scan_dir(dc, &v, &n);

	if (!rc && n)
		qsort(v, n, sizeof(*v), cmp_mtime);
	for (i = 0; i < n; i++) {
		if (rc)
			free(v[i]);
		else
			entry_add(dc, v[i]);	/* oldest first: ends at the tail */
	}
	free(v);
	while (!rc && !fits(dc, 0) && evict_one(dc))
		;
	return rc;
}

static int open_dir(struct disk_cache *dc, const char *dir)
{
	int rc = statefile_mkdirs(dir);

	if (rc)
		return rc;
	dc->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dc->dirfd < 0)
		return -errno;
	dc->lockfd = openat(dc->dirfd, DC_LOCK_NAME,
			    O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (dc->lockfd < 0)
		return -errno;
	/* Two processes would each account the directory for themselves
	 * and together overrun the cap. */
	if (flock(dc->lockfd, LOCK_EX | LOCK_NB))
		return errno == EWOULDBLOCK ? -EBUSY : -errno;
	return 0;
}

int disk_cache_new(const struct disk_cache_conf *conf, struct disk_cache **out)
{
	struct disk_cache *dc;
	int rc;

	if (!conf->dir || conf->size_max < DC_DIR_BASE + 2 * DISK_CACHE_BLOCK)
		return -EINVAL;
	dc = calloc(1, sizeof(*dc));
	if (!dc)
		return -ENOMEM;
	dc->dirfd = dc->lockfd = -1;
	dc->size_max = conf->size_max;
	dc->n_buckets = 1024;
	pthread_mutex_init(&dc->lock, NULL);
	dc->dir = strdup(conf->dir);
	dc->buckets = calloc(dc->n_buckets, sizeof(*dc->buckets));
	rc = dc->dir && dc->buckets ? open_dir(dc, conf->dir) : -ENOMEM;
	if (!rc)
		rc = load_index(dc);
	if (rc) {
		disk_cache_free(dc);
		return rc;
	}
	*out = dc;
	return 0;
}

void disk_cache_free(struct disk_cache *dc)
{
	if (!dc)
		return;
	while (dc->head)
		entry_drop(dc, dc->head);
	if (dc->lockfd >= 0)
		close(dc->lockfd);	/* releases the flock */
	if (dc->dirfd >= 0)
		close(dc->dirfd);
	pthread_mutex_destroy(&dc->lock);
	free(dc->buckets);
	free(dc->dir);
	free(dc);
}

void disk_cache_get_stats(struct disk_cache *dc, struct disk_cache_stats *out)
{
	pthread_mutex_lock(&dc->lock);
	*out = dc->stats;
	out->size_max = dc->size_max;
	out->used = dc->used + DC_DIR_BASE;
	pthread_mutex_unlock(&dc->lock);
}

/* ---- blocks ------------------------------------------------------------- */

int disk_cache_has(struct disk_cache *dc, const char *key, uint64_t idx)
{
	char name[DC_NAME_MAX];
	struct dc_entry *e;
	int has;

	dc_name(key, idx, name);
	pthread_mutex_lock(&dc->lock);
	e = entry_find(dc, name);
	has = e && !e->writing;
	pthread_mutex_unlock(&dc->lock);
	return has;
}

static int read_all(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done, off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* The checks of one block file: 0 when it is key's block idx of len
 * bytes (now in buf), -EBADMSG when it is not. */
static int read_block(int fd, const char *key, uint64_t idx, void *buf,
		      size_t len)
{
	size_t key_len = strlen(key);
	char head[sizeof(struct dc_header) + DC_KEY_MAX];
	struct dc_header h;
	struct stat st;

	if (fstat(fd, &st) ||
	    (uint64_t)st.st_size != sizeof(h) + key_len + len ||
	    read_all(fd, head, sizeof(h) + key_len, 0))
		return -EBADMSG;
	memcpy(&h, head, sizeof(h));
	if (memcmp(h.magic, DC_MAGIC, sizeof(h.magic)) || h.idx != idx ||
	    h.len != len || h.key_len != key_len ||
	    memcmp(head + sizeof(h), key, key_len) ||
	    read_all(fd, buf, len, (off_t)(sizeof(h) + key_len)) ||
	    dc_sum(buf, len) != h.sum)
		return -EBADMSG;
	return 0;
}

/* A block that failed its checks (or vanished): forget it, remove it. */
static void drop_bad(struct disk_cache *dc, const char *name, int corrupt)
{
	struct dc_entry *e;

	pthread_mutex_lock(&dc->lock);
	e = entry_find(dc, name);
	if (e && !e->writing) {
		if (corrupt)
			unlinkat(dc->dirfd, name, 0);
		entry_drop(dc, e);
	}
	dc->stats.corrupt += corrupt;
	dc->stats.misses++;
	pthread_mutex_unlock(&dc->lock);
}

int disk_cache_get(struct disk_cache *dc, const char *key, uint64_t idx,
		   void *buf, size_t len)
{
	char name[DC_NAME_MAX];
	struct dc_entry *e;
	int fd, rc;

	if (strlen(key) > DC_KEY_MAX || !disk_cache_has(dc, key, idx)) {
		pthread_mutex_lock(&dc->lock);
		dc->stats.misses++;
		pthread_mutex_unlock(&dc->lock);
		return -ENOENT;
	}
	dc_name(key, idx, name);
	fd = openat(dc->dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		drop_bad(dc, name, 0);
		return -ENOENT;
	}
	rc = read_block(fd, key, idx, buf, len);
	if (!rc)
		futimens(fd, NULL);	/* the LRU order, for the next start */
	close(fd);
	if (rc) {
		log_debug(LOG_SUB_READER, "disk cache: block %s is bad, fetching it again",
			  name);
		drop_bad(dc, name, 1);
		return -ENOENT;
	}
	pthread_mutex_lock(&dc->lock);
	e = entry_find(dc, name);
	if (e && !e->writing) {
		lru_unlink(dc, e);
		lru_push(dc, e);
	}
	dc->stats.hits++;
	pthread_mutex_unlock(&dc->lock);
	return 0;
}

/* Room for a block of file_size bytes, reserved under name.  The entry
 * returned is marked writing until publish or unreserve. */
static int reserve(struct disk_cache *dc, const char *name, uint64_t file_size,
		   struct dc_entry **out)
{
	struct dc_entry *e = calloc(1, sizeof(*e)), *old;
	int rc = 0;

	if (!e)
		return -ENOMEM;
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->bytes = dc_accounted(file_size);
	e->writing = 1;
	pthread_mutex_lock(&dc->lock);
	old = entry_find(dc, name);
	if (old && old->writing) {
		rc = -EEXIST;	/* another thread is storing it */
	} else {
		if (old) {
			/* Bad or stale: gone before the new one is written,
			 * so a failed write leaves nothing unaccounted. */
			unlinkat(dc->dirfd, name, 0);
			entry_drop(dc, old);
		}
		while (!fits(dc, e->bytes) && evict_one(dc))
			;
		if (fits(dc, e->bytes))
			entry_add(dc, e);
		else
			rc = -ENOSPC;
	}
	pthread_mutex_unlock(&dc->lock);
	if (rc)
		free(e);
	else
		*out = e;
	return rc;
}

static int write_all(int fd, const struct dc_header *h, const char *key,
		     const void *buf, size_t len)
{
	struct iovec iov[3] = {
		{ (void *)h, sizeof(*h) }, { (void *)key, h->key_len },
		{ (void *)buf, len },
	};
	size_t total = sizeof(*h) + h->key_len + len;
	ssize_t n;

	for (;;) {
		n = pwritev(fd, iov, 3, 0);
		if (n < 0 && errno == EINTR)
			continue;
		/* Block files are small: one short write is a full disk. */
		if (n < 0)
			return -errno;
		return (size_t)n == total ? 0 : -ENOSPC;
	}
}

/* Write the block under a temporary name and rename it into place. */
static int write_block(struct disk_cache *dc, const char *name,
		       const char *key, uint64_t idx, const void *buf,
		       size_t len)
{
	struct dc_header h = { .idx = idx, .len = (uint32_t)len,
			       .key_len = (uint32_t)strlen(key) };
	char tmp[DC_NAME_MAX + 8];
	int fd, rc;

	memcpy(h.magic, DC_MAGIC, sizeof(h.magic));
	h.sum = dc_sum(buf, len);
	snprintf(tmp, sizeof(tmp), "tmp-%s", name);
	fd = openat(dc->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600);
	if (fd < 0)
		return -errno;
	rc = write_all(fd, &h, key, buf, len);
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && renameat(dc->dirfd, tmp, dc->dirfd, name))
		rc = -errno;
	if (rc)
		unlinkat(dc->dirfd, tmp, 0);
	return rc;
}

int disk_cache_put(struct disk_cache *dc, const char *key, uint64_t idx,
		   const void *buf, size_t len)
{
	char name[DC_NAME_MAX];
	struct dc_entry *e;
	int rc;

	if (!len || len > DISK_CACHE_BLOCK || strlen(key) > DC_KEY_MAX)
		return -EINVAL;
	dc_name(key, idx, name);
	rc = reserve(dc, name, sizeof(struct dc_header) + strlen(key) + len, &e);
	if (rc)
		return rc;
	/* The temporary name is the entry's own: only one writer per name. */
	rc = write_block(dc, name, key, idx, buf, len);
	pthread_mutex_lock(&dc->lock);
	if (rc) {
		entry_drop(dc, e);
	} else {
		e->writing = 0;
		dc->stats.stores++;
	}
	pthread_mutex_unlock(&dc->lock);
	return rc;
}

/* ---- the source decorator ------------------------------------------------ */

struct dc_source {
	struct source base;
	struct disk_cache *dc;
	char *key;
	struct source *inner;
};

static size_t block_len(int64_t size, uint64_t idx)
{
	int64_t start = (int64_t)(idx * DISK_CACHE_BLOCK);

	return size - start < DISK_CACHE_BLOCK ? (size_t)(size - start) :
						 DISK_CACHE_BLOCK;
}

/* Store every whole block of [start, start + n) (start block aligned);
 * a failure only means it is fetched again next time. */
static void store_blocks(struct dc_source *s, const char *data, int64_t start,
			 size_t n)
{
	uint64_t idx = (uint64_t)start / DISK_CACHE_BLOCK;
	size_t at = 0, bl;
	int rc;

	for (; at < n; at += bl, idx++) {
		bl = block_len(s->base.size, idx);
		if (at + bl > n)
			break;
		rc = disk_cache_put(s->dc, s->key, idx, data + at, bl);
		if (rc && rc != -EEXIST)
			log_debug(LOG_SUB_READER, "disk cache: cannot store a block: %s",
				  strerror(-rc));
	}
}

/* Blocks [first, end) from the inner source in one request, stored, and
 * the part of them from pos up to want_end copied to dst (read straight
 * into dst when they are exactly that part).  Returns the bytes copied. */
static ssize_t fetch_run(struct dc_source *s, uint64_t first, uint64_t end,
			 char *dst, int64_t pos, int64_t want_end)
{
	int64_t a = (int64_t)(first * DISK_CACHE_BLOCK);
	int64_t z = (int64_t)(end * DISK_CACHE_BLOCK);
	char *tmp = dst;
	ssize_t n, copy;

	if (z > s->base.size)
		z = s->base.size;
	if (a != pos || z > want_end) {
		tmp = malloc((size_t)(z - a));
		if (!tmp)
			return -ENOMEM;
	}
	n = source_read_full(s->inner, tmp, (size_t)(z - a), a);
	if (n > 0)
		store_blocks(s, tmp, a, (size_t)n);
	copy = n;
	if (n > 0 && tmp != dst) {
		copy = n > pos - a ? n - (pos - a) : 0;
		if (copy > want_end - pos)
			copy = want_end - pos;
		memcpy(dst, tmp + (pos - a), (size_t)copy);
	}
	if (tmp != dst)
		free(tmp);
	return copy;
}

/* One block's part at pos from the disk into dst; -ENOENT on a miss. */
static ssize_t from_disk(struct dc_source *s, char *dst, int64_t pos,
			 size_t want, char **spare)
{
	uint64_t idx = (uint64_t)pos / DISK_CACHE_BLOCK;
	size_t skip = (size_t)(pos % DISK_CACHE_BLOCK);
	size_t bl = block_len(s->base.size, idx);
	size_t n = bl - skip < want ? bl - skip : want;

	if (!skip && n == bl)
		return disk_cache_get(s->dc, s->key, idx, dst, bl) ?: (ssize_t)n;
	if (!disk_cache_has(s->dc, s->key, idx))
		return -ENOENT;
	if (!*spare && !(*spare = malloc(DISK_CACHE_BLOCK)))
		return -ENOMEM;
	if (disk_cache_get(s->dc, s->key, idx, *spare, bl))
		return -ENOENT;
	memcpy(dst, *spare + skip, n);
	return (ssize_t)n;
}

static ssize_t dcs_read(struct source *src, void *buf, size_t len, int64_t off)
{
	struct dc_source *s = (struct dc_source *)src;
	int64_t size = src->size, pos, end;
	uint64_t idx, last, j;
	char *spare = NULL;
	ssize_t n = 0;

	if (off >= size)
		return 0;
	if ((int64_t)len > size - off)
		len = (size_t)(size - off);
	end = off + (int64_t)len;
	for (pos = off; pos < end; pos += n) {
		n = from_disk(s, (char *)buf + (pos - off), pos,
			      (size_t)(end - pos), &spare);
		if (n > 0)
			continue;
		if (n != -ENOENT)
			break;
		/* Fetch the run of missing blocks from here in one go. */
		idx = (uint64_t)pos / DISK_CACHE_BLOCK;
		last = (uint64_t)(end - 1) / DISK_CACHE_BLOCK;
		for (j = idx + 1; j <= last && !disk_cache_has(s->dc, s->key, j); j++)
			;
		n = fetch_run(s, idx, j, (char *)buf + (pos - off), pos, end);
		if (n <= 0)
			break;
	}
	free(spare);
	if (n < 0 && pos == off)
		return n;
	return (ssize_t)(pos - off);
}

static void dcs_free(struct source *src)
{
	struct dc_source *s = (struct dc_source *)src;

	source_free(s->inner);
	free(s->key);
	free(s);
}

static const struct source_ops dc_source_ops = {
	.read = dcs_read,
	.free = dcs_free,
};

int disk_cache_source_new(struct disk_cache *dc, const char *key,
			  struct source *inner, struct source **out)
{
	struct dc_source *s;

	if (inner->size < 0 || strlen(key) > DC_KEY_MAX) {
		source_free(inner);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->key = strdup(key))) {
		free(s);
		source_free(inner);
		return -ENOMEM;
	}
	s->base.ops = &dc_source_ops;
	s->base.size = inner->size;
	s->dc = dc;
	s->inner = inner;
	*out = &s->base;
	return 0;
}
