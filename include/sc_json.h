/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sc_json: the SoundCloud API's JSON documents turned into plain structs.
 * The only module that sees cJSON; every tree is freed before returning.
 * Pure: no I/O.
 */
#ifndef SCFS_SC_JSON_H
#define SCFS_SC_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct sc_token {
	char *access_token;	/* all owned */
	char *refresh_token;	/* NULL when none was issued */
	long expires_in;	/* seconds; 0 when absent */
};

struct sc_user {
	int64_t id;
	char *urn;		/* all owned */
	char *permalink;
	char *username;
};

struct sc_track {
	int64_t id;
	char *urn;		/* all owned */
	char *title;
	char *permalink_url;
	char *access;		/* "playable", "preview", "blocked" or NULL */
	int downloadable;
	int has_download_url;
	int streamable;		/* 1 unless the API says false */
	int64_t duration_ms;
	time_t created_at;	/* 0 when absent or unparsable */
	time_t last_modified;
	char *json;		/* the object as the API sent it */
};

struct sc_page {
	struct sc_track *tracks;	/* owned array */
	size_t n;
	size_t skipped;		/* items left out: not objects, or no id */
	char *next_href;	/* owned; NULL on the last page */
};

struct sc_playlist {
	int64_t id;
	char *urn;		/* all owned */
	char *title;
	char *permalink_url;
	time_t created_at;	/* 0 when absent or unparsable */
	time_t last_modified;
	int64_t track_count;	/* as the API says; -1 when absent */
	int has_tracks;		/* the object carried a "tracks" array */
	struct sc_track *tracks;	/* owned array, in playlist order */
	size_t n_tracks;
	size_t skipped;		/* tracks left out: no id */
};

struct sc_playlist_page {
	struct sc_playlist *items;	/* owned array */
	size_t n;
	size_t skipped;		/* items left out: not objects, or no id */
	char *next_href;	/* owned; NULL on the last page */
};

/* Each returns 0, -EBADMSG for malformed JSON or a missing required field,
 * or -ENOMEM.  On failure the output holds nothing. */
int sc_json_token(const char *json, size_t len, struct sc_token *out);
int sc_json_user(const char *json, size_t len, struct sc_user *out);
/* A listing page: {"collection": [...], "next_href": ...} or a bare array.
 * Tracks without an id are skipped. */
int sc_json_tracks_page(const char *json, size_t len, struct sc_page *out);
/* A page of a playlists listing, same shapes as tracks; each playlist's
 * "tracks" (when present) parsed as a tracks page. */
int sc_json_playlists_page(const char *json, size_t len,
			   struct sc_playlist_page *out);
/* The "location" of a /resolve answer. */
int sc_json_location(const char *json, size_t len, char **out);
/* The hls_aac_160_url of a /tracks/{urn}/streams answer (caller frees);
 * -ENOENT when the track has none. */
int sc_json_hls_url(const char *json, size_t len, char **out);
/* A readable message from any of the API's error shapes, into out. */
void sc_json_error_message(const char *json, size_t len, char *out,
			   size_t size);
/* Seconds to wait from a 429 body's reset_time, or -1. */
long sc_json_rate_limit_wait(const char *json, size_t len, time_t now);

void sc_token_release(struct sc_token *t);
void sc_user_release(struct sc_user *u);
void sc_track_release(struct sc_track *t);
void sc_page_release(struct sc_page *p);
void sc_playlist_release(struct sc_playlist *p);
void sc_playlist_page_release(struct sc_playlist_page *p);

/* "2019/01/15 15:40:49 +0000" or ISO 8601 ("2021-11-14T11:27:16Z",
 * fractions and offsets allowed) to UTC seconds.  0 or -EINVAL. */
int sc_parse_time(const char *s, time_t *out);

#endif
