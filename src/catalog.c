// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * catalog: builds the tree of users and tracks from the API and answers
 * lookups on it.  Owns every track record; hands out borrowed nodes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "log.h"
#include "names.h"
#include "sc_api.h"
#include "source_original.h"

#define CATALOG_TRACKS_DIR "tracks"

struct catalog_track {
	struct sc_track t;
	char name[NAMES_MAX + 1];
	char ext[16];
	int64_t size;
	char *etag;
};

struct catalog_user {
	struct sc_user user;
	struct catalog_track *tracks;	/* sorted by name */
	size_t n_tracks;
	size_t cap;
	time_t mtime;			/* newest track */
};

struct catalog {
	struct sc_api *api;
	struct catalog_user *users;	/* sorted by permalink */
	size_t n_users;
	time_t built;
};

static time_t track_mtime(const struct sc_track *t)
{
	return t->last_modified ? t->last_modified : t->created_at;
}

/* Whether a listed track becomes a file: playable originals only for now
 * (streams come with the HLS source). */
static int track_listable(const struct sc_track *t)
{
	if (t->access && strcmp(t->access, "playable"))
		return 0;
	return t->downloadable || t->has_download_url;
}

static int add_track(void *arg, struct sc_track *t)
{
	struct catalog_user *u = arg;
	struct catalog_track *grown;

	if (!track_listable(t)) {
		log_debug(LOG_SUB_CATALOG, "skipping %s: not a playable original", t->urn);
		return 0;
	}
	if (u->n_tracks == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 64;
		grown = realloc(u->tracks, u->cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		u->tracks = grown;
	}
	memset(&u->tracks[u->n_tracks], 0, sizeof(*u->tracks));
	u->tracks[u->n_tracks].t = *t;
	u->tracks[u->n_tracks].size = -1;
	memset(t, 0, sizeof(*t));	/* ownership moved */
	u->n_tracks++;
	return 0;
}

/* Size, extension and ETag of each original from a HEAD on the CDN. */
static int probe_tracks(struct catalog *cat, struct catalog_user *u)
{
	struct sc_probe p;
	size_t i;
	int rc;

	for (i = 0; i < u->n_tracks; i++) {
		struct catalog_track *ct = &u->tracks[i];

		rc = sc_api_probe_original(cat->api, ct->t.urn, &p);
		if (rc) {
			log_warn("cannot learn the size of '%s' (%s): %s",
				 ct->t.title ? ct->t.title : "", ct->t.urn, strerror(-rc));
			snprintf(ct->ext, sizeof(ct->ext), "bin");
		} else {
			ct->size = p.size;
			names_ext_for(p.content_type, p.disposition, ct->ext);
			ct->etag = p.etag;
			p.etag = NULL;
			sc_probe_release(&p);
		}
		names_track_name(ct->t.title, ct->t.id, ct->ext, ct->name);
		if (track_mtime(&ct->t) > u->mtime)
			u->mtime = track_mtime(&ct->t);
	}
	return 0;
}

static int cmp_track(const void *a, const void *b)
{
	return strcmp(((const struct catalog_track *)a)->name,
		      ((const struct catalog_track *)b)->name);
}

static int cmp_user(const void *a, const void *b)
{
	return strcmp(((const struct catalog_user *)a)->user.permalink,
		      ((const struct catalog_user *)b)->user.permalink);
}

static int load_user(struct catalog *cat, const char *permalink,
		     struct catalog_user *u)
{
	char path[512];
	int rc;

	rc = sc_api_resolve_user(cat->api, permalink, &u->user);
	if (rc == -ENOENT)
		log_err("unknown SoundCloud user '%s'", permalink);
	if (rc)
		return rc;
	/* The directory carries the name the user asked for. */
	free(u->user.permalink);
	u->user.permalink = strdup(permalink);
	if (!u->user.permalink)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/users/%s/tracks", u->user.urn);
	rc = sc_api_list_tracks(cat->api, path, add_track, u);
	if (!rc)
		rc = probe_tracks(cat, u);
	if (!rc)
		qsort(u->tracks, u->n_tracks, sizeof(*u->tracks), cmp_track);
	log_info("user '%s': %zu tracks", permalink, u->n_tracks);
	return rc;
}

int catalog_new(const struct catalog_conf *conf, struct sc_api *api,
		struct catalog **out)
{
	struct catalog *cat = calloc(1, sizeof(*cat));
	size_t i;
	int rc = 0;

	if (!cat)
		return -ENOMEM;
	cat->api = api;
	cat->built = time(NULL);
	cat->users = calloc(conf->n_users ? conf->n_users : 1, sizeof(*cat->users));
	if (!cat->users)
		rc = -ENOMEM;
	for (i = 0; !rc && i < conf->n_users; i++) {
		rc = load_user(cat, conf->users[i], &cat->users[i]);
		cat->n_users++;
	}
	if (rc) {
		catalog_free(cat);
		return rc;
	}
	qsort(cat->users, cat->n_users, sizeof(*cat->users), cmp_user);
	*out = cat;
	return 0;
}

void catalog_free(struct catalog *cat)
{
	size_t i, j;

	if (!cat)
		return;
	for (i = 0; i < cat->n_users; i++) {
		for (j = 0; j < cat->users[i].n_tracks; j++) {
			sc_track_release(&cat->users[i].tracks[j].t);
			free(cat->users[i].tracks[j].etag);
		}
		free(cat->users[i].tracks);
		sc_user_release(&cat->users[i].user);
	}
	free(cat->users);
	free(cat);
}

static const struct catalog_user *find_user(const struct catalog *cat,
					    const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < cat->n_users; i++)
		if (strlen(cat->users[i].user.permalink) == len &&
		    !strncmp(cat->users[i].user.permalink, name, len))
			return &cat->users[i];
	return NULL;
}

static const struct catalog_track *find_track(const struct catalog_user *u,
					      const char *name)
{
	struct catalog_track key;

	if (strlen(name) > NAMES_MAX)
		return NULL;
	strcpy(key.name, name);
	return bsearch(&key, u->tracks, u->n_tracks, sizeof(*u->tracks), cmp_track);
}

static void dir_node(const struct catalog *cat, enum catalog_kind kind,
		     const struct catalog_user *u, struct catalog_node *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->user = u;
	out->size = -1;
	out->mtime = u && u->mtime ? u->mtime : cat->built;
}

static void file_node(const struct catalog_user *u,
		      const struct catalog_track *t, struct catalog_node *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = CATALOG_FILE;
	out->user = u;
	out->track = t;
	out->size = t->size;
	out->mtime = track_mtime(&t->t);
}

int catalog_lookup(const struct catalog *cat, const char *path,
		   struct catalog_node *out)
{
	const struct catalog_user *u;
	const struct catalog_track *t;
	const char *rest;
	size_t len;

	while (*path == '/')
		path++;
	if (!*path) {
		dir_node(cat, CATALOG_ROOT, NULL, out);
		return 0;
	}
	len = strcspn(path, "/");
	u = find_user(cat, path, len);
	if (!u)
		return -ENOENT;
	rest = path + len;
	while (*rest == '/')
		rest++;
	if (!*rest) {
		dir_node(cat, CATALOG_USER, u, out);
		return 0;
	}
	len = strcspn(rest, "/");
	if (len != strlen(CATALOG_TRACKS_DIR) || strncmp(rest, CATALOG_TRACKS_DIR, len))
		return -ENOENT;
	rest += len;
	while (*rest == '/')
		rest++;
	if (!*rest) {
		dir_node(cat, CATALOG_TRACKS, u, out);
		return 0;
	}
	if (strchr(rest, '/'))
		return -ENOENT;
	t = find_track(u, rest);
	if (!t)
		return -ENOENT;
	file_node(u, t, out);
	return 0;
}

int catalog_list(const struct catalog *cat, const struct catalog_node *dir,
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
		dir_node(cat, CATALOG_TRACKS, dir->user, &child);
		return fn(arg, CATALOG_TRACKS_DIR, &child);
	case CATALOG_TRACKS:
		for (i = 0; !rc && i < dir->user->n_tracks; i++) {
			file_node(dir->user, &dir->user->tracks[i], &child);
			rc = fn(arg, dir->user->tracks[i].name, &child);
		}
		return rc;
	default:
		return -ENOTDIR;
	}
}

int catalog_open(const struct catalog *cat, const struct catalog_node *file,
		 struct source **out)
{
	const struct catalog_track *t = file->track;

	if (file->kind != CATALOG_FILE)
		return -EISDIR;
	return source_original_new(cat->api, t->t.urn, t->size, t->etag, t->name, out);
}

/* The xattrs of a track, in listxattr order. */
static const char *const track_xattrs[] = {
	"user.sc.id", "user.sc.urn", "user.sc.title", "user.sc.permalink_url",
	"user.sc.duration_ms", "user.sc.created_at", "user.sc.source",
	"user.sc.json", NULL,
};

static int xattr_value(const struct catalog_track *t, const char *name,
		       char *tmp, size_t size, const char **value)
{
	const struct sc_track *s = &t->t;
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
		*value = "original";
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
	rc = xattr_value(node->track, name, tmp, sizeof(tmp), &value);
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
