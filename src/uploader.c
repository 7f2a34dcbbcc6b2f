// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uploader: the part pipeline.  Owns the part buffers and the worker
 * threads; knows S3 only through the sink.  The reading thread never waits
 * on the network except for a free buffer, so reading and sending overlap.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hash.h"
#include "log.h"
#include "parallel.h"
#include "uploader.h"

#define UPLOAD_MAX_CONCURRENCY 64
/* How often a waiting thread looks at the cancel flag. */
#define UPLOAD_POLL_MS 100

struct slot {
	char *data;
	size_t cap;
	size_t len;
	unsigned part;
	int64_t off;
	struct slot *next;
};

struct pipeline {
	const struct upload_conf *conf;
	struct sink *sink;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct slot *free_slots;	/* protected by lock */
	struct slot *queue;		/* protected by lock; FIFO */
	struct slot *queue_tail;	/* protected by lock */
	unsigned n_slots;		/* protected by lock */
	unsigned max_slots;
	int closing;			/* protected by lock */
	int failed;			/* protected by lock; first error */
	char error[1024];		/* protected by lock */
	/* The parts' ETags as S3 answered them (binary MD5s; a single PUT's
	 * MD5 computed here), for the final check. */
	unsigned char (*md5s)[16];	/* protected by lock; index part - 1 */
	unsigned md5_cap;		/* protected by lock */
	unsigned opaque_etags;		/* protected by lock; parts whose ETag
					 * is no MD5 (SSE-KMS, ...) */
	int64_t sent;			/* protected by lock */
	int64_t total;
	/* Parallel reads only: the next part to claim and where it starts. */
	struct source *src;
	unsigned next_part;		/* protected by lock */
	int64_t next_off;		/* protected by lock */
	unsigned sending;		/* protected by lock; parts being sent */
};

size_t upload_part_size(int64_t total, unsigned part, size_t base)
{
	unsigned long long ps = base ? base : UPLOAD_PART_SIZE_DEFAULT;
	unsigned long long need;
	unsigned shift;

	if (total >= 0) {
		need = ((unsigned long long)total + UPLOAD_MAX_PARTS - 1) /
		       UPLOAD_MAX_PARTS;
		need = (need + (1u << 20) - 1) & ~((1ull << 20) - 1);
		if (need > ps)
			ps = need;
	} else {
		shift = (part ? part - 1 : 0) / UPLOAD_GROWTH_EVERY;
		while (shift-- && ps < UPLOAD_PART_SIZE_MAX)
			ps *= 2;
	}
	return ps > UPLOAD_PART_SIZE_MAX ? UPLOAD_PART_SIZE_MAX : (size_t)ps;
}

void upload_multipart_etag(const unsigned char (*md5s)[16], unsigned n,
			   char out[48])
{
	unsigned char md[16];

	hash_md5(md5s, (size_t)n * 16, md);
	hash_hex(md, sizeof(md), out);
	snprintf(out + 32, 16, "-%u", n);
}

static void timed_wait(struct pipeline *p)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += UPLOAD_POLL_MS * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&p->cond, &p->lock, &ts);
}

static int cancelled(const struct pipeline *p)
{
	return p->conf->cancel && *p->conf->cancel;
}

/* The size of part number part: from the source's size when it is known,
 * else from the growth schedule, raised to what the caller's size hint
 * needs (a stream that outgrows its hint still grows). */
static size_t part_size_for(const struct pipeline *p, const struct source *src,
			    unsigned part)
{
	size_t ps = upload_part_size(src->size, part, p->conf->part_size);
	size_t hinted;

	if (src->size < 0 && p->conf->size_hint > 0) {
		hinted = upload_part_size(p->conf->size_hint, part,
					  p->conf->part_size);
		if (hinted > ps)
			ps = hinted;
	}
	return ps;
}

/* Record the first failure; later ones add nothing.  Called locked. */
static void fail_locked(struct pipeline *p, int rc, const char *why)
{
	if (p->failed)
		return;
	p->failed = rc;
	snprintf(p->error, sizeof(p->error), "%s", why);
	pthread_cond_broadcast(&p->cond);
}

static int fail_now(struct pipeline *p, int rc, const char *why)
{
	pthread_mutex_lock(&p->lock);
	fail_locked(p, rc, why);
	rc = p->failed;
	pthread_mutex_unlock(&p->lock);
	return rc;
}

static int store_md5_locked(struct pipeline *p, unsigned part,
			    const unsigned char md5[16])
{
	unsigned char (*grown)[16];
	unsigned n;

	if (part > p->md5_cap) {
		n = p->md5_cap ? p->md5_cap * 2 : 256;
		while (n < part)
			n *= 2;
		grown = realloc(p->md5s, (size_t)n * 16);
		if (!grown)
			return -ENOMEM;
		p->md5s = grown;
		p->md5_cap = n;
	}
	memcpy(p->md5s[part - 1], md5, 16);
	return 0;
}

static struct slot *take_queued(struct pipeline *p)
{
	struct slot *s;

	pthread_mutex_lock(&p->lock);
	while (!p->queue && !p->closing)
		timed_wait(p);
	s = p->queue;
	if (s) {
		p->queue = s->next;
		if (!p->queue)
			p->queue_tail = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	return s;
}

static void finish_part(struct pipeline *p, struct slot *s, int rc,
			const struct sink_part_etag *etag)
{
	pthread_mutex_lock(&p->lock);
	if (!rc && etag->is_md5)
		rc = store_md5_locked(p, s->part, etag->md5);
	else if (!rc)
		p->opaque_etags++;
	if (rc)
		fail_locked(p, rc, p->sink->ops->last_error(p->sink));
	else
		p->sent += (int64_t)s->len;
	s->next = p->free_slots;
	p->free_slots = s;
	if (!rc && p->conf->progress)
		p->conf->progress(p->conf->progress_arg, p->sent, p->total);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* Hash a part once for every digest the sink wants (one pass: hash.h; MD5
 * only for a server that refuses checksums: the part's ETag stands for it
 * in the final check), then send it.  wants is read after begin (sink.h),
 * under the lock that handed this slot over. */
static void send_part(struct pipeline *p, struct slot *s)
{
	unsigned wants = p->sink->wants;
	struct sink_part_etag etag = { { 0 }, 0 };
	struct sink_digests d;
	struct hash_part h;
	int rc;

	rc = hash_part(s->data, s->len,
		       (wants & SINK_WANT_SHA256 ? HASH_WANT_SHA256 : 0) |
		       (wants & SINK_WANT_CRC32C ? HASH_WANT_CRC32C : 0) |
		       (wants & SINK_WANT_MD5 ? HASH_WANT_MD5 : 0), &h);
	if (rc) {
		fail_now(p, rc, rc == -ENOMEM ? "cannot hash a part: out of memory" :
			 "cannot hash a part");
	} else {
		memcpy(d.sha256, h.sha256, sizeof(d.sha256));
		memcpy(d.md5, h.md5, sizeof(d.md5));
		d.crc32c = h.crc32c;
		rc = p->sink->ops->put_part(p->sink, s->part, s->data, s->len,
					    &d, &etag);
	}
	finish_part(p, s, rc, &etag);
}

static void *worker_main(void *arg)
{
	struct pipeline *p = arg;
	struct slot *s;
	int skip;

	while ((s = take_queued(p))) {
		pthread_mutex_lock(&p->lock);
		skip = p->failed || cancelled(p);
		if (skip) {
			/* A part not sent must fail the run, even when the
			 * reader has finished and will not see the cancel. */
			fail_locked(p, -ECANCELED, "interrupted");
			s->next = p->free_slots;
			p->free_slots = s;
			pthread_cond_broadcast(&p->cond);
		}
		pthread_mutex_unlock(&p->lock);
		if (!skip)
			send_part(p, s);
	}
	return NULL;
}

/* A free buffer of at least want bytes, or NULL after a failure. */
static struct slot *take_free(struct pipeline *p, size_t want)
{
	struct slot *s = NULL;
	char *grown;

	pthread_mutex_lock(&p->lock);
	while (!p->failed && !cancelled(p) && !p->free_slots &&
	       p->n_slots >= p->max_slots)
		timed_wait(p);
	if (!p->failed && cancelled(p))
		fail_locked(p, -ECANCELED, "interrupted");
	if (!p->failed) {
		s = p->free_slots;
		if (s)
			p->free_slots = s->next;
		else if ((s = calloc(1, sizeof(*s))))
			p->n_slots++;
		else
			fail_locked(p, -ENOMEM, "out of memory");
	}
	pthread_mutex_unlock(&p->lock);
	if (s && s->cap < want) {
		grown = realloc(s->data, want);
		if (!grown) {
			pthread_mutex_lock(&p->lock);
			fail_locked(p, -ENOMEM, "out of memory for a part buffer");
			s->next = p->free_slots;
			p->free_slots = s;
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		s->data = grown;
		s->cap = want;
	}
	return s;
}

static void give_back(struct pipeline *p, struct slot *s)
{
	pthread_mutex_lock(&p->lock);
	s->next = p->free_slots;
	p->free_slots = s;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

static void enqueue(struct pipeline *p, struct slot *s)
{
	pthread_mutex_lock(&p->lock);
	s->next = NULL;
	if (p->queue_tail)
		p->queue_tail->next = s;
	else
		p->queue = s;
	p->queue_tail = s;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* Fill s from have bytes up to want; records a read failure.  Returns 0
 * or the failure. */
static int read_failed(struct pipeline *p, struct source *src, ssize_t n,
		       int64_t off)
{
	char why[300];

	if (cancelled(p))
		n = -ECANCELED;
	if (n == -ECANCELED)
		snprintf(why, sizeof(why), "interrupted");
	else
		snprintf(why, sizeof(why), "cannot read '%s' at offset %lld: %s",
			 src->name, (long long)off, strerror((int)-n));
	pthread_mutex_lock(&p->lock);
	fail_locked(p, (int)n, why);
	pthread_mutex_unlock(&p->lock);
	return (int)n;
}

static int fill_slot(struct pipeline *p, struct source *src, struct slot *s,
		     size_t have, size_t want, int64_t off)
{
	ssize_t n;

	n = source_read_full(src, s->data + have, want - have, off + (int64_t)have);
	if (n < 0)
		return read_failed(p, src, n, off + (int64_t)have);
	s->len = have + (size_t)n;
	return 0;
}

/* Read the next part into a free slot.  Returns the slot (len 0 at the
 * end) or NULL after a failure. */
static struct slot *read_part(struct pipeline *p, struct source *src,
			      unsigned part, int64_t off)
{
	size_t want = part_size_for(p, src, part);
	struct slot *s = take_free(p, want);

	if (!s)
		return NULL;
	s->part = part;
	if (fill_slot(p, src, s, 0, want, off)) {
		give_back(p, s);
		return NULL;
	}
	return s;
}

static int put_single(struct pipeline *p, struct slot *s)
{
	unsigned char md5[16];
	int rc;

	hash_md5(s->data, s->len, md5);
	rc = p->sink->ops->put_whole(p->sink, s->data, s->len, md5);
	if (rc)
		return fail_now(p, rc, p->sink->ops->last_error(p->sink));
	pthread_mutex_lock(&p->lock);
	rc = store_md5_locked(p, 1, md5);
	p->sent = (int64_t)s->len;
	if (p->conf->progress)
		p->conf->progress(p->conf->progress_arg, p->sent, p->total);
	pthread_mutex_unlock(&p->lock);
	return rc;
}

/* Start n workers running fn.  They block every signal, so that SIGINT
 * reaches the calling thread and interrupts a read that may wait forever
 * on a pipe.  Returns how many started (none: the run has failed). */
static unsigned start_workers(struct pipeline *p, void *(*fn)(void *),
			      pthread_t *tid, unsigned n)
{
	unsigned i, started = 0;

	for (i = 0; i < n; i++)
		if (!parallel_thread_start(&tid[started], fn, p))
			started++;
	if (!started)
		fail_now(p, -EAGAIN, "cannot start upload threads");
	return started;
}

static void stop_workers(struct pipeline *p, pthread_t *tid, unsigned n)
{
	unsigned i;

	pthread_mutex_lock(&p->lock);
	p->closing = 1;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
}

/* Feed parts 3.. to the workers until the source ends. */
static void feed(struct pipeline *p, struct source *src, unsigned *parts,
		 int64_t *off, size_t last_len, size_t last_want)
{
	struct slot *s;

	while (last_len == last_want) {
		if (*parts >= UPLOAD_MAX_PARTS) {
			fail_now(p, -EFBIG, "the source needs more than 10000 parts: raise --part-size");
			return;
		}
		last_want = part_size_for(p, src, *parts + 1);
		s = read_part(p, src, *parts + 1, *off);
		if (!s)
			return;
		if (!s->len) {
			give_back(p, s);
			return;
		}
		last_len = s->len;
		*off += (int64_t)s->len;
		(*parts)++;
		enqueue(p, s);
	}
}

/* Begin the upload as soon as a second part has its first bytes, so that
 * part 1 travels while a slow stream trickles in. */
static int run_multipart(struct pipeline *p, struct source *src,
			 struct slot *first, struct slot *second,
			 unsigned *parts, int64_t *off)
{
	size_t want2 = part_size_for(p, src, 2);
	unsigned n = p->max_slots - 1, started;
	pthread_t tid[UPLOAD_MAX_CONCURRENCY];
	int rc = p->sink->ops->begin(p->sink);

	if (rc) {
		give_back(p, first);
		give_back(p, second);
		return fail_now(p, rc, p->sink->ops->last_error(p->sink));
	}
	started = start_workers(p, worker_main, tid, n);
	enqueue(p, first);
	if (!fill_slot(p, src, second, second->len, want2,
				     (int64_t)first->len)) {
		*parts = 2;
		*off = (int64_t)(first->len + second->len);
		enqueue(p, second);
		feed(p, src, parts, off, second->len, want2);
	} else {
		give_back(p, second);
	}
	stop_workers(p, tid, started);
	/* Workers drain a failed queue without sending: no part is lost
	 * track of, and none is sent after the failure. */
	return p->failed;
}

/* Whether workers should read their own parts: a source of known size
 * that may be read anywhere by several threads at once (a URL, a file)
 * and needs more than one part.  N parts are then in flight on both
 * sides, so a far origin pays its round trips N at a time instead of one
 * after another (bench/RESULTS.md, origin 40 ms away). */
static int parallel_reads(const struct pipeline *p, const struct source *src)
{
	return src->size >= 0 && !src->sequential_only &&
	       src->size > (int64_t)part_size_for(p, src, 1);
}

/* A free slot for the next part of a sized source, with its number and
 * offset set, or NULL when every part is claimed or the run failed. */
static struct slot *claim_part(struct pipeline *p, size_t *expect)
{
	size_t ps = part_size_for(p, p->src, 1);
	struct slot *s;
	unsigned part;
	int64_t off;

	pthread_mutex_lock(&p->lock);
	off = p->next_off;
	part = ++p->next_part;
	p->next_off += off < p->src->size ? (int64_t)ps : 0;
	pthread_mutex_unlock(&p->lock);
	if (off >= p->src->size)
		return NULL;
	*expect = p->src->size - off < (int64_t)ps ?
		  (size_t)(p->src->size - off) : ps;
	s = take_free(p, ps);
	if (s) {
		s->part = part;
		s->off = off;
	}
	return s;
}

/* Send s once fewer than concurrency parts are being sent: the parallel
 * path runs concurrency + 1 readers (one per buffer, so the spare buffer
 * of the sequential path reads too) but never more sends than asked. */
static void send_bounded(struct pipeline *p, struct slot *s)
{
	int failed;

	pthread_mutex_lock(&p->lock);
	while (p->sending >= p->max_slots - 1 && !p->failed && !cancelled(p))
		timed_wait(p);
	/* A part not sent must fail the run (as in worker_main). */
	if (!p->failed && cancelled(p))
		fail_locked(p, -ECANCELED, "interrupted");
	failed = p->failed;
	p->sending++;
	pthread_mutex_unlock(&p->lock);
	if (failed)
		give_back(p, s);	/* nothing is sent after a failure */
	else
		send_part(p, s);
	pthread_mutex_lock(&p->lock);
	p->sending--;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* A worker of the parallel path: claim, read, hash, send, until done.  A
 * read asks for a whole part even for the last one, so that a source that
 * grew is caught as surely as one that shrank (and check_source_end looks
 * past the last one). */
static void *reading_worker_main(void *arg)
{
	struct pipeline *p = arg;
	size_t ps = part_size_for(p, p->src, 1), expect = 0;
	struct slot *s;

	while ((s = claim_part(p, &expect))) {
		if (fill_slot(p, p->src, s, 0, ps, s->off)) {
			give_back(p, s);
			break;
		}
		if (s->len != expect || cancelled(p)) {
			if (cancelled(p))
				fail_now(p, -ECANCELED, "interrupted");
			else
				fail_now(p, -EIO, "the source changed size while being read");
			give_back(p, s);
			break;
		}
		send_bounded(p, s);
	}
	return NULL;
}

/* Workers read whole parts only, so when the announced size is a whole
 * number of parts none of them looks past it: one byte there must be the
 * end, as the sequential path's last read finds it. */
static void check_source_end(struct pipeline *p, struct source *src)
{
	char byte;
	ssize_t n = source_read(src, &byte, 1, src->size);

	if (n > 0)
		fail_now(p, -EIO, "the source changed size while being read");
	else if (n < 0)
		read_failed(p, src, n, src->size);
}

static int run_parallel(struct pipeline *p, struct source *src,
			unsigned *parts, int64_t *off)
{
	pthread_t tid[UPLOAD_MAX_CONCURRENCY + 1];
	unsigned started;
	int rc;

	/* No upload begun for a run cancelled already: none to abort. */
	if (cancelled(p))
		return fail_now(p, -ECANCELED, "interrupted");
	rc = p->sink->ops->begin(p->sink);
	if (rc)
		return fail_now(p, rc, p->sink->ops->last_error(p->sink));
	p->src = src;
	started = start_workers(p, reading_worker_main, tid, p->max_slots);
	stop_workers(p, tid, started);
	if (!p->failed && !cancelled(p))
		check_source_end(p, src);
	/* Cancelled while the last parts were in flight: every part went,
	 * but the user asked for no object. */
	if (cancelled(p))
		fail_now(p, -ECANCELED, "interrupted");
	*parts = (unsigned)((src->size + (int64_t)part_size_for(p, src, 1) - 1) /
			    (int64_t)part_size_for(p, src, 1));
	*off = src->size;
	return p->failed;
}

static void strip_quotes(const char *in, char *out, size_t size)
{
	size_t n = strlen(in);

	if (n >= 2 && in[0] == '"' && in[n - 1] == '"')
		snprintf(out, size, "%.*s", (int)(n - 2), in + 1);
	else
		snprintf(out, size, "%s", in);
}

static int looks_like_md5(const char *etag)
{
	return strspn(etag, "0123456789abcdef") == 32 &&
	       (etag[32] == '\0' || etag[32] == '-');
}

/* The stored object must have the bytes we sent, or it goes: its size,
 * and its ETag, the MD5 of the bytes (single PUT) or the one S3 builds
 * from the parts' ETags (multipart: Complete took exactly the parts sent,
 * in order).  No ETag check when S3's are no MD5s (SSE-KMS, SSE-C). */
static int verify(struct pipeline *p, int64_t bytes, unsigned parts,
		  struct upload_result *out)
{
	char expect[48], why[600], *etag = NULL;
	int64_t size = -1;
	int rc = p->sink->ops->stat(p->sink, &size, &etag);

	if (rc)
		return fail_now(p, rc, p->sink->ops->last_error(p->sink));
	strip_quotes(etag, out->etag, sizeof(out->etag));
	free(etag);
	expect[0] = '\0';
	if (!parts)
		hash_hex(p->md5s[0], 16, expect);
	else if (!p->opaque_etags)
		upload_multipart_etag((const unsigned char (*)[16])p->md5s, parts, expect);
	if (size != bytes)
		snprintf(why, sizeof(why), "stored object has %lld bytes, %lld were sent",
			 (long long)size, (long long)bytes);
	else if (expect[0] && looks_like_md5(out->etag) &&
		 strcmp(out->etag, expect))
		snprintf(why, sizeof(why), "stored object's ETag %s differs from the %s %s",
			 out->etag, expect, parts ? "expected from the ETags of the parts sent" :
			 "computed from the bytes sent");
	else
		return 0;
	p->sink->ops->remove(p->sink);
	return fail_now(p, -EIO, why);
}

/* A slot for part 2 holding whatever one read returns (0 bytes: the end). */
static struct slot *peek_part(struct pipeline *p, struct source *src,
			      int64_t off)
{
	size_t want = part_size_for(p, src, 2);
	struct slot *s = take_free(p, want);
	ssize_t n;

	if (!s)
		return NULL;
	s->part = 2;
	n = source_read(src, s->data, want, off);
	if (n < 0) {
		read_failed(p, src, n, off);
		give_back(p, s);
		return NULL;
	}
	s->len = (size_t)n;
	return s;
}

/* One part read at a time by the calling thread: pipes, sources of
 * unknown size, and objects that fit in one part (a single PUT). */
static int run_sequential(struct pipeline *p, struct source *src,
			  unsigned *parts, int64_t *off)
{
	struct slot *second = NULL;
	struct slot *first = read_part(p, src, 1, 0);
	int rc;

	if (!first)
		return p->failed;
	if (first->len == part_size_for(p, src, 1)) {
		second = peek_part(p, src, (int64_t)first->len);
		if (!second) {
			give_back(p, first);
			return p->failed;
		}
	}
	if (!second || !second->len) {
		if (second)
			give_back(p, second);
		*off = (int64_t)first->len;
		/* Checked before the PUT: afterwards the object would stay. */
		if (src->size >= 0 && *off != src->size)
			rc = fail_now(p, -EIO, "the source changed size while being read");
		else
			rc = put_single(p, first);
		give_back(p, first);
	} else {
		rc = run_multipart(p, src, first, second, parts, off);
	}
	return rc;
}

static int upload_stream(struct pipeline *p, struct source *src,
			 struct upload_result *out)
{
	unsigned parts = 0;
	int64_t off = 0;
	int rc;

	if (parallel_reads(p, src))
		rc = run_parallel(p, src, &parts, &off);
	else
		rc = run_sequential(p, src, &parts, &off);
	if (!rc && src->size >= 0 && off != src->size)
		rc = fail_now(p, -EIO, "the source changed size while being read");
	if (!rc && parts && p->sink->ops->complete(p->sink, parts))
		rc = fail_now(p, -EIO, p->sink->ops->last_error(p->sink));
	if (rc) {
		p->sink->ops->abort(p->sink);
		return rc;
	}
	out->bytes = off;
	out->parts = parts;
	rc = verify(p, off, parts, out);
	/* Normally a no-op after Complete; it matters when Complete was
	 * only presumed (the upload was found gone after a retry). */
	if (rc && parts)
		p->sink->ops->abort(p->sink);
	return rc;
}

int upload_run(const struct upload_conf *conf, struct source *src,
	       struct sink *sink, struct upload_result *out, char *err,
	       size_t err_size)
{
	struct pipeline p = { .conf = conf, .sink = sink, .total = src->size };
	unsigned conc = conf->concurrency ? conf->concurrency :
			UPLOAD_CONCURRENCY_DEFAULT;
	struct slot *s;
	int rc;

	if (conc > UPLOAD_MAX_CONCURRENCY)
		conc = UPLOAD_MAX_CONCURRENCY;
	p.max_slots = conc + 1;
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	memset(out, 0, sizeof(*out));
	rc = upload_stream(&p, src, out);
	if (rc)
		snprintf(err, err_size, "%s", p.error);
	while ((s = p.free_slots)) {
		p.free_slots = s->next;
		free(s->data);
		free(s);
	}
	free(p.md5s);
	pthread_cond_destroy(&p.cond);
	pthread_mutex_destroy(&p.lock);
	return rc;
}
