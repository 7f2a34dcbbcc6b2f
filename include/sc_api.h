/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sc_api: the SoundCloud API over http.c.  Owns the OAuth token (one
 * refresh at a time: refresh tokens are single-use), the Authorization
 * header (sent to the API host only, never to a CDN), retries on 429 and
 * 5xx, and the pagination guards.  Thread-safe.  Must not include fuse.
 */
#ifndef SCFS_SC_API_H
#define SCFS_SC_API_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "http.h"
#include "sc_json.h"

#define SC_API_URL_DEFAULT "https://api.soundcloud.com"
#define SC_AUTH_URL_DEFAULT "https://secure.soundcloud.com/oauth/token"

struct sc_api_conf {
	const char *api_url;		/* NULL: SC_API_URL_DEFAULT */
	const char *auth_url;		/* NULL: SC_AUTH_URL_DEFAULT */
	const char *client_id;		/* client-credentials grant ... */
	const char *client_secret;
	const char *access_token;	/* ... or a user's token */
	const char *refresh_token;
	/* Where tokens persist between mounts (created by the caller);
	 * NULL: in memory only.  It also holds the shared rate-limit pause
	 * (rate_pause.h): every process using the directory waits for it. */
	const char *cache_dir;
	/* Told once per pause, by the first request that waits for it: how
	 * long (ms), until when (wall-clock ms) and why.  Called from the
	 * waiting thread, no lock held.  NULL: nobody is told. */
	void (*on_wait)(void *arg, int64_t wait_ms, int64_t until_ms,
			const char *why);
	void *on_wait_arg;
};

/* The longest a request waits for a rate-limit pause (its own 429's or
 * one another process recorded): a reset time hours ahead (a daily quota
 * spent) fails the request with -EAGAIN at once instead. */
#define SC_PAUSE_MAX_S 900

/* What a HEAD on a track's original says. */
struct sc_probe {
	int64_t size;
	char *content_type;	/* all owned; may be NULL */
	char *disposition;
	char *etag;
	/* The signed CDN URL that was probed, obtained at url_time
	 * (time()): a reader may start with it while it is fresh.  A
	 * secret: never logged. */
	char *url;
	time_t url_time;
};

struct sc_api;

/* Copies conf; http is borrowed and must outlive the API. */
int sc_api_new(const struct sc_api_conf *conf, struct http_client *http,
	       struct sc_api **out);
void sc_api_free(struct sc_api *api);

/* Make sure a token is usable now, so that bad credentials fail the
 * mount: a stored token that is still valid costs no request; one near
 * expiry is refreshed; otherwise a client-credentials grant.  Returns 0
 * or -EACCES/-EIO/-ENOKEY/... with a line in err. */
int sc_api_authenticate(struct sc_api *api, char *err, size_t err_size);

/* GET an API path ("/users/1") or an absolute URL on the API host, with
 * OAuth and retries, into out (bounded).  Returns 0 or a negative errno
 * (-ENOENT for 404, -EACCES for refused, -EPERM for a URL on another host)
 * after logging one line that names the URL without its query. */
int sc_api_get_json(struct sc_api *api, const char *path_or_url,
		    struct buf *out);

/* Resolve https://soundcloud.com/<permalink> to the user: one request
 * when the answer's location names the user (then only out's id and urn
 * are set), else a second one for the user object.  A permalink of the
 * form "soundcloud:users:ID" is fetched as /users/URN instead (-EINVAL
 * when ID is not a number).  -ENOENT for an unknown user. */
int sc_api_resolve_user(struct sc_api *api, const char *permalink,
			struct sc_user *out);

/* The owner of a user token (GET /me).  -EACCES for an app's token. */
int sc_api_me(struct sc_api *api, struct sc_user *out);

/* Whether the credentials include a user's token (so /me works). */
int sc_api_has_user_token(const struct sc_api *api);

/* The API base URL in use (no trailing slash); borrowed for api's life. */
const char *sc_api_url(const struct sc_api *api);

/* The user id in a /resolve location on api_url ("/users/123",
 * "/users/soundcloud:users:123", percent-encoded or not), or -1.  Pure. */
int64_t sc_api_user_id_from_location(const char *api_url,
				     const char *location);

/* Call fn for each track of every page of a listing path (e.g.
 * "/users/URN/tracks"), following next_href with the guards: pages capped,
 * a repeated next_href stops, one on another host fails.  fn takes
 * ownership of the track by copying it out and zeroing it, or leaves it to
 * be released.  A non-zero fn return stops and is returned. */
int sc_api_list_tracks(struct sc_api *api, const char *path,
		       int (*fn)(void *arg, struct sc_track *track), void *arg);

/* The same for a playlists listing ("/users/URN/playlists"); fn may take
 * ownership of the playlist the same way.  Malformed pages are -EBADMSG,
 * a next_href on another host -EPERM, both after one log line naming the
 * URL without its query. */
int sc_api_list_playlists(struct sc_api *api, const char *path,
			  int (*fn)(void *arg, struct sc_playlist *playlist),
			  void *arg);

/* The signed CDN URL a track's /download redirects to (caller frees). */
int sc_api_download_url(struct sc_api *api, const char *track_urn,
			char **url);

/* The signed URL of the track's HLS AAC playlist (caller frees): asks
 * /tracks/{urn}/streams, then follows hls_aac_160_url with OAuth when it
 * is on the API host (it redirects to the CDN), or takes it as is.
 * -ENOENT when the track has no HLS stream. */
int sc_api_hls_playlist_url(struct sc_api *api, const char *track_urn,
			    char **url);

/* HEAD the track's original on the CDN (no Authorization sent there). */
int sc_api_probe_original(struct sc_api *api, const char *track_urn,
			  struct sc_probe *out);
void sc_probe_release(struct sc_probe *p);

/* The http client the API uses, for CDN transfers of the caller. */
struct http_client *sc_api_http(struct sc_api *api);

/* The track a reference names: "soundcloud:tracks:ID" (GET /tracks/URN)
 * or "https://soundcloud.com/USER/TRACK" (through /resolve).  Returns 0,
 * -EINVAL when ref is neither form, -ENOENT for no such track, or another
 * negative errno.  out is the caller's (sc_track_release). */
int sc_api_resolve_track(struct sc_api *api, const char *ref,
			 struct sc_track *out);

#endif
