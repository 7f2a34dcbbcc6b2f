/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * catalog: SoundCloud users as a directory tree.  Resolves users, lists
 * their tracks, names them, learns their sizes, and hands out a source to
 * read a track.  Must not include fuse, curl or cJSON.
 *
 * The tree is built once by catalog_new and never changes afterwards, so
 * the nodes it hands out stay valid until catalog_free.
 */
#ifndef SCFS_CATALOG_H
#define SCFS_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct sc_api;
struct source;
struct catalog_user;
struct catalog_track;

struct catalog_conf {
	char *const *users;	/* permalinks; borrowed during catalog_new */
	size_t n_users;
};

enum catalog_kind {
	CATALOG_ROOT,		/* /            : one directory per user */
	CATALOG_USER,		/* /u           : tracks/ */
	CATALOG_TRACKS,		/* /u/tracks    : the user's tracks */
	CATALOG_FILE,		/* /u/tracks/x  : one track */
};

struct catalog_node {
	enum catalog_kind kind;
	int64_t size;		/* files: bytes, -1 when unknown */
	time_t mtime;
	const struct catalog_user *user;	/* borrowed; NULL for root */
	const struct catalog_track *track;	/* borrowed; files only */
};

struct catalog;

/* Resolve every user and list their tracks.  api is borrowed and must
 * outlive the catalog.  Returns 0, -ENOENT for an unknown user (logged
 * with its name), or another negative errno. */
int catalog_new(const struct catalog_conf *conf, struct sc_api *api,
		struct catalog **out);
void catalog_free(struct catalog *cat);

/* The node at an absolute path, or -ENOENT / -ENOTDIR. */
int catalog_lookup(const struct catalog *cat, const char *path,
		   struct catalog_node *out);

/* Call fn for each child of a directory node, in name order.  A non-zero
 * return from fn stops the walk. */
int catalog_list(const struct catalog *cat, const struct catalog_node *dir,
		 int (*fn)(void *arg, const char *name,
			   const struct catalog_node *child),
		 void *arg);

/* A new source reading the track's bytes (caller frees with source_free). */
int catalog_open(const struct catalog *cat, const struct catalog_node *file,
		 struct source **out);

/* Extended attributes of a file: getxattr/listxattr semantics (size 0
 * asks for the length; -ERANGE when buf is too small; -ENODATA for an
 * unknown name). */
ssize_t catalog_getxattr(const struct catalog_node *node, const char *name,
			 char *buf, size_t size);
ssize_t catalog_listxattr(const struct catalog_node *node, char *buf,
			  size_t size);

#endif
