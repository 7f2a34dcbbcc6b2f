// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * catalog_load: one directory's listing from the API.  Pages of tracks (or
 * playlists) are collected, unlistable tracks dropped, every track's
 * source, size and extension taken from the metadata cache or learned by
 * probes run in parallel, names made, and the result sorted into an
 * immutable snapshot.  Takes no catalog lock: only the result is shared.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_i.h"
#include "log.h"
#include "parallel.h"
#include "sc_api.h"
#include "source_hls.h"

struct file_vec {
	struct catalog_file *v;
	size_t n;
	size_t cap;
};

/* Where a track's bytes come from (INTERFACE.md): its original when it is
 * downloadable or ours, else its HLS stream when it has a full-length
 * one.  Preview-only, blocked and unstreamable tracks are not listed:
 * -1. */
/* qsort, but an empty array may be NULL, which qsort must not get. */
static void sort_items(void *base, size_t n, size_t size,
		       int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static int track_source(const struct sc_track *t)
{
	if (t->access && strcmp(t->access, "playable"))
		return -1;
	if (t->downloadable || t->has_download_url)
		return META_ORIGINAL;
	return t->streamable ? META_HLS : -1;
}

/* Take a listed track (ownership moves; *t is zeroed) at position pos. */
static int vec_push(struct file_vec *fv, struct sc_track *t, unsigned pos)
{
	struct catalog_file *grown, *f;
	int source = track_source(t);

	if (source < 0) {
		log_debug(LOG_SUB_CATALOG, "not listing %s: access %s", t->urn,
			  t->access ? t->access : "unstreamable");
		return 0;
	}
	if (fv->n == fv->cap) {
		fv->cap = fv->cap ? fv->cap * 2 : 64;
		grown = realloc(fv->v, fv->cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		fv->v = grown;
	}
	f = &fv->v[fv->n++];
	memset(f, 0, sizeof(*f));
	f->t = *t;
	memset(t, 0, sizeof(*t));
	f->source = (enum meta_source)source;
	f->size = -1;
	f->pos = pos;
	return 0;
}

static void file_release(struct catalog_file *f)
{
	sc_track_release(&f->t);
	free(f->etag);
	f->etag = NULL;
	free(f->url);
	f->url = NULL;
}

static void files_free(struct catalog_file *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		file_release(&files[i]);
	free(files);
}

void catalog_listing_free(struct catalog_listing *l)
{
	size_t i;

	if (!l)
		return;
	files_free(l->files, l->n_files);
	for (i = 0; i < l->n_playlists; i++) {
		files_free(l->playlists[i].files, l->playlists[i].n_files);
		sc_playlist_release(&l->playlists[i].p);
	}
	free(l->playlists);
	free(l);
}

struct collect {
	struct catalog *cat;
	struct file_vec files;
	unsigned pos;
};

static int collect_track(void *arg, struct sc_track *t)
{
	struct collect *c = arg;

	if (atomic_load(&c->cat->stopping))
		return -ECANCELED;
	return vec_push(&c->files, t, ++c->pos);
}

/* One track that needs its metadata, and what came of it. */
struct slot {
	struct catalog_file *f;
	enum meta_source asked;	/* the source the policy chose */
	int rc;			/* 0, or why the track cannot be listed */
	int cacheable;		/* the result is worth remembering */
};

struct probe_job {
	struct catalog *cat;
	struct slot **todo;	/* one per distinct URN */
};

static void probe_hls(struct catalog *cat, struct slot *s)
{
	int64_t size = -1;

	s->f->source = META_HLS;
	snprintf(s->f->ext, sizeof(s->f->ext), "m4a");
	s->rc = source_hls_probe(cat->api, cat->hls_maps, s->f->t.urn, &size);
	if (s->rc == -ENOTSUP) {
		/* No probe yet: listed with an unknown size (direct I/O),
		 * and asked again at the next listing. */
		s->rc = 0;
		return;
	}
	s->f->size = size;
	s->cacheable = !s->rc;
}

static void probe_one(void *arg, size_t i)
{
	struct probe_job *job = arg;
	struct slot *s = job->todo[i];
	struct sc_probe p;

	if (atomic_load(&job->cat->stopping)) {
		s->rc = -ECANCELED;
		return;
	}
	if (s->f->source == META_HLS) {
		probe_hls(job->cat, s);
		return;
	}
	s->rc = sc_api_probe_original(job->cat->api, s->f->t.urn, &p);
	if (s->rc == -ENOENT && s->f->t.streamable) {
		/* Said downloadable, but /download refuses: its stream is
		 * the next best full-length rendition. */
		probe_hls(job->cat, s);
		return;
	}
	if (s->rc)
		return;
	s->f->size = p.size;
	names_ext_for(p.content_type, p.disposition, s->f->ext);
	s->f->etag = p.etag;
	p.etag = NULL;
	s->f->url = p.url;
	s->f->url_time = p.url_time;
	p.url = NULL;
	s->cacheable = p.size >= 0;
	sc_probe_release(&p);
}

static int cmp_slot_urn(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	int c = strcmp(x->f->t.urn, y->f->t.urn);

	return c ? c : (x->f < y->f ? -1 : x->f > y->f);
}

/* Fill s from the cache: 1 on a hit. */
static int from_cache(struct catalog *cat, struct slot *s)
{
	struct meta_entry e;
	struct catalog_file *f = s->f;

	if (meta_cache_get(cat->meta, f->t.urn, catalog_track_mtime(&f->t),
			   s->asked, &e) != 1)
		return 0;
	f->source = e.source;
	f->size = e.size;
	snprintf(f->ext, sizeof(f->ext), "%s", e.ext);
	f->etag = e.etag;
	e.etag = NULL;
	meta_entry_release(&e);
	return 1;
}

static void remember(struct catalog *cat, const struct slot *s)
{
	const struct catalog_file *f = s->f;
	struct meta_entry e = {
		.urn = f->t.urn, .modified = catalog_track_mtime(&f->t),
		.asked = s->asked, .source = f->source, .size = f->size,
		.etag = f->etag,
	};

	snprintf(e.ext, sizeof(e.ext), "%s", f->ext);
	if (meta_cache_put(cat->meta, &e))
		log_debug(LOG_SUB_CATALOG, "not caching %s", f->t.urn);
}

/* Copy what the first slot of a run of one URN learned to another. */
static int copy_result(const struct slot *from, struct slot *to)
{
	to->rc = from->rc;
	to->f->source = from->f->source;
	to->f->size = from->f->size;
	memcpy(to->f->ext, from->f->ext, sizeof(to->f->ext));
	free(to->f->etag);
	to->f->etag = from->f->etag ? strdup(from->f->etag) : NULL;
	/* The URL is not copied: the first of the run has it, the others
	 * ask the API as they would without it. */
	return from->f->etag && !to->f->etag ? -ENOMEM : 0;
}

/* Learn source, size, extension and ETag of every slot: from the cache,
 * else by a probe (one per URN, several in flight).  Slots end with rc 0
 * or the reason their track cannot be listed. */
static int learn(struct catalog *cat, struct slot *slots, size_t n)
{
	struct probe_job job = { .cat = cat };
	size_t i, n_todo = 0;
	int rc = 0;

	sort_items(slots, n, sizeof(*slots), cmp_slot_urn);
	job.todo = calloc(n ? n : 1, sizeof(*job.todo));
	if (!job.todo)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (i && !strcmp(slots[i].f->t.urn, slots[i - 1].f->t.urn))
			continue;	/* one probe per URN */
		if (!from_cache(cat, &slots[i]))
			job.todo[n_todo++] = &slots[i];
	}
	if (n_todo)
		log_debug(LOG_SUB_CATALOG, "probing %zu tracks, %u at a time",
			  n_todo, cat->probes);
	parallel_for(n_todo, cat->probes, probe_one, &job);
	for (i = 0; i < n_todo; i++) {
		if (job.todo[i]->rc == -ECANCELED)
			rc = -ECANCELED;
		else if (!job.todo[i]->rc && job.todo[i]->cacheable)
			remember(cat, job.todo[i]);
	}
	free(job.todo);
	for (i = 1; !rc && i < n; i++)
		if (!strcmp(slots[i].f->t.urn, slots[i - 1].f->t.urn))
			rc = copy_result(&slots[i - 1], &slots[i]);
	if (n_todo && meta_cache_flush(cat->meta))
		log_debug(LOG_SUB_CATALOG, "cannot write the metadata cache");
	return rc;
}

/* Drop the tracks whose metadata could not be learned (until the next
 * listing: their names would change with their extension meanwhile). */
static void drop_failed(struct slot *slots, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!slots[i].rc)
			continue;
		log_warn("not listing '%s' (%s) for now: cannot learn its size: %s",
			 slots[i].f->t.title ? slots[i].f->t.title : "",
			 slots[i].f->t.urn, strerror(-slots[i].rc));
		file_release(slots[i].f);	/* urn NULL: compacted away */
	}
}

static size_t compact(struct catalog_file *files, size_t n)
{
	size_t i, kept = 0;

	for (i = 0; i < n; i++)
		if (files[i].t.urn)
			files[kept++] = files[i];
	return kept;
}

static int cmp_file_id(const void *a, const void *b)
{
	const struct catalog_file *x = a, *y = b;

	if (x->t.id != y->t.id)
		return x->t.id < y->t.id ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

static int cmp_file_name(const void *a, const void *b)
{
	return strcmp(((const struct catalog_file *)a)->name,
		      ((const struct catalog_file *)b)->name);
}

/* Name the files (width 0: "<title> [<id>].<ext>"; else playlist entries
 * "<NN> - ...") and sort them by name.  Outside playlists a track listed
 * twice (pages overlap when tracks are added during a listing) is one
 * file, so names are unique: each carries its track id, and in playlists
 * its position. */
static size_t finish_files(struct catalog_file *files, size_t n,
			   unsigned width)
{
	size_t i, kept = 0;

	n = compact(files, n);
	if (!width && n) {
		sort_items(files, n, sizeof(*files), cmp_file_id);
		for (i = 0; i < n; i++) {
			if (kept && files[kept - 1].t.id == files[i].t.id)
				file_release(&files[i]);
			else
				files[kept++] = files[i];
		}
		n = kept;
	}
	for (i = 0; i < n; i++) {
		if (width)
			names_playlist_entry(files[i].pos, width, files[i].t.title,
					     files[i].t.id, files[i].ext, files[i].name);
		else
			names_track_name(files[i].t.title, files[i].t.id,
					 files[i].ext, files[i].name);
	}
	sort_items(files, n, sizeof(*files), cmp_file_name);
	return n;
}

/* Slots for n files appended to *slots (grown); 0 or -ENOMEM. */
static int add_slots(struct slot **slots, size_t *n_slots,
		     struct catalog_file *files, size_t n)
{
	struct slot *grown = realloc(*slots, (*n_slots + n + 1) * sizeof(*grown));
	size_t i;

	if (!grown)
		return -ENOMEM;
	*slots = grown;
	for (i = 0; i < n; i++)
		grown[(*n_slots)++] = (struct slot){ .f = &files[i],
						     .asked = files[i].source };
	return 0;
}

static time_t newest(const struct catalog_file *files, size_t n, time_t t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (catalog_track_mtime(&files[i].t) > t)
			t = catalog_track_mtime(&files[i].t);
	return t;
}

static int load_tracks(struct catalog *cat, const char *path,
		       struct catalog_listing *l)
{
	struct collect c = { .cat = cat };
	struct slot *slots = NULL;
	size_t n_slots = 0;
	int rc = sc_api_list_tracks(cat->api, path, collect_track, &c);

	if (!rc)
		rc = add_slots(&slots, &n_slots, c.files.v, c.files.n);
	if (!rc)
		rc = learn(cat, slots, n_slots);
	if (!rc)
		drop_failed(slots, n_slots);
	free(slots);
	if (rc) {
		files_free(c.files.v, c.files.n);
		return rc;
	}
	l->files = c.files.v;
	l->n_files = finish_files(c.files.v, c.files.n, 0);
	l->mtime = newest(l->files, l->n_files, 0);
	return 0;
}

struct playlist_vec {
	struct catalog *cat;
	struct catalog_playlist *v;
	size_t n;
	size_t cap;
};

static int collect_playlist(void *arg, struct sc_playlist *p)
{
	struct playlist_vec *pv = arg;
	struct catalog_playlist *grown;

	if (atomic_load(&pv->cat->stopping))
		return -ECANCELED;
	if (pv->n == pv->cap) {
		pv->cap = pv->cap ? pv->cap * 2 : 16;
		grown = realloc(pv->v, pv->cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		pv->v = grown;
	}
	memset(&pv->v[pv->n], 0, sizeof(*pv->v));
	pv->v[pv->n++].p = *p;
	memset(p, 0, sizeof(*p));
	return 0;
}

static void playlists_free(struct catalog_playlist *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		files_free(v[i].files, v[i].n_files);
		sc_playlist_release(&v[i].p);
	}
	free(v);
}

/* A playlist's tracks, in order: the ones its object carried when it
 * carried them all, else its own listing.  *total counts every position,
 * listable or not, for the width of the numbers. */
static int playlist_tracks(struct catalog *cat, struct catalog_playlist *cp,
			   size_t *total)
{
	struct sc_playlist *p = &cp->p;
	struct collect c = { .cat = cat };
	char path[256];
	size_t i;
	int rc = 0;

	if (p->has_tracks && (p->track_count < 0 ||
			      p->n_tracks + p->skipped >= (size_t)p->track_count)) {
		for (i = 0; !rc && i < p->n_tracks; i++)
			rc = vec_push(&c.files, &p->tracks[i], (unsigned)i + 1);
		*total = p->n_tracks;
	} else {
		snprintf(path, sizeof(path), "/playlists/%s/tracks", p->urn);
		rc = sc_api_list_tracks(cat->api, path, collect_track, &c);
		*total = c.pos;
	}
	for (i = 0; i < p->n_tracks; i++)
		sc_track_release(&p->tracks[i]);
	free(p->tracks);
	p->tracks = NULL;
	p->n_tracks = 0;
	cp->files = c.files.v;
	cp->n_files = c.files.n;
	return rc;
}

static int cmp_playlist_id(const void *a, const void *b)
{
	const struct catalog_playlist *x = a, *y = b;

	return (x->p.id > y->p.id) - (x->p.id < y->p.id);
}

static int cmp_playlist_name(const void *a, const void *b)
{
	return strcmp(((const struct catalog_playlist *)a)->name,
		      ((const struct catalog_playlist *)b)->name);
}

/* Name, number and sort the playlists and their files; a playlist listed
 * twice is one directory. */
static size_t finish_playlists(struct catalog_playlist *v, size_t n,
			       const size_t *totals, time_t started)
{
	size_t i, kept = 0;
	struct catalog_playlist *p;

	for (i = 0; i < n; i++) {
		p = &v[i];
		p->n_files = finish_files(p->files, p->n_files,
					  names_position_width(totals[i]));
		names_playlist_dir(p->p.title, p->p.id, p->name);
		p->mtime = p->p.last_modified ? p->p.last_modified :
			   p->p.created_at ? p->p.created_at :
			   newest(p->files, p->n_files, started);
	}
	sort_items(v, n, sizeof(*v), cmp_playlist_id);
	for (i = 0; i < n; i++) {
		if (kept && v[kept - 1].p.id == v[i].p.id) {
			files_free(v[i].files, v[i].n_files);
			sc_playlist_release(&v[i].p);
		} else {
			v[kept++] = v[i];
		}
	}
	sort_items(v, kept, sizeof(*v), cmp_playlist_name);
	return kept;
}

static int load_playlists(struct catalog *cat, const char *path,
			  struct catalog_listing *l)
{
	struct playlist_vec pv = { .cat = cat };
	struct slot *slots = NULL;
	size_t n_slots = 0, *totals = NULL, i;
	int rc = sc_api_list_playlists(cat->api, path, collect_playlist, &pv);

	if (!rc && !(totals = calloc(pv.n + 1, sizeof(*totals))))
		rc = -ENOMEM;
	for (i = 0; !rc && i < pv.n; i++)
		rc = playlist_tracks(cat, &pv.v[i], &totals[i]);
	for (i = 0; !rc && i < pv.n; i++)
		rc = add_slots(&slots, &n_slots, pv.v[i].files, pv.v[i].n_files);
	if (!rc)
		rc = learn(cat, slots, n_slots);
	if (!rc)
		drop_failed(slots, n_slots);
	free(slots);
	if (!rc) {
		l->n_playlists = finish_playlists(pv.v, pv.n, totals, cat->started);
		l->playlists = pv.v;
		for (i = 0; i < l->n_playlists; i++)
			if (l->playlists[i].mtime > l->mtime)
				l->mtime = l->playlists[i].mtime;
	} else {
		playlists_free(pv.v, pv.n);
	}
	free(totals);
	return rc;
}

static void dir_path(const struct catalog_user *u,
		     enum catalog_dir_index which, char *out, size_t size)
{
	static const char *const tails[CATALOG_N_DIRS] = {
		[CATALOG_DIR_LIKES] = "likes/tracks",
		[CATALOG_DIR_PLAYLISTS] = "playlists",
		[CATALOG_DIR_TRACKS] = "tracks",
	};

	if (u->me)
		snprintf(out, size, "/me/%s", tails[which]);
	else
		snprintf(out, size, "/users/%s/%s", u->user.urn, tails[which]);
}

int catalog_load(struct catalog *cat, const struct catalog_user *u,
		 enum catalog_dir_index which, struct catalog_listing **out)
{
	struct catalog_listing *l = calloc(1, sizeof(*l));
	char path[512];
	int rc;

	if (!l)
		return -ENOMEM;
	dir_path(u, which, path, sizeof(path));
	if (which == CATALOG_DIR_PLAYLISTS) {
		l->kind = CATALOG_PLAYLISTS;
		rc = load_playlists(cat, path, l);
	} else {
		l->kind = which == CATALOG_DIR_LIKES ? CATALOG_LIKES : CATALOG_TRACKS;
		rc = load_tracks(cat, path, l);
	}
	if (rc) {
		/* sc_api logged the one line naming the URL. */
		catalog_listing_free(l);
		log_debug(LOG_SUB_CATALOG, "cannot list '%s' (%s): %s",
			  u->user.permalink, path, strerror(-rc));
		return rc;
	}
	l->fetched = catalog_now();
	atomic_init(&l->refs, 1);
	*out = l;
	log_info("listed '%s' (%s): %zu entries", u->user.permalink, path,
		 l->kind == CATALOG_PLAYLISTS ? l->n_playlists : l->n_files);
	return 0;
}
