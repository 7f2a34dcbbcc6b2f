// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * catalog: users and their directories' snapshots, lookups on them, and
 * the refresh policy.  A directory's snapshot is loaded by the first
 * thread that needs it (others wait on cond); once it is older than ttl,
 * the next use starts one background refresh and goes on with the old
 * snapshot, which the refresh replaces under lock when it is done.  Old
 * snapshots live until their last node is released.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_i.h"
#include "log.h"
#include "parallel.h"
#include "sc_api.h"
#include "source_hls.h"
#include "source_original.h"

/* A failed listing is not tried again for each of the several calls one
 * `ls` makes (lookup, getattr, opendir, readdir): each attempt may spend
 * minutes in sc_api's retries and would log the same line again. */
#define CATALOG_ERROR_HOLD_S 2

static const char *const dir_names[CATALOG_N_DIRS] = {
	[CATALOG_DIR_LIKES] = "likes",
	[CATALOG_DIR_PLAYLISTS] = "playlists",
	[CATALOG_DIR_TRACKS] = "tracks",
};

static const enum catalog_kind dir_kinds[CATALOG_N_DIRS] = {
	[CATALOG_DIR_LIKES] = CATALOG_LIKES,
	[CATALOG_DIR_PLAYLISTS] = CATALOG_PLAYLISTS,
	[CATALOG_DIR_TRACKS] = CATALOG_TRACKS,
};

time_t catalog_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

time_t catalog_track_mtime(const struct sc_track *t)
{
	return t->last_modified ? t->last_modified : t->created_at;
}

static int cmp_user(const void *a, const void *b)
{
	return strcmp(((const struct catalog_user *)a)->user.permalink,
		      ((const struct catalog_user *)b)->user.permalink);
}

/* The user of a user token, shown under its own permalink. */
static int load_me(struct catalog *cat, struct catalog_user *u)
{
	int rc = sc_api_me(cat->api, &u->user);

	if (rc)
		log_err("cannot learn who owns the access token: %s", strerror(-rc));
	if (!rc && !u->user.permalink) {
		log_err("the token owner has no permalink");
		rc = -EBADMSG;
	}
	u->me = !rc;
	return rc;
}

/* Whether a user is the token's owner, whose listings come from /me
 * (private tracks included).  Costs one request, only with a user token. */
static int is_me(struct catalog *cat, const struct sc_user *u, int *me)
{
	struct sc_user owner;
	int rc;

	*me = 0;
	if (!sc_api_has_user_token(cat->api))
		return 0;
	rc = sc_api_me(cat->api, &owner);
	if (rc == -EACCES || rc == -ENOENT)
		return 0;	/* an app's token after all */
	if (!rc)
		*me = owner.id == u->id;
	sc_user_release(&owner);
	return rc;
}

static int load_user(struct catalog *cat, const char *permalink,
		     struct catalog_user *u)
{
	int rc = sc_api_resolve_user(cat->api, permalink, &u->user);

	if (rc == -ENOENT)
		log_err("unknown SoundCloud user '%s'", permalink);
	if (rc)
		return rc;
	/* The directory carries the name the user asked for. */
	free(u->user.permalink);
	u->user.permalink = strdup(permalink);
	if (!u->user.permalink)
		return -ENOMEM;
	return is_me(cat, &u->user, &u->me);
}

static int load_users(struct catalog *cat, const struct catalog_conf *conf)
{
	size_t i, n = conf->n_users ? conf->n_users : 1;
	int rc = 0;

	cat->users = calloc(n, sizeof(*cat->users));
	if (!cat->users)
		return -ENOMEM;
	if (!conf->n_users) {
		cat->n_users = 1;
		return load_me(cat, &cat->users[0]);
	}
	for (i = 0; !rc && i < conf->n_users; i++) {
		cat->n_users++;
		rc = load_user(cat, conf->users[i], &cat->users[i]);
	}
	return rc;
}

int catalog_new(const struct catalog_conf *conf, struct sc_api *api,
		struct catalog **out)
{
	struct catalog *cat = calloc(1, sizeof(*cat));
	int rc;

	if (!cat)
		return -ENOMEM;
	cat->api = api;
	cat->ttl = conf->ttl;
	cat->probes = conf->probe_concurrency ? conf->probe_concurrency :
		      CATALOG_PROBES_DEFAULT;
	if (cat->probes > CATALOG_PROBES_MAX)
		cat->probes = CATALOG_PROBES_MAX;
	cat->started = time(NULL);
	pthread_mutex_init(&cat->lock, NULL);
	pthread_cond_init(&cat->cond, NULL);
	rc = meta_cache_open(conf->cache_dir, sc_api_url(api), &cat->meta);
	if (!rc)
		rc = source_hls_maps_new(0, &cat->hls_maps);
	if (!rc)
		rc = load_users(cat, conf);
	if (rc) {
		catalog_free(cat);
		return rc;
	}
	qsort(cat->users, cat->n_users, sizeof(*cat->users), cmp_user);
	*out = cat;
	return 0;
}

static void listing_unref(struct catalog_listing *l)
{
	if (l && atomic_fetch_sub(&l->refs, 1) == 1)
		catalog_listing_free(l);
}

void catalog_free(struct catalog *cat)
{
	size_t i, j;

	if (!cat)
		return;
	atomic_store(&cat->stopping, 1);
	pthread_mutex_lock(&cat->lock);
	while (cat->refreshers)
		pthread_cond_wait(&cat->cond, &cat->lock);
	pthread_mutex_unlock(&cat->lock);
	for (i = 0; i < cat->n_users; i++) {
		for (j = 0; j < CATALOG_N_DIRS; j++)
			listing_unref(cat->users[i].dirs[j].cur);
		sc_user_release(&cat->users[i].user);
	}
	free(cat->users);
	meta_cache_free(cat->meta);
	source_hls_maps_free(cat->hls_maps);
	pthread_cond_destroy(&cat->cond);
	pthread_mutex_destroy(&cat->lock);
	free(cat);
}

void catalog_node_release(struct catalog_node *node)
{
	listing_unref(node->ref);
	node->ref = NULL;
}

struct refresh_job {
	struct catalog *cat;
	struct catalog_user *user;
	enum catalog_dir_index which;
};

/* Swap a refreshed snapshot in (or note the failure).  Called with lock
 * held; returns the snapshot to unref after unlocking. */
static struct catalog_listing *install(struct catalog *cat,
				       struct catalog_dir *d, int rc,
				       struct catalog_listing *fresh)
{
	struct catalog_listing *old = NULL;

	d->loading = 0;
	d->error = rc;
	if (rc) {
		d->retry_at = catalog_now() + CATALOG_ERROR_HOLD_S;
	} else {
		old = d->cur;
		d->cur = fresh;
	}
	pthread_cond_broadcast(&cat->cond);
	return old;
}

/* Whether two records of a path read the same bytes. */
static int same_bytes(const struct catalog_file *a, const struct catalog_file *b)
{
	return a->size == b->size && a->source == b->source &&
	       a->t.last_modified == b->t.last_modified &&
	       !strcmp(a->t.urn, b->t.urn) &&
	       !strcmp(a->etag ? a->etag : "", b->etag ? b->etag : "");
}

/* Report the files of old (sorted by name) that cur (sorted) lacks or
 * reads differently. */
static void report_files(struct catalog *cat, const char *dir,
			 const struct catalog_file *old, size_t n_old,
			 const struct catalog_file *cur, size_t n_cur)
{
	char path[CATALOG_PATH_MAX];
	size_t i, j = 0;

	for (i = 0; i < n_old; i++) {
		while (j < n_cur && strcmp(cur[j].name, old[i].name) < 0)
			j++;
		if (j < n_cur && !strcmp(cur[j].name, old[i].name) &&
		    same_bytes(&old[i], &cur[j]))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, old[i].name) <
		    (int)sizeof(path))
			cat->on_change(cat->on_change_arg, path);
	}
}

/* Called with lock held, after fresh replaced old. */
static void report_changes(struct catalog *cat, const struct catalog_user *u,
			   enum catalog_dir_index which,
			   const struct catalog_listing *old,
			   const struct catalog_listing *fresh)
{
	char dir[CATALOG_PATH_MAX];
	size_t i, j = 0;

	if (!cat->on_change || !old || !fresh)
		return;
	snprintf(dir, sizeof(dir), "/%s/%s", u->user.permalink,
		 dir_names[which]);
	report_files(cat, dir, old->files, old->n_files, fresh->files,
		     fresh->n_files);
	for (i = 0; i < old->n_playlists; i++) {
		const struct catalog_playlist *p = &old->playlists[i];
		const struct catalog_playlist *q = NULL;
		char sub[CATALOG_PATH_MAX];

		while (j < fresh->n_playlists &&
		       strcmp(fresh->playlists[j].name, p->name) < 0)
			j++;
		if (j < fresh->n_playlists &&
		    !strcmp(fresh->playlists[j].name, p->name))
			q = &fresh->playlists[j];
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, p->name) <
		    (int)sizeof(sub))
			report_files(cat, sub, p->files, p->n_files,
				     q ? q->files : NULL, q ? q->n_files : 0);
	}
}

void catalog_set_change_hook(struct catalog *cat,
			     void (*fn)(void *arg, const char *path),
			     void *arg)
{
	pthread_mutex_lock(&cat->lock);
	cat->on_change = fn;
	cat->on_change_arg = arg;
	pthread_mutex_unlock(&cat->lock);
}

static void *refresh_main(void *arg)
{
	struct refresh_job *job = arg;
	struct catalog *cat = job->cat;
	struct catalog_dir *d = &job->user->dirs[job->which];
	struct catalog_listing *fresh = NULL, *old;
	int rc = catalog_load(cat, job->user, job->which, &fresh);

	if (rc && rc != -ECANCELED)
		log_warn("keeping the listing of '%s/%s': cannot refresh it: %s",
			 job->user->user.permalink, dir_names[job->which],
			 strerror(-rc));
	pthread_mutex_lock(&cat->lock);
	old = install(cat, d, rc, fresh);
	if (!rc)
		report_changes(cat, job->user, job->which, old, fresh);
	cat->refreshers--;
	pthread_cond_broadcast(&cat->cond);
	pthread_mutex_unlock(&cat->lock);
	listing_unref(old);
	free(job);
	return NULL;
}

/* Start a background refresh of d.  Called with lock held.  A refresh
 * that cannot start is tried again at a later use. */
static void start_refresh(struct catalog *cat, struct catalog_user *u,
			  enum catalog_dir_index which)
{
	struct refresh_job *job = malloc(sizeof(*job));
	pthread_t t;

	if (!job)
		return;
	*job = (struct refresh_job){ cat, u, which };
	if (parallel_thread_start(&t, refresh_main, job)) {
		free(job);
		return;
	}
	/* Nobody joins it: catalog_free waits for refreshers to reach 0. */
	pthread_detach(t);
	u->dirs[which].loading = 1;
	cat->refreshers++;
}

/* The first listing of d, loaded by this thread.  Called with lock held;
 * drops it while loading. */
static int first_load(struct catalog *cat, struct catalog_user *u,
		      enum catalog_dir_index which)
{
	struct catalog_dir *d = &u->dirs[which];
	struct catalog_listing *fresh = NULL;
	int rc;

	d->loading = 1;
	pthread_mutex_unlock(&cat->lock);
	rc = catalog_load(cat, u, which, &fresh);
	pthread_mutex_lock(&cat->lock);
	install(cat, d, rc, fresh);
	return rc;
}

/* A reference on the current snapshot of a user's directory, loading it
 * if there is none and starting a refresh if it is stale. */
static int get_listing(struct catalog *cat, struct catalog_user *u,
		       enum catalog_dir_index which,
		       struct catalog_listing **out)
{
	struct catalog_dir *d = &u->dirs[which];
	int rc = 0;

	pthread_mutex_lock(&cat->lock);
	while (!d->cur && !rc) {
		if (d->loading)
			pthread_cond_wait(&cat->cond, &cat->lock);
		else if (d->error && catalog_now() < d->retry_at)
			rc = d->error;
		else
			rc = first_load(cat, u, which);
	}
	if (d->cur && !d->loading && !atomic_load(&cat->stopping) &&
	    catalog_now() - d->cur->fetched >= (time_t)cat->ttl &&
	    catalog_now() >= d->retry_at)
		start_refresh(cat, u, which);
	if (d->cur) {
		rc = 0;
		atomic_fetch_add(&d->cur->refs, 1);
		*out = d->cur;
	}
	pthread_mutex_unlock(&cat->lock);
	return rc == -ENOMEM ? rc : rc ? -EIO : 0;
}

static struct catalog_user *find_user(struct catalog *cat, const char *name,
				      size_t len)
{
	size_t i;

	for (i = 0; i < cat->n_users; i++)
		if (strlen(cat->users[i].user.permalink) == len &&
		    !strncmp(cat->users[i].user.permalink, name, len))
			return &cat->users[i];
	return NULL;
}

static int find_dir(const char *name, size_t len)
{
	int i;

	for (i = 0; i < CATALOG_N_DIRS; i++)
		if (strlen(dir_names[i]) == len && !strncmp(dir_names[i], name, len))
			return i;
	return -1;
}

static int cmp_file_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct catalog_file *)elem)->name);
}

static int cmp_playlist_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct catalog_playlist *)elem)->name);
}

static void dir_node(const struct catalog *cat, enum catalog_kind kind,
		     const struct catalog_user *u, struct catalog_node *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->user = u;
	out->size = -1;
	out->mtime = cat->started;
}

static void file_node(const struct catalog_user *u,
		      const struct catalog_file *f, struct catalog_node *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = CATALOG_FILE;
	out->user = u;
	out->file = f;
	out->size = f->size;
	out->mtime = catalog_track_mtime(&f->t);
}

static void playlist_node(const struct catalog_user *u,
			  const struct catalog_playlist *p,
			  struct catalog_node *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = CATALOG_PLAYLIST;
	out->user = u;
	out->playlist = p;
	out->size = -1;
	out->mtime = p->mtime;
}

/* The path's components below the root: at most four ("u", "tracks",
 * "x") or ("u", "playlists", "p", "x").  Returns how many, or -ENOENT. */
static int split(const char *path, const char *c[4], size_t len[4])
{
	int n = 0;

	for (;;) {
		while (*path == '/')
			path++;
		if (!*path)
			return n;
		if (n == 4)
			return -ENOENT;
		c[n] = path;
		len[n] = strcspn(path, "/");
		if (len[n] > NAMES_MAX)
			return -ENOENT;
		path += len[n++];
	}
}

/* Find component name (of len bytes) among a snapshot's entries. */
static int lookup_in(const struct catalog_listing *l,
		     const struct catalog_playlist *p, const struct catalog_user *u,
		     const char *name, size_t len, struct catalog_node *out)
{
	char key[NAMES_MAX + 1];
	const struct catalog_file *f;
	const struct catalog_playlist *pl;

	memcpy(key, name, len);
	key[len] = '\0';
	if (!p && l->kind == CATALOG_PLAYLISTS) {
		pl = !l->n_playlists ? NULL :
		     bsearch(key, l->playlists, l->n_playlists, sizeof(*pl),
			     cmp_playlist_name);
		if (!pl)
			return -ENOENT;
		playlist_node(u, pl, out);
		return 0;
	}
	/* An empty array may be NULL, which bsearch must not get. */
	f = p ? (p->n_files ? bsearch(key, p->files, p->n_files, sizeof(*f),
				      cmp_file_name) : NULL) :
	    (l->n_files ? bsearch(key, l->files, l->n_files, sizeof(*f),
				  cmp_file_name) : NULL);
	if (!f)
		return -ENOENT;
	file_node(u, f, out);
	return 0;
}

/* Below a user's directory: components 2 and 3 of the path. */
static int lookup_below(struct catalog *cat, struct catalog_user *u,
			struct catalog_listing *l, int n, const char *c[4],
			size_t len[4], struct catalog_node *out)
{
	int rc = 0;

	if (n == 2) {
		dir_node(cat, l->kind, u, out);
	} else {
		rc = lookup_in(l, NULL, u, c[2], len[2], out);
		if (!rc && n == 4 && out->kind == CATALOG_PLAYLIST)
			rc = lookup_in(l, out->playlist, u, c[3], len[3], out);
		else if (!rc && n == 4)
			rc = -ENOTDIR;
	}
	out->ref = rc ? NULL : l;
	return rc;
}

int catalog_lookup(struct catalog *cat, const char *path,
		   struct catalog_node *out)
{
	struct catalog_listing *l = NULL;
	struct catalog_user *u;
	const char *c[4];
	size_t len[4];
	int n = split(path, c, len), which, rc;

	if (n <= 0) {
		if (!n)
			dir_node(cat, CATALOG_ROOT, NULL, out);
		return n;
	}
	u = find_user(cat, c[0], len[0]);
	if (!u)
		return -ENOENT;
	if (n == 1) {
		dir_node(cat, CATALOG_USER, u, out);
		return 0;
	}
	which = find_dir(c[1], len[1]);
	if (which < 0)
		return -ENOENT;
	rc = get_listing(cat, u, which, &l);
	if (rc)
		return rc;
	rc = lookup_below(cat, u, l, n, c, len, out);
	if (rc)
		listing_unref(l);
	return rc;
}

static int list_files(const struct catalog_user *u,
		      const struct catalog_file *files, size_t n,
		      int (*fn)(void *, const char *, const struct catalog_node *),
		      void *arg)
{
	struct catalog_node child;
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < n; i++) {
		file_node(u, &files[i], &child);
		rc = fn(arg, files[i].name, &child);
	}
	return rc;
}

static int list_listing(const struct catalog_node *dir,
			int (*fn)(void *, const char *, const struct catalog_node *),
			void *arg)
{
	const struct catalog_listing *l = dir->ref;
	struct catalog_node child;
	size_t i;
	int rc = 0;

	if (dir->kind == CATALOG_PLAYLIST)
		return list_files(dir->user, dir->playlist->files,
				  dir->playlist->n_files, fn, arg);
	if (dir->kind != CATALOG_PLAYLISTS)
		return list_files(dir->user, l->files, l->n_files, fn, arg);
	for (i = 0; !rc && i < l->n_playlists; i++) {
		playlist_node(dir->user, &l->playlists[i], &child);
		rc = fn(arg, l->playlists[i].name, &child);
	}
	return rc;
}

int catalog_list(struct catalog *cat, const struct catalog_node *dir,
		 int (*fn)(void *arg, const char *name,
			   const struct catalog_node *child),
		 void *arg)
{
	struct catalog_node child;
	size_t i;
	int rc = 0;

	switch (dir->kind) {
	case CATALOG_ROOT:
		for (i = 0; !rc && i < cat->n_users; i++) {
			dir_node(cat, CATALOG_USER, &cat->users[i], &child);
			rc = fn(arg, cat->users[i].user.permalink, &child);
		}
		return rc;
	case CATALOG_USER:
		for (i = 0; !rc && i < CATALOG_N_DIRS; i++) {
			dir_node(cat, dir_kinds[i], dir->user, &child);
			rc = fn(arg, dir_names[i], &child);
		}
		return rc;
	case CATALOG_FILE:
		return -ENOTDIR;
	default:
		return list_listing(dir, fn, arg);
	}
}

int catalog_open(struct catalog *cat, const struct catalog_node *file,
		 struct source **out)
{
	const struct catalog_file *f = file->file;

	if (file->kind != CATALOG_FILE)
		return -EISDIR;
	if (f->source == META_HLS)
		return source_hls_new(cat->api, cat->hls_maps, f->t.urn, f->size,
				      f->name, out);
	return source_original_new_at(cat->api, f->t.urn, f->size, f->etag,
				      f->name, f->url, f->url_time, out);
}

void catalog_version(const struct catalog_node *file, char *buf, size_t size)
{
	const struct catalog_file *f = file->file;

	if (file->kind != CATALOG_FILE || !f) {
		snprintf(buf, size, "-");
		return;
	}
	snprintf(buf, size, "%s %s %" PRId64 " %lld %s", f->t.urn,
		 f->source == META_HLS ? "hls" : "original", f->size,
		 (long long)f->t.last_modified, f->etag ? f->etag : "-");
}

/* The xattrs of a track, in listxattr order. */
static const char *const track_xattrs[] = {
	"user.sc.id", "user.sc.urn", "user.sc.title", "user.sc.permalink_url",
	"user.sc.duration_ms", "user.sc.created_at", "user.sc.source",
	"user.sc.json", NULL,
};

static int xattr_value(const struct catalog_file *f, const char *name,
		       char *tmp, size_t size, const char **value)
{
	const struct sc_track *s = &f->t;
	struct tm tm;

	*value = tmp;
	if (!strcmp(name, "user.sc.id"))
		snprintf(tmp, size, "%" PRId64, s->id);
	else if (!strcmp(name, "user.sc.urn"))
		*value = s->urn;
	else if (!strcmp(name, "user.sc.title"))
		*value = s->title ? s->title : "";
	else if (!strcmp(name, "user.sc.permalink_url"))
		*value = s->permalink_url ? s->permalink_url : "";
	else if (!strcmp(name, "user.sc.duration_ms"))
		snprintf(tmp, size, "%" PRId64, s->duration_ms);
	else if (!strcmp(name, "user.sc.created_at") && s->created_at &&
		 gmtime_r(&s->created_at, &tm))
		strftime(tmp, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else if (!strcmp(name, "user.sc.source"))
		*value = f->source == META_HLS ? "hls_aac_160" : "original";
	else if (!strcmp(name, "user.sc.json"))
		*value = s->json;
	else
		return -ENODATA;
	return 0;
}

static ssize_t copy_out(const char *value, size_t len, char *buf, size_t size)
{
	if (!size)
		return (ssize_t)len;
	if (len > size)
		return -ERANGE;
	memcpy(buf, value, len);
	return (ssize_t)len;
}

ssize_t catalog_getxattr(const struct catalog_node *node, const char *name,
			 char *buf, size_t size)
{
	const char *value;
	char tmp[64];
	int rc;

	if (node->kind != CATALOG_FILE)
		return -ENODATA;
	rc = xattr_value(node->file, name, tmp, sizeof(tmp), &value);
	if (rc)
		return rc;
	return copy_out(value, strlen(value), buf, size);
}

ssize_t catalog_listxattr(const struct catalog_node *node, char *buf,
			  size_t size)
{
	char names[512];
	size_t len = 0;
	const char *const *n;

	if (node->kind != CATALOG_FILE)
		return 0;
	for (n = track_xattrs; *n; n++) {
		memcpy(names + len, *n, strlen(*n) + 1);
		len += strlen(*n) + 1;
	}
	return copy_out(names, len, buf, size);
}

int catalog_copy_allowed(const struct catalog_node *node)
{
	return node->kind == CATALOG_FILE && node->file->source == META_ORIGINAL;
}
