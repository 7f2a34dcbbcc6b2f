/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rate_pause: the one rate budget that every process using a cache
 * directory shares.  When the API answers 429 with a time to wait, the
 * process records "paused until T" in a small file there; every process
 * (mounts, sc2s3 runs) reads it before its next API request and waits
 * until T, so that one rate limit is not hit again by the others.  The
 * record format and the decisions are pure; load and extend go through
 * statefile (atomic replace, a lock file so a shorter pause never
 * replaces a longer one).  Thread-safe (no shared state).
 */
#ifndef SCFS_RATE_PAUSE_H
#define SCFS_RATE_PAUSE_H

#include <stddef.h>
#include <stdint.h>

/* Why the pause began: "HTTP 429 on '/users/…/tracks'", kept short. */
#define RATE_PAUSE_WHY_MAX 160
/* "pause-" + 32 hex digits + NUL. */
#define RATE_PAUSE_FILE_NAME_LEN 40
/* A record is one short line; anything larger is not ours. */
#define RATE_PAUSE_FILE_MAX 1024

struct rate_pause {
	int64_t until_ms;		/* wall clock, ms since the epoch; 0: none */
	char why[RATE_PAUSE_WHY_MAX];	/* printable ASCII, no newline */
};

/* The file's text, "scfs-pause 1 UNTIL_MS WHY\n", into out.  Characters
 * the format cannot carry in why become '?'.  0, or -ENOSPC when out is
 * too small. */
int rate_pause_format(const struct rate_pause *p, char *out, size_t size);

/* A record from a file's text.  0 or -EBADMSG (out then is no pause). */
int rate_pause_parse(const char *text, size_t len, struct rate_pause *out);

/* The clock pauses are kept in: the wall clock in ms since the epoch, as
 * other processes sharing the record read it too. */
int64_t rate_pause_now_ms(void);

/* How long to wait at now_ms: until_ms - now_ms, or 0 when over. */
int64_t rate_pause_wait_ms(const struct rate_pause *p, int64_t now_ms);

/* Make *p the later of *p and *other (ties keep *p). */
void rate_pause_merge(struct rate_pause *p, const struct rate_pause *other);

/* The file name for one API and app: "pause-" and 32 hex digits of
 * SHA-256 over api_url and client_id (NULL counts as empty), since rate
 * limits are per app. */
void rate_pause_file_name(const char *api_url, const char *client_id,
			  char out[RATE_PAUSE_FILE_NAME_LEN]);

/* The record in dir/file into out: 0, -ENOENT when there is none, or
 * another -errno; a damaged file reads as -EBADMSG. */
int rate_pause_load(const char *dir, const char *file, struct rate_pause *out);

/* Record p in dir/file unless the stored pause lasts longer; *p becomes
 * the pause now in force.  Serialised with other processes by a lock
 * file.  0 or -errno. */
int rate_pause_extend(const char *dir, const char *file, struct rate_pause *p);

#endif
