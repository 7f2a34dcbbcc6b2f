/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * catalog_i.h: the catalog's records, shared by catalog.c (lookups,
 * snapshots, refresh) and catalog_load.c (building a listing from the
 * API).  Not a public header.
 */
#ifndef SCFS_CATALOG_I_H
#define SCFS_CATALOG_I_H

#include <pthread.h>
#include <stdatomic.h>

#include "catalog.h"
#include "meta_cache.h"
#include "names.h"
#include "sc_json.h"

/* An absolute path in the tree: a permalink, a directory, a playlist and
 * a file name, each at most NAMES_MAX bytes. */
#define CATALOG_PATH_MAX 4096

/* The three directories of a user, in name order. */
enum catalog_dir_index {
	CATALOG_DIR_LIKES,
	CATALOG_DIR_PLAYLISTS,
	CATALOG_DIR_TRACKS,
	CATALOG_N_DIRS,
};

struct catalog_file {
	struct sc_track t;		/* owned */
	char name[NAMES_MAX + 1];
	char ext[META_EXT_MAX];
	enum meta_source source;
	int64_t size;			/* -1: unknown */
	char *etag;			/* owned; NULL when unknown */
	/* The signed CDN URL the size probe got (owned; NULL when the size
	 * came from the metadata cache), and when (time()): the first
	 * open within its life reads with it instead of asking the API. */
	char *url;
	time_t url_time;
	unsigned pos;			/* 1-based place in a playlist; 0 */
};

struct catalog_playlist {
	struct sc_playlist p;		/* owned; its tracks moved to files */
	char name[NAMES_MAX + 1];
	struct catalog_file *files;	/* owned, sorted by name */
	size_t n_files;
	time_t mtime;
};

/* An immutable snapshot of one directory (tracks/, likes/ or
 * playlists/).  Freed when the last reference goes. */
struct catalog_listing {
	atomic_uint refs;
	enum catalog_kind kind;
	time_t fetched;			/* CLOCK_MONOTONIC seconds */
	time_t mtime;			/* newest entry */
	struct catalog_file *files;	/* owned, sorted by name */
	size_t n_files;
	struct catalog_playlist *playlists;	/* owned, sorted by name */
	size_t n_playlists;
};

/* One of a user's directories: its current snapshot and its loader. */
struct catalog_dir {
	struct catalog_listing *cur;	/* protected by catalog.lock */
	int loading;			/* protected by catalog.lock */
	int error;			/* protected by catalog.lock: last failure */
	time_t retry_at;		/* protected by catalog.lock (monotonic) */
};

struct catalog_user {
	struct sc_user user;		/* permalink: the name asked for */
	int me;				/* list it through /me */
	struct catalog_dir dirs[CATALOG_N_DIRS];
};

struct catalog {
	struct sc_api *api;
	struct meta_cache *meta;
	struct source_hls_maps *hls_maps;	/* the probes' maps, for opens */
	unsigned ttl;
	unsigned probes;
	time_t started;			/* wall clock, for directory mtimes */
	struct catalog_user *users;	/* sorted by permalink */
	size_t n_users;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* a load ended; a refresher exited */
	unsigned refreshers;		/* protected by lock */
	atomic_int stopping;		/* catalog_free has begun */
	void (*on_change)(void *arg, const char *path);
	void *on_change_arg;
};

/* Build a fresh listing of a user's directory from the API.  0 with *out
 * holding one reference, or a negative errno after a log line.  Stops
 * early with -ECANCELED once cat->stopping is set.  Any thread; takes no
 * catalog lock. */
int catalog_load(struct catalog *cat, const struct catalog_user *u,
		 enum catalog_dir_index which, struct catalog_listing **out);
void catalog_listing_free(struct catalog_listing *l);

/* The seconds of CLOCK_MONOTONIC, for ages and deadlines. */
time_t catalog_now(void);

/* A track's mtime: last_modified, else created_at. */
time_t catalog_track_mtime(const struct sc_track *t);

#endif
