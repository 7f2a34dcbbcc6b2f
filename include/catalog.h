/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * catalog: SoundCloud users as a directory tree (docs/INTERFACE.md):
 *
 *     /<permalink>/tracks/<title> [<id>].<ext>
 *     /<permalink>/playlists/<title> [<id>]/<NN> - <title> [<id>].<ext>
 *     /<permalink>/likes/<title> [<id>].<ext>
 *
 * Users are resolved by catalog_new (before the mount, so an unknown user
 * fails it).  Each of a user's three directories is listed on first use
 * into an immutable, refcounted snapshot; after `ttl` seconds the next use
 * starts a refresh in the background and keeps answering from the old
 * snapshot until the new one is swapped in, so readers never wait on the
 * network after the first listing.  Sizes come from the metadata cache or
 * from probes run in parallel.  Must not include fuse, curl or cJSON.
 */
#ifndef SCFS_CATALOG_H
#define SCFS_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* Size probes in flight per listing: each probe is an API redirect and a
 * CDN HEAD, mostly waiting; 8 at once lists 1,000 tracks in seconds while
 * staying far below what would look like abuse to the API. */
#define CATALOG_PROBES_DEFAULT 8
#define CATALOG_PROBES_MAX 64

struct sc_api;
struct source;
struct catalog_user;
struct catalog_listing;
struct catalog_playlist;
struct catalog_file;

struct catalog_conf {
	/* Permalinks, borrowed during catalog_new.  None: the owner of the
	 * user token (SOUNDCLOUD_ACCESS_TOKEN). */
	char *const *users;
	size_t n_users;
	unsigned ttl;			/* seconds a listing is trusted */
	unsigned probe_concurrency;	/* 0: CATALOG_PROBES_DEFAULT */
	const char *cache_dir;		/* persistent metadata; NULL: none */
};

enum catalog_kind {
	CATALOG_ROOT,		/* /              one directory per user */
	CATALOG_USER,		/* /u             tracks/ playlists/ likes/ */
	CATALOG_TRACKS,		/* /u/tracks      the user's tracks */
	CATALOG_PLAYLISTS,	/* /u/playlists   one directory per playlist */
	CATALOG_PLAYLIST,	/* /u/playlists/p the playlist's tracks */
	CATALOG_LIKES,		/* /u/likes       the tracks the user likes */
	CATALOG_FILE,		/* a track */
};

/* A node found by catalog_lookup.  It holds a reference on the snapshot
 * it came from: every pointer in it stays valid, and its answers stay the
 * same, until catalog_node_release, whatever refreshes happen meanwhile. */
struct catalog_node {
	enum catalog_kind kind;
	int64_t size;		/* files: bytes, -1 when unknown */
	time_t mtime;
	/* private to the catalog */
	struct catalog_listing *ref;	/* held; NULL for root and users */
	const struct catalog_user *user;
	const struct catalog_playlist *playlist;
	const struct catalog_file *file;
};

struct catalog;

/* Resolve every user (or the token's owner), without listing anything.
 * api is borrowed and must outlive the catalog.  Returns 0, -ENOENT for an
 * unknown user (logged with its name), or another negative errno.  Creates
 * no thread. */
int catalog_new(const struct catalog_conf *conf, struct sc_api *api,
		struct catalog **out);
/* Waits for background refreshes (they stop at their next step), then
 * frees everything.  No node may be held. */
void catalog_free(struct catalog *cat);

/* The node at an absolute path.  Listing the directory the path needs
 * happens here the first time (it blocks then); after that a lookup never
 * waits for the network.  Returns 0 (release out with
 * catalog_node_release), -ENOENT, -ENOTDIR, or -EIO when the directory
 * cannot be listed (logged once with the URL).  Any thread. */
int catalog_lookup(struct catalog *cat, const char *path,
		   struct catalog_node *out);
void catalog_node_release(struct catalog_node *node);

/* Call fn for each child of a directory node, in name order, from the
 * node's snapshot.  A non-zero return from fn stops the walk and is
 * returned.  child is valid during the call only. */
int catalog_list(struct catalog *cat, const struct catalog_node *dir,
		 int (*fn)(void *arg, const char *name,
			   const struct catalog_node *child),
		 void *arg);

/* Tell fn about every file path (absolute, as catalog_lookup takes it)
 * whose bytes a refresh changed or removed.  fn runs on the refreshing
 * thread with the catalog's lock held, just after the new snapshot became
 * current: it must be quick and must not call the catalog.  Set it once,
 * before any listing may be refreshed; NULL: nobody is told. */
void catalog_set_change_hook(struct catalog *cat,
			     void (*fn)(void *arg, const char *path),
			     void *arg);

/* A string naming the file's bytes: equal for two nodes of a path exactly
 * when they read the same bytes.  Truncated to size (with a NUL). */
void catalog_version(const struct catalog_node *file, char *buf, size_t size);

/* A new source reading the file's bytes (caller frees with source_free). */
int catalog_open(struct catalog *cat, const struct catalog_node *file,
		 struct source **out);

/* Extended attributes of a file: getxattr/listxattr semantics (size 0
 * asks for the length; -ERANGE when buf is too small; -ENODATA for an
 * unknown name). */
ssize_t catalog_getxattr(const struct catalog_node *node, const char *name,
			 char *buf, size_t size);
ssize_t catalog_listxattr(const struct catalog_node *node, char *buf,
			  size_t size);

/* Whether policy allows copying the file into a bucket: its bytes are the
 * original upload (downloadable, or the token owner's own track).  HLS
 * renditions of others' tracks are playback only (RESEARCH.md §0.7). */
int catalog_copy_allowed(const struct catalog_node *node);

#endif
