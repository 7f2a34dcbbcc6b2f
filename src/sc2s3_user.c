// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sc2s3_user: the source side of `sc2s3 sync https://soundcloud.com/USER`
 * (or soundcloud:users:ID): the user's tracks listed through the same
 * catalog the mount uses, so names, sizes, the copy policy and the
 * metadata cache are the mount's and either kind of sync finds the
 * other's objects unchanged.  Owns the API, the catalog and the held
 * listing for the run; the sync's plan and copies are sc2s3_sync.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "sc2s3_i.h"
#include "sync_plan.h"

#define USER_URN "soundcloud:users:"
#define USER_WEB "https://soundcloud.com/"

struct sync_user {
	char *ref;			/* the user as the catalog knows it */
	char *cache_dir;		/* NULL: none */
	struct sc_api *api;
	struct catalog *cat;
	struct catalog_node dir;	/* tracks/; held while listed */
	int have_dir;
};

/* The permalink in "USER", "USER/", "USER/tracks" or "USER/tracks/". */
static char *permalink_of(const char *path)
{
	size_t n = strcspn(path, "/");
	const char *rest = path + n;

	if (!n || strpbrk(path, "?#%") || (*rest && strcmp(rest, "/") &&
	    strcmp(rest, "/tracks") && strcmp(rest, "/tracks/")))
		return NULL;
	return strndup(path, n);
}

int sc2s3_user_ref(const char *src, char **ref)
{
	const char *id = src + strlen(USER_URN);

	*ref = NULL;
	if (!strncmp(src, USER_URN, strlen(USER_URN))) {
		if (!*id || strspn(id, "0123456789") != strlen(id) || strlen(id) > 18)
			goto bad;
		*ref = strdup(src);
		return *ref ? 0 : EXIT_TRANSFER;
	}
	if (!strncmp(src, USER_WEB, strlen(USER_WEB))) {
		*ref = permalink_of(src + strlen(USER_WEB));
		if (*ref)
			return 0;
		goto bad;
	}
	if (strncmp(src, "soundcloud:", 11) && strncmp(src, "http://", 7) &&
	    strncmp(src, "https://", 8))
		return 1;	/* a directory */
bad:
	fprintf(stderr, "sc2s3: cannot sync '%s': not a SoundCloud user; expected https://soundcloud.com/USER, soundcloud:users:ID or a directory\n",
		src);
	return EXIT_USAGE;
}

static int add_file(struct sync_files *f, const char *name,
		    const struct catalog_node *node)
{
	struct sync_source *src = realloc(f->src, (f->n + 1) * sizeof(*src));
	struct catalog_node *nodes;

	if (src)
		f->src = src;
	nodes = src ? realloc(f->nodes, (f->n + 1) * sizeof(*nodes)) : NULL;
	if (!nodes)
		return -ENOMEM;
	f->nodes = nodes;
	f->src[f->n].name = strdup(name);
	f->src[f->n].size = node->size;
	f->nodes[f->n] = *node;		/* valid while the listing is held */
	if (!f->src[f->n].name)
		return -ENOMEM;
	f->n++;
	return 0;
}

/* Each track of the listing: an original to plan, or a stream to skip
 * with the directory sync's note. */
static int collect_file(void *arg, const char *name,
			const struct catalog_node *node)
{
	if (!catalog_copy_allowed(node)) {
		fprintf(stderr, "sc2s3: skipping '%s': a SoundCloud stream, not an original\n",
			name);
		return 0;
	}
	return add_file(arg, name, node);	/* arg: the sync_files */
}

/* The catalog for one user: -ENOENT (told) for an unknown one. */
static int open_catalog(struct sync_user *u, const char *src)
{
	char *const users[] = { u->ref };
	/* One listing per run: nothing is refreshed behind it. */
	struct catalog_conf conf = { .users = users, .n_users = 1,
		.ttl = 86400, .cache_dir = u->cache_dir };
	int rc = catalog_new(&conf, u->api, &u->cat);

	/* An unknown user has been named in the catalog's one line. */
	if (rc && rc != -ENOENT)
		fprintf(stderr, "sc2s3: cannot sync '%s': %s\n", src, strerror(-rc));
	return rc == -ENOENT || rc == -EINVAL ? EXIT_USAGE : rc ? EXIT_TRANSFER : 0;
}

static int list_tracks(struct sync_user *u, const char *src,
		       struct sync_files *files)
{
	char path[512];
	int rc;

	snprintf(path, sizeof(path), "/%s/tracks", u->ref);
	rc = catalog_lookup(u->cat, path, &u->dir);
	u->have_dir = !rc;
	if (!rc)
		rc = catalog_list(u->cat, &u->dir, collect_file, files);
	if (!rc)
		return 0;
	fprintf(stderr, "sc2s3: cannot list the tracks of '%s': %s\n", src,
		strerror(-rc));
	return EXIT_TRANSFER;
}

int sc2s3_user_open(const struct cli *c, struct http_client *http,
		    char *ref, struct sync_user **out, struct sync_files *files)
{
	struct sync_user *u = calloc(1, sizeof(*u));
	int rc;

	*out = u;
	if (!u) {
		free(ref);
		return EXIT_TRANSFER;
	}
	u->ref = ref;
	rc = sc2s3_cache_dir(c, &u->cache_dir);
	if (!rc)
		rc = sc2s3_api_new(c, http, u->cache_dir, &u->api);
	if (!rc)
		rc = open_catalog(u, c->src);
	if (!rc)
		rc = list_tracks(u, c->src, files);
	return rc;
}

int sc2s3_user_source(struct sync_user *u, const struct catalog_node *node,
		      struct transfer *t)
{
	ssize_t n;
	int rc = catalog_open(u->cat, node, &t->src);

	if (rc)
		return rc;
	n = catalog_getxattr(node, "user.sc.urn", t->urn, sizeof(t->urn) - 1);
	t->urn[n > 0 ? n : 0] = '\0';
	n = catalog_getxattr(node, "user.sc.source", t->sc_source,
			     sizeof(t->sc_source) - 1);
	t->sc_source[n > 0 ? n : 0] = '\0';
	sc2s3_fill_meta(t);
	return 0;
}

void sc2s3_user_free(struct sync_user *u)
{
	if (!u)
		return;
	if (u->have_dir)
		catalog_node_release(&u->dir);
	catalog_free(u->cat);
	sc_api_free(u->api);
	free(u->cache_dir);
	free(u->ref);
	free(u);
}
