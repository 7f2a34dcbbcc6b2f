// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * source_hls: an HLS rendition read as one file.  At open the playlist is
 * fetched and every part's size learned (HEADs in parallel), giving the
 * offset map: the init section, then each media segment.  A read becomes
 * ranged GETs of the parts it touches, run in parallel.  The signed URLs of
 * one playlist fetch are shared, refcounted, and renewed as a set (one
 * renewal at a time, no lock held while it runs) when they age or the CDN
 * refuses them; the read then resumes at the exact byte.  A part whose
 * ETag or size differs from the map's is -ESTALE: never mixed bytes.
 * Maps are remembered for a while (source_hls_maps): the listing's probe
 * has just made the map an open needs.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hls_playlist.h"
#include "http.h"
#include "log.h"
#include "sc_api.h"
#include "source_hls.h"

/* SoundCloud signs CDN URLs for about 5 minutes; renew well before. */
#define HLS_URL_MAX_AGE_S 240
/* Attempts of one step (playlist, sizes, a read) after a dropped
 * connection, a 5xx, a 429 or an expired URL. */
#define HLS_MAX_ATTEMPTS 6
#define HLS_BACKOFF_BASE_MS 100
#define HLS_BACKOFF_CAP_MS 5000
/* GETs in flight for one read: enough to hide the round trip of a CDN far
 * away behind 100-200 KB segments (the reader runs several reads at once),
 * few enough to stay polite to one host. */
#define HLS_PARALLEL 8
/* HEADs in flight while mapping: they carry no body, and a 400-segment
 * rendition at 40 ms took 2.5-4 s at 8, about 0.6 s at 32. */
#define HLS_HEAD_PARALLEL 32
/* A playlist of HLS_MAX_SEGMENTS signed URLs stays well below this. */
#define HLS_PLAYLIST_MAX (16u << 20)

/* One resource of the file: the init section or a media segment. */
struct hls_part {
	int64_t off;		/* where it starts in the file */
	int64_t size;
	int64_t range_off;	/* first byte in its resource; -1: whole */
	char *etag;		/* from the HEAD; NULL when unknown */
};

/* The signed URLs of one playlist fetch, one per part. */
struct hls_urls {
	unsigned refs;		/* protected by the source's lock */
	unsigned gen;		/* which renewal made them */
	time_t fetched;
	size_t n;
	char *url[];
};

/* What a playlist fetch and the HEADs give: the map and its URLs. */
struct hls_map {
	struct hls_part *parts;
	size_t n;
	struct hls_urls *urls;
	int64_t size;
};

struct source_hls {
	struct source base;
	struct sc_api *api;
	char *urn;
	struct hls_part *parts;	/* immutable after source_hls_new */
	size_t n_parts;
	pthread_mutex_t lock;
	pthread_cond_t renewed;
	struct hls_urls *urls;	/* protected by lock */
	int renewing;		/* protected by lock */
	unsigned seed;		/* protected by lock */
};

static void urls_free(struct hls_urls *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->n; i++)
		free(u->url[i]);
	free(u);
}

static void map_release(struct hls_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->parts[i].etag);
	free(m->parts);
	urls_free(m->urls);
	memset(m, 0, sizeof(*m));
}

static unsigned backoff(unsigned attempt, unsigned *seed)
{
	return http_backoff_ms(attempt, HLS_BACKOFF_BASE_MS,
			       HLS_BACKOFF_CAP_MS, seed);
}

/* ---- the playlist ------------------------------------------------------- */

/* One GET of the playlist at url.  Returns 0, -EKEYEXPIRED when the URL
 * was refused (ask the API again), -EAGAIN when trying again may help, or
 * a negative errno. */
static int get_playlist(struct http_client *http, const char *url,
			const char *urn, struct hls_playlist *pl)
{
	struct http_response resp;
	struct http_request req;
	char where[512];
	int rc;

	http_request_init(&req, "GET", url);
	req.max_body = HLS_PLAYLIST_MAX;
	rc = http_perform(http, &req, &resp);
	if (rc)
		rc = http_is_retryable(rc, 0) ? -EAGAIN : rc;
	else if (resp.status == 403 || resp.status == 410)
		rc = -EKEYEXPIRED;
	else if (resp.status != 200)
		rc = http_is_retryable(0, resp.status) ? -EAGAIN :
		     http_status_to_errno(resp.status) ?: -EIO;
	else if ((rc = hls_playlist_parse(resp.body.data, resp.body.len, url, pl)))
		log_err("cannot read the HLS playlist of '%s' at '%s': %s", urn,
			log_url(url, where, sizeof(where)), strerror(-rc));
	http_response_release(&resp);
	return rc;
}

static int fetch_playlist(struct sc_api *api, const char *urn,
			  struct hls_playlist *pl)
{
	unsigned attempt, seed = (unsigned)time(NULL);
	char *url = NULL;
	int rc = -EIO;

	for (attempt = 0; attempt < HLS_MAX_ATTEMPTS; attempt++) {
		if (!url && (rc = sc_api_hls_playlist_url(api, urn, &url)))
			return rc;
		rc = get_playlist(sc_api_http(api), url, urn, pl);
		if (rc == -EKEYEXPIRED) {
			free(url);
			url = NULL;
		} else if (rc != -EAGAIN) {
			break;
		} else if (http_sleep_ms(sc_api_http(api), backoff(attempt, &seed), 0)) {
			break;
		}
	}
	free(url);
	if (rc == -EAGAIN || rc == -EKEYEXPIRED)
		rc = -EIO;
	return rc;
}

/* The parts and URLs of a parsed playlist; its URIs move into m. */
static int map_from_playlist(struct hls_playlist *pl, struct hls_map *m)
{
	size_t has_init = pl->init.uri ? 1 : 0, i, n = pl->n_segs + has_init;
	struct hls_piece *p;

	memset(m, 0, sizeof(*m));
	m->parts = calloc(n ? n : 1, sizeof(*m->parts));
	m->urls = calloc(1, sizeof(*m->urls) + n * sizeof(char *));
	if (!m->parts || !m->urls) {
		map_release(m);
		return -ENOMEM;
	}
	m->n = m->urls->n = n;
	for (i = 0; i < n; i++) {
		p = has_init ? (i ? &pl->segs[i - 1] : &pl->init) : &pl->segs[i];
		m->parts[i].size = p->range_len;
		m->parts[i].range_off = p->range_off;
		m->urls->url[i] = p->uri;
		p->uri = NULL;
	}
	m->urls->fetched = time(NULL);
	return 0;
}

/* ---- sizes: HEAD every part whose playlist gave no byte range ---------- */

/* Store what one HEAD says.  Returns 0 when the part is done, 1 when it
 * may succeed later, -EKEYEXPIRED, or a negative errno. */
static int head_result(struct hls_part *part, int rc,
		       struct http_response *resp)
{
	if (rc)
		return http_is_retryable(rc, 0) ? 1 : rc;
	if (resp->status == 403 || resp->status == 410)
		return -EKEYEXPIRED;
	if (resp->status != 200)
		return http_is_retryable(0, resp->status) ? 1 :
		       http_status_to_errno(resp->status) ?: -EIO;
	if (resp->content_length < 0)
		return -EIO;	/* a size is what we came for */
	part->size = resp->content_length;
	part->etag = resp->etag;
	resp->etag = NULL;
	return 0;
}

/* One round of HEADs for the parts still without a size.  Returns the
 * number still missing (to retry), or -EKEYEXPIRED / a negative errno. */
static int head_round(struct http_client *http, struct hls_map *m)
{
	struct http_request *reqs = calloc(m->n ? m->n : 1, sizeof(*reqs));
	struct http_response *resps = calloc(m->n ? m->n : 1, sizeof(*resps));
	size_t *idx = calloc(m->n ? m->n : 1, sizeof(*idx)), i, k = 0;
	int *rcs = calloc(m->n ? m->n : 1, sizeof(*rcs)), rc = 0, r, left = 0;

	if (!reqs || !resps || !idx || !rcs)
		rc = -ENOMEM;
	for (i = 0; !rc && i < m->n; i++) {
		if (m->parts[i].size >= 0)
			continue;
		http_request_init(&reqs[k], "HEAD", m->urls->url[i]);
		idx[k++] = i;
	}
	if (!rc && k)
		rc = http_perform_many(http, reqs, k, HLS_HEAD_PARALLEL, resps, rcs);
	for (i = 0; !rc && i < k; i++) {
		r = head_result(&m->parts[idx[i]], rcs[i], &resps[i]);
		if (r < 0)
			rc = r;
		left += r > 0;
	}
	for (i = 0; resps && i < k; i++)
		http_response_release(&resps[i]);
	free(reqs);
	free(resps);
	free(idx);
	free(rcs);
	return rc ? rc : left;
}

static int map_sizes(struct http_client *http, struct hls_map *m,
		     unsigned *seed)
{
	unsigned attempt;
	int rc;

	for (attempt = 0; attempt < HLS_MAX_ATTEMPTS; attempt++) {
		rc = head_round(http, m);
		if (rc <= 0)
			return rc;
		if (http_sleep_ms(http, backoff(attempt, seed), 0))
			return -ECANCELED;
	}
	return -EIO;
}

static int map_build(struct sc_api *api, const char *urn, struct hls_map *m)
{
	unsigned attempt, seed = (unsigned)time(NULL);
	struct hls_playlist pl;
	size_t i;
	int rc = -EIO;

	for (attempt = 0; attempt < HLS_MAX_ATTEMPTS; attempt++) {
		rc = fetch_playlist(api, urn, &pl);
		if (rc)
			return rc;
		rc = map_from_playlist(&pl, m);
		hls_playlist_release(&pl);
		if (!rc)
			rc = map_sizes(sc_api_http(api), m, &seed);
		if (!rc)
			break;
		map_release(m);
		if (rc != -EKEYEXPIRED)
			return rc;
	}
	if (rc)
		return -EIO;
	for (i = 0; i < m->n; i++) {
		m->parts[i].off = m->size;
		m->size += m->parts[i].size;
	}
	return 0;
}

/* ---- signed URLs ---------------------------------------------------------- */

static void urls_put_locked(struct hls_urls *u)
{
	if (u && !--u->refs)
		urls_free(u);
}

static void urls_put(struct source_hls *s, struct hls_urls *u)
{
	pthread_mutex_lock(&s->lock);
	urls_put_locked(u);
	pthread_mutex_unlock(&s->lock);
}

/* Whether a fresh playlist's map describes these parts: as many, with the
 * same byte ranges and, where it says, the same sizes. */
static int same_parts(const struct hls_map *m, const struct hls_part *parts,
		      size_t n)
{
	size_t i;

	if (m->n != n)
		return 0;
	for (i = 0; i < n; i++)
		if (m->parts[i].range_off != parts[i].range_off ||
		    (m->parts[i].size >= 0 && m->parts[i].size != parts[i].size))
			return 0;
	return 1;
}

/* URLs from a new playlist fetch for these parts: the playlist must
 * describe the same parts with the same byte ranges, or -ESTALE. */
static int playlist_urls(struct sc_api *api, const char *urn,
			 const struct hls_part *parts, size_t n,
			 struct hls_urls **out)
{
	struct hls_playlist pl;
	struct hls_map m;
	int rc = fetch_playlist(api, urn, &pl);

	if (rc)
		return rc;
	rc = map_from_playlist(&pl, &m);
	hls_playlist_release(&pl);
	if (rc)
		return rc;
	if (same_parts(&m, parts, n)) {
		*out = m.urls;
		m.urls = NULL;
	} else {
		rc = -ESTALE;
	}
	map_release(&m);
	return rc;
}

/* URLs for the map of an open source, as the renewal gen. */
static int fetch_urls(struct source_hls *s, unsigned gen,
		      struct hls_urls **out)
{
	int rc = playlist_urls(s->api, s->urn, s->parts, s->n_parts, out);

	if (rc == -ESTALE)
		log_warn("the HLS playlist of '%s' changed since it was opened",
			 s->urn);
	if (!rc) {
		(*out)->gen = gen;
		(*out)->refs = 1;
	}
	return rc;
}

static int urls_stale(const struct source_hls *s, int refused,
		      unsigned refused_gen)
{
	return !s->urls || (refused && s->urls->gen == refused_gen) ||
	       time(NULL) - s->urls->fetched > HLS_URL_MAX_AGE_S;
}

/* A reference to URLs worth trying (drop it with urls_put): the current
 * ones, unless they are old or the caller saw this very set refused.  One
 * thread renews at a time, without the lock; the others wait for it. */
static int urls_get(struct source_hls *s, int refused, unsigned refused_gen,
		    struct hls_urls **out)
{
	struct hls_urls *fresh = NULL;
	unsigned gen;
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	while (!rc && urls_stale(s, refused, refused_gen)) {
		if (s->renewing) {
			pthread_cond_wait(&s->renewed, &s->lock);
			continue;
		}
		s->renewing = 1;
		gen = s->urls ? s->urls->gen + 1 : 1;
		pthread_mutex_unlock(&s->lock);
		rc = fetch_urls(s, gen, &fresh);
		pthread_mutex_lock(&s->lock);
		s->renewing = 0;
		pthread_cond_broadcast(&s->renewed);
		if (!rc) {
			urls_put_locked(s->urls);
			s->urls = fresh;
			refused = 0;
		}
	}
	if (!rc) {
		s->urls->refs++;
		*out = s->urls;
	}
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* ---- recent maps ---------------------------------------------------------- */

struct hls_recent {
	char *urn;
	struct hls_map map;	/* owned */
	struct hls_recent *next;
};

struct source_hls_maps {
	pthread_mutex_t lock;
	unsigned max;
	unsigned n;			/* protected by lock */
	struct hls_recent *head;	/* protected by lock: newest first */
};

static void recent_free(struct hls_recent *r)
{
	if (!r)
		return;
	map_release(&r->map);
	free(r->urn);
	free(r);
}

/* A deep copy of m (its URLs only when with_urls); 0 or -ENOMEM. */
static int map_copy(const struct hls_map *m, int with_urls, struct hls_map *out)
{
	size_t i, n = m->n;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->parts = calloc(n ? n : 1, sizeof(*out->parts));
	if (with_urls)
		out->urls = calloc(1, sizeof(*out->urls) + n * sizeof(char *));
	if (!out->parts || (with_urls && !out->urls)) {
		map_release(out);
		return -ENOMEM;
	}
	out->n = n;
	out->size = m->size;
	for (i = 0; !rc && i < n; i++) {
		out->parts[i] = m->parts[i];
		out->parts[i].etag = NULL;
		if (m->parts[i].etag && !(out->parts[i].etag = strdup(m->parts[i].etag)))
			rc = -ENOMEM;
	}
	if (with_urls) {
		out->urls->n = n;
		out->urls->fetched = m->urls->fetched;
		for (i = 0; !rc && i < n; i++)
			if (!(out->urls->url[i] = strdup(m->urls->url[i])))
				rc = -ENOMEM;
	}
	if (rc)
		map_release(out);
	return rc;
}

int source_hls_maps_new(unsigned max, struct source_hls_maps **out)
{
	struct source_hls_maps *maps = calloc(1, sizeof(*maps));

	if (!maps)
		return -ENOMEM;
	pthread_mutex_init(&maps->lock, NULL);
	maps->max = max ? max : SOURCE_HLS_MAPS_DEFAULT;
	*out = maps;
	return 0;
}

void source_hls_maps_free(struct source_hls_maps *maps)
{
	struct hls_recent *r;

	if (!maps)
		return;
	while ((r = maps->head)) {
		maps->head = r->next;
		recent_free(r);
	}
	pthread_mutex_destroy(&maps->lock);
	free(maps);
}

/* Unlink and return the entry of urn, or NULL.  Locked. */
static struct hls_recent *recent_take_locked(struct source_hls_maps *maps,
					     const char *urn)
{
	struct hls_recent **pp, *r;

	for (pp = &maps->head; (r = *pp); pp = &r->next) {
		if (!strcmp(r->urn, urn)) {
			*pp = r->next;
			maps->n--;
			return r;
		}
	}
	return NULL;
}

/* Remember a copy of m as urn's map; a failure only costs HEADs later. */
static void maps_put(struct source_hls_maps *maps, const char *urn,
		     const struct hls_map *m)
{
	struct hls_recent *r = calloc(1, sizeof(*r)), *old, **pp;

	if (!maps || !r || !(r->urn = strdup(urn)) || map_copy(m, 1, &r->map)) {
		if (r)
			free(r->urn);
		free(r);
		return;
	}
	pthread_mutex_lock(&maps->lock);
	old = recent_take_locked(maps, urn);	/* replaced */
	r->next = maps->head;
	maps->head = r;
	if (++maps->n > maps->max && !old) {
		for (pp = &maps->head; (*pp)->next; pp = &(*pp)->next)
			;
		old = *pp;	/* the oldest goes */
		*pp = NULL;
		maps->n--;
	}
	pthread_mutex_unlock(&maps->lock);
	recent_free(old);
}

/* A copy of urn's map if it is of this size, with its URLs while they
 * are fresh (else out->urls is NULL).  0, or -ENOENT. */
static int maps_get(struct source_hls_maps *maps, const char *urn,
		    int64_t size, struct hls_map *out)
{
	struct hls_recent *r;
	int rc = -ENOENT;

	if (!maps)
		return rc;
	pthread_mutex_lock(&maps->lock);
	for (r = maps->head; r && strcmp(r->urn, urn); r = r->next)
		;
	if (r && r->map.size == size)
		rc = map_copy(&r->map, time(NULL) - r->map.urls->fetched <=
				       HLS_URL_MAX_AGE_S, out);
	pthread_mutex_unlock(&maps->lock);
	return rc;
}

/* The map an open needs: remembered (no HEAD), else built and remembered. */
static int map_open(struct sc_api *api, struct source_hls_maps *maps,
		    const char *urn, int64_t size, struct hls_map *m)
{
	int rc = size >= 0 ? maps_get(maps, urn, size, m) : -ENOENT;

	/* Old URLs: one playlist fetch renews them, if it still describes
	 * the remembered parts (else map afresh). */
	if (!rc && !m->urls) {
		rc = playlist_urls(api, urn, m->parts, m->n, &m->urls);
		if (rc)
			map_release(m);
	}
	if (!rc)
		return 0;
	rc = map_build(api, urn, m);
	if (!rc)
		maps_put(maps, urn, m);
	return rc;
}

/* ---- reads -------------------------------------------------------------- */

/* What is left to read of one part. */
struct hls_span {
	size_t part;
	int64_t at;		/* next byte within the part */
	size_t left;
	char *dest;
};

enum { SPAN_DONE, SPAN_RETRY, SPAN_REFUSED };

/* The index of the part holding byte off (< the file's size). */
static size_t part_at(const struct source_hls *s, int64_t off)
{
	size_t lo = 0, hi = s->n_parts, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (s->parts[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Take what one GET brought.  Returns SPAN_DONE, SPAN_RETRY,
 * SPAN_REFUSED (renew the URLs) or a negative errno. */
static int span_result(const struct hls_part *part, struct hls_span *sp,
		       int rc, const struct http_response *resp, int *progress)
{
	long st = resp->status;

	if (st == 200 || st == 206) {
		if (part->etag && resp->etag && strcmp(part->etag, resp->etag))
			return -ESTALE;
		if (part->range_off < 0 && resp->total_size >= 0 &&
		    resp->total_size != part->size)
			return -ESTALE;
		sp->at += (int64_t)resp->dest_written;
		sp->dest += resp->dest_written;
		sp->left -= resp->dest_written;
		*progress |= resp->dest_written > 0;
	}
	if (!sp->left)
		return SPAN_DONE;
	if (rc)
		return http_is_retryable(rc, 0) ? SPAN_RETRY : rc;
	if (st == 403 || st == 410)
		return SPAN_REFUSED;
	if (st == 416)
		return -ESTALE;	/* shorter than the map says */
	if (st == 200 || st == 206 || http_is_retryable(0, st))
		return SPAN_RETRY;
	return http_status_to_errno(st) ?: -EIO;
}

static void span_request(const struct source_hls *s, const struct hls_urls *u,
			 const struct hls_span *sp, struct http_request *req)
{
	const struct hls_part *p = &s->parts[sp->part];
	int64_t base = p->range_off < 0 ? 0 : p->range_off;

	http_request_init(req, "GET", u->url[sp->part]);
	req->range_start = base + sp->at;
	req->range_end = base + sp->at + (int64_t)sp->left - 1;
	req->dest = sp->dest;
	req->dest_len = sp->left;
}

/* One GET per unfinished span, in parallel; finished spans are dropped
 * from sp.  Returns the worst verdict (an errno beats SPAN_REFUSED beats
 * SPAN_RETRY). */
static int get_round(struct source_hls *s, const struct hls_urls *u,
		     struct hls_span *sp, size_t *n, int *progress)
{
	size_t i, kept = 0, count = *n;
	struct http_request *reqs = calloc(count, sizeof(*reqs));
	struct http_response *resps = calloc(count, sizeof(*resps));
	int *rcs = calloc(count, sizeof(*rcs)), verdict = SPAN_DONE, r, rc = 0;

	if (!reqs || !resps || !rcs)
		rc = -ENOMEM;
	for (i = 0; !rc && i < count; i++)
		span_request(s, u, &sp[i], &reqs[i]);
	if (!rc)
		rc = http_perform_many(sc_api_http(s->api), reqs, count,
				       HLS_PARALLEL, resps, rcs);
	for (i = 0; !rc && i < count; i++) {
		r = span_result(&s->parts[sp[i].part], &sp[i], rcs[i],
				&resps[i], progress);
		if (r < 0)
			rc = r;
		else if (r > verdict)
			verdict = r;
	}
	for (i = 0; !rc && i < count; i++)
		if (sp[i].left)
			sp[kept++] = sp[i];
	if (!rc)
		*n = kept;
	for (i = 0; resps && i < count; i++)
		http_response_release(&resps[i]);
	free(reqs);
	free(resps);
	free(rcs);
	return rc ? rc : verdict;
}

static unsigned next_backoff(struct source_hls *s, unsigned attempt)
{
	unsigned ms;

	pthread_mutex_lock(&s->lock);
	ms = backoff(attempt, &s->seed);
	pthread_mutex_unlock(&s->lock);
	return ms;
}

/* Rounds of parallel GETs until every span is read.  A round that brings
 * bytes starts the count of failed attempts afresh: only a stuck read
 * gives up. */
static int read_spans(struct source_hls *s, struct hls_span *sp, size_t n,
		      int64_t off)
{
	unsigned attempt = 0, refused_gen = 0;
	int refused = 0, progress, rc;
	struct hls_urls *u;

	for (;;) {
		rc = urls_get(s, refused, refused_gen, &u);
		if (rc)
			return rc;
		progress = 0;
		rc = get_round(s, u, sp, &n, &progress);
		refused = rc == SPAN_REFUSED;
		refused_gen = u->gen;
		urls_put(s, u);
		if (rc <= 0)
			return rc;
		attempt = progress ? 0 : attempt + 1;
		if (attempt >= HLS_MAX_ATTEMPTS) {
			log_err("giving up reading '%s' (HLS) at offset %lld",
				s->urn, (long long)off);
			return -EIO;
		}
		if (!refused && http_sleep_ms(sc_api_http(s->api),
					      next_backoff(s, attempt), 0))
			return -ECANCELED;
	}
}

static ssize_t hls_read(struct source *src, void *buf, size_t len,
			int64_t off)
{
	struct source_hls *s = (struct source_hls *)src;
	struct hls_span *sp;
	size_t n = 0, i, first;
	int64_t pos, end;
	int rc;

	if (off < 0)
		return -EINVAL;
	if (off >= src->size || !len)
		return 0;
	if ((int64_t)len > src->size - off)
		len = (size_t)(src->size - off);
	end = off + (int64_t)len;
	first = part_at(s, off);
	for (i = first; i < s->n_parts && s->parts[i].off < end; i++)
		n++;
	sp = calloc(n, sizeof(*sp));
	if (!sp)
		return -ENOMEM;
	for (i = 0, n = 0, pos = off; pos < end; i++) {
		const struct hls_part *p = &s->parts[first + i];
		int64_t stop = p->off + p->size < end ? p->off + p->size : end;

		if (stop <= pos)
			continue;	/* an empty part */
		sp[n++] = (struct hls_span){ first + i, pos - p->off,
			(size_t)(stop - pos), (char *)buf + (pos - off) };
		pos = stop;
	}
	rc = read_spans(s, sp, n, off);
	free(sp);
	return rc ? rc : (ssize_t)len;
}

static void hls_free(struct source *src)
{
	struct source_hls *s = (struct source_hls *)src;
	size_t i;

	for (i = 0; i < s->n_parts; i++)
		free(s->parts[i].etag);
	free(s->parts);
	urls_free(s->urls);
	free(s->urn);
	free(src->content_type);
	free(src->name);
	pthread_cond_destroy(&s->renewed);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static const struct source_ops source_hls_ops = {
	.read = hls_read,
	.free = hls_free,
};

int source_hls_probe(struct sc_api *api, struct source_hls_maps *maps,
		     const char *track_urn, int64_t *size)
{
	struct hls_map m;
	int rc = map_build(api, track_urn, &m);

	if (rc)
		return rc;
	*size = m.size;
	maps_put(maps, track_urn, &m);
	map_release(&m);
	return 0;
}

int source_hls_new(struct sc_api *api, struct source_hls_maps *maps,
		   const char *track_urn, int64_t size, const char *name,
		   struct source **out)
{
	struct source_hls *s = calloc(1, sizeof(*s));
	struct hls_map m;
	int rc;

	if (!s)
		return -ENOMEM;
	s->base.ops = &source_hls_ops;
	s->api = api;
	s->seed = (unsigned)time(NULL);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->renewed, NULL);
	s->urn = strdup(track_urn);
	s->base.name = strdup(name);
	s->base.content_type = strdup("audio/mp4");
	rc = s->urn && s->base.name && s->base.content_type ? 0 : -ENOMEM;
	if (!rc)
		rc = map_open(api, maps, track_urn, size, &m);
	if (!rc) {
		s->parts = m.parts;
		s->n_parts = m.n;
		s->urls = m.urls;
		s->urls->refs = 1;
		s->base.size = m.size;
		if (size >= 0 && size != m.size) {
			log_warn("the HLS rendition of '%s' is %lld bytes, not %lld as listed",
				 track_urn, (long long)m.size, (long long)size);
			rc = -ESTALE;
		}
	}
	if (rc) {
		hls_free(&s->base);
		return rc;
	}
	*out = &s->base;
	return 0;
}
