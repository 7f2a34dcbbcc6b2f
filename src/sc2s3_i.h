/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sc2s3_i.h: what sc2s3.c (argv, cp), sc2s3_source.c (the sources),
 * sc2s3_sync.c and sc2s3_user.c (sync) share: the parsed command line, one
 * file's transfer, and the steps of a copy.
 */
#ifndef SCFS_SC2S3_I_H
#define SCFS_SC2S3_I_H

#include <stdint.h>

#include "aws_config.h"
#include "catalog.h"
#include "http.h"
#include "s3.h"
#include "sc_api.h"
#include "sink.h"
#include "source.h"

#define EXIT_TRANSFER 1
#define EXIT_USAGE 2
/* Files copied at once by sync, each with its parts in flight. */
#define SYNC_JOBS_DEFAULT 2
/* user.sc.source of a track the mount serves from its stream: playback
 * only, never copied (RESEARCH.md §0.7). */
#define SC2S3_STREAM_SOURCE "hls_aac_160"

struct cli {
	const char *command;
	const char *src;
	const char *dst;
	struct aws_config_overrides aws;
	size_t part_size;
	size_t expected_size;	/* of a stream; 0: unknown */
	unsigned concurrency;
	int progress;		/* -1: when stderr is a terminal */
	int quiet;
	int json;
	int debug;
	const char *api_url;
	const char *auth_url;
	const char *cache_dir;	/* NULL: the default, as scfs's */
	int dry_run;		/* sync */
	int delete;		/* sync */
	unsigned jobs;		/* sync: files at once; 0: SYNC_JOBS_DEFAULT */
};

struct transfer {
	struct source *src;
	struct s3_location dst;
	char *key;			/* final key; owned */
	char urn[128];			/* x-amz-meta-sc-*: from the mount's */
	char sc_source[32];		/* xattrs or from the API */
	char size_text[32];
	const char *meta_names[3];
	const char *meta_values[3];
	struct s3_meta meta;
	struct http_client *http;	/* borrowed */
	struct sc_api *api;		/* SoundCloud sources only; owned */
	struct s3_guard *guard;		/* NULL: no watchdog */
	int64_t bytes;			/* sent, once done */
};

/* Open c->src into t->src with its metadata.  0 or an exit status. */
int sc2s3_open_source(const struct cli *c, struct transfer *t);
/* The cache directory to use (shared with scfs), created 0700, into
 * *out (caller frees; NULL: none).  0 or an exit status (message
 * printed). */
int sc2s3_cache_dir(const struct cli *c, char **out);
/* The SoundCloud API with the environment's credentials, signed in;
 * waits for rate limits are shown on stderr.  0 or an exit status
 * (message printed); *out is the caller's (sc_api_free) either way. */
int sc2s3_api_new(const struct cli *c, struct http_client *http,
		  const char *cache_dir, struct sc_api **out);
/* t->meta (x-amz-meta-sc-*, Content-Type) from t->urn, t->sc_source and
 * t->src, the same for every kind of source. */
void sc2s3_fill_meta(struct transfer *t);
/* t->key from t->dst, appending the source's name to a prefix. */
int sc2s3_final_key(struct transfer *t);
/* Upload t->src to t->key and report it.  0 or EXIT_TRANSFER. */
int sc2s3_run_upload(const struct cli *c, struct s3_client *s3,
		     struct transfer *t);
void sc2s3_json_string(FILE *f, const char *s);

/* What a sync copies from: names and sizes for the plan and, for a
 * SoundCloud user, each file's catalog node. */
struct sync_files {
	struct sync_source *src;	/* names owned */
	struct catalog_node *nodes;	/* NULL for a directory; else valid
					 * while the sync_user lives */
	size_t n;
};

/* The user a sync source names, into *ref (caller frees): 0 for a
 * SoundCloud user, 1 for a directory, or EXIT_USAGE for a malformed
 * reference (message printed). */
int sc2s3_user_ref(const char *src, char **ref);

struct sync_user;
/* Sign in, resolve the user ref (taken over) and list its tracks into
 * files, streams left out with a note.  0 or an exit status (message
 * printed); *out is the caller's (sc2s3_user_free) either way. */
int sc2s3_user_open(const struct cli *c, struct http_client *http,
		    char *ref, struct sync_user **out, struct sync_files *files);
/* The source and metadata of one listed file into t.  0 or -errno. */
int sc2s3_user_source(struct sync_user *u, const struct catalog_node *node,
		      struct transfer *t);
void sc2s3_user_free(struct sync_user *u);

/* The sync command.  0, EXIT_TRANSFER when a file failed (the rest are
 * done), or EXIT_USAGE. */
int sc2s3_sync(const struct cli *c, struct s3_client *s3,
	       struct http_client *http, struct s3_guard *guard,
	       const struct s3_location *dst);

#endif
