// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sc_json: copies what scfs needs out of cJSON trees.  Unknown fields are
 * ignored; a missing required field fails the document, never the process.
 */
#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_json.h"

static const char *str_field(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int64_t int_field(const cJSON *o, const char *name, int64_t dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	/* ±2^63 bounds the double -> int64 conversion, which is undefined
	 * outside the range. */
	if (!cJSON_IsNumber(v) || !(v->valuedouble > -9.2e18 && v->valuedouble < 9.2e18))
		return dflt;
	return (int64_t)v->valuedouble;
}

/* strdup that tells a NULL input from an allocation failure. */
static int dup_field(const cJSON *o, const char *name, char **out)
{
	const char *s = str_field(o, name);

	*out = s ? strdup(s) : NULL;
	return s && !*out ? -ENOMEM : 0;
}

/* The value of the 4 hex digits at s, or -1. */
static long hex4(const char *s, const char *end)
{
	long v = 0;
	int i;

	if (end - s < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		v = v * 16 + (isdigit((unsigned char)s[i]) ? s[i] - '0' :
			      tolower((unsigned char)s[i]) - 'a' + 10);
	}
	return v;
}

/* Titles may hold a lone UTF-16 surrogate escape ("\ud800"), which
 * cJSON refuses, failing the whole page for one odd title.  Each lone
 * one becomes U+FFFD, in a copy made only when there is one (*copy,
 * caller frees).  Pure text scan: escapes are only seen after an odd run
 * of backslashes, so "\\ud800" (a literal backslash) is left alone. */
static int fix_lone_surrogates(const char *json, size_t len, char **copy)
{
	const char *p = json, *end = json + len;
	long hi, lo;

	*copy = NULL;
	for (; p < end; p++) {
		if (*p != '\\' || p + 1 >= end)
			continue;
		if (p[1] != 'u' || (hi = hex4(p + 2, end)) < 0xd800 || hi > 0xdfff) {
			p++;	/* any other escape, "\\" included */
			continue;
		}
		lo = end - p >= 12 && p[6] == '\\' && p[7] == 'u' ? hex4(p + 8, end) : -1;
		if (hi < 0xdc00 && lo >= 0xdc00 && lo <= 0xdfff) {
			p += 11;	/* a proper pair */
			continue;
		}
		if (!*copy) {
			*copy = malloc(len);
			if (!*copy)
				return -ENOMEM;
			memcpy(*copy, json, len);
		}
		memcpy(*copy + (p - json) + 2, "FFFD", 4);
		p += 5;
	}
	return 0;
}

static cJSON *parse(const char *json, size_t len)
{
	char *copy;
	cJSON *root;

	if (!json || fix_lone_surrogates(json, len, &copy))
		return NULL;
	root = cJSON_ParseWithLength(copy ? copy : json, len);
	free(copy);
	return root;
}

int sc_json_token(const char *json, size_t len, struct sc_token *out)
{
	cJSON *root = parse(json, len);
	struct sc_token t = { 0 };
	int rc = -EBADMSG;

	if (root && str_field(root, "access_token")) {
		rc = dup_field(root, "access_token", &t.access_token);
		if (!rc)
			rc = dup_field(root, "refresh_token", &t.refresh_token);
		t.expires_in = (long)int_field(root, "expires_in", 0);
	}
	cJSON_Delete(root);
	if (rc)
		sc_token_release(&t);
	else
		*out = t;
	return rc;
}

int sc_json_user(const char *json, size_t len, struct sc_user *out)
{
	cJSON *root = parse(json, len);
	struct sc_user u = { 0 };
	int rc = -EBADMSG;

	if (root && int_field(root, "id", -1) >= 0 && str_field(root, "permalink")) {
		u.id = int_field(root, "id", -1);
		rc = dup_field(root, "urn", &u.urn);
		if (!rc && !u.urn && asprintf(&u.urn, "soundcloud:users:%lld",
					      (long long)u.id) < 0) {
			u.urn = NULL;
			rc = -ENOMEM;
		}
		if (!rc)
			rc = dup_field(root, "permalink", &u.permalink);
		if (!rc)
			rc = dup_field(root, "username", &u.username);
	}
	cJSON_Delete(root);
	if (rc)
		sc_user_release(&u);
	else
		*out = u;
	return rc;
}

static int track_from(const cJSON *o, struct sc_track *t)
{
	const cJSON *dl = cJSON_GetObjectItemCaseSensitive(o, "downloadable");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "streamable");
	const char *s;
	int rc;

	memset(t, 0, sizeof(*t));
	t->id = int_field(o, "id", -1);
	if (t->id < 0)
		return -EBADMSG;
	t->downloadable = cJSON_IsTrue(dl);
	t->streamable = !cJSON_IsFalse(st);
	t->has_download_url = str_field(o, "download_url") != NULL;
	t->duration_ms = int_field(o, "duration", 0);
	if ((s = str_field(o, "created_at")))
		sc_parse_time(s, &t->created_at);
	if ((s = str_field(o, "last_modified")))
		sc_parse_time(s, &t->last_modified);
	rc = dup_field(o, "urn", &t->urn);
	if (!rc && !t->urn && asprintf(&t->urn, "soundcloud:tracks:%lld",
				       (long long)t->id) < 0) {
		t->urn = NULL;
		rc = -ENOMEM;
	}
	if (!rc)
		rc = dup_field(o, "title", &t->title);
	if (!rc)
		rc = dup_field(o, "permalink_url", &t->permalink_url);
	if (!rc)
		rc = dup_field(o, "access", &t->access);
	if (!rc && !(t->json = cJSON_PrintUnformatted(o)))
		rc = -ENOMEM;
	if (rc)
		sc_track_release(t);
	return rc;
}

/* The track objects of a JSON array; others are counted in *skipped. */
static int tracks_from(const cJSON *list, struct sc_track **out, size_t *n,
		       size_t *skipped)
{
	const cJSON *item;
	int size = cJSON_GetArraySize(list), rc;

	*out = calloc(size ? (size_t)size : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	cJSON_ArrayForEach(item, list) {
		rc = cJSON_IsObject(item) ? track_from(item, &(*out)[*n]) : -EBADMSG;
		if (rc == -ENOMEM)
			return rc;
		if (rc)
			(*skipped)++;
		else
			(*n)++;
	}
	return 0;
}

static int page_from(const cJSON *list, struct sc_page *p)
{
	return tracks_from(list, &p->tracks, &p->n, &p->skipped);
}

int sc_json_tracks_page(const char *json, size_t len, struct sc_page *out)
{
	cJSON *root = parse(json, len), *list = root;
	struct sc_page p = { 0 };
	int rc = -EBADMSG;

	if (cJSON_IsObject(root))
		list = cJSON_GetObjectItemCaseSensitive(root, "collection");
	if (cJSON_IsArray(list)) {
		rc = page_from(list, &p);
		if (!rc && cJSON_IsObject(root))
			rc = dup_field(root, "next_href", &p.next_href);
	}
	cJSON_Delete(root);
	if (rc)
		sc_page_release(&p);
	else
		*out = p;
	return rc;
}

static int playlist_from(const cJSON *o, struct sc_playlist *p)
{
	const cJSON *tracks = cJSON_GetObjectItemCaseSensitive(o, "tracks");
	const char *s;
	int rc;

	memset(p, 0, sizeof(*p));
	p->id = int_field(o, "id", -1);
	if (p->id < 0)
		return -EBADMSG;
	p->track_count = int_field(o, "track_count", -1);
	if ((s = str_field(o, "created_at")))
		sc_parse_time(s, &p->created_at);
	if ((s = str_field(o, "last_modified")))
		sc_parse_time(s, &p->last_modified);
	rc = dup_field(o, "urn", &p->urn);
	if (!rc && !p->urn && asprintf(&p->urn, "soundcloud:playlists:%lld",
				       (long long)p->id) < 0) {
		p->urn = NULL;
		rc = -ENOMEM;
	}
	if (!rc)
		rc = dup_field(o, "title", &p->title);
	if (!rc)
		rc = dup_field(o, "permalink_url", &p->permalink_url);
	if (!rc && cJSON_IsArray(tracks)) {
		p->has_tracks = 1;
		rc = tracks_from(tracks, &p->tracks, &p->n_tracks, &p->skipped);
	}
	if (rc)
		sc_playlist_release(p);
	return rc;
}

static int playlists_from(const cJSON *list, struct sc_playlist_page *p)
{
	const cJSON *item;
	int n = cJSON_GetArraySize(list), rc;

	p->items = calloc(n ? (size_t)n : 1, sizeof(*p->items));
	if (!p->items)
		return -ENOMEM;
	cJSON_ArrayForEach(item, list) {
		rc = cJSON_IsObject(item) ? playlist_from(item, &p->items[p->n]) : -EBADMSG;
		if (rc == -ENOMEM)
			return rc;
		if (rc)
			p->skipped++;
		else
			p->n++;
	}
	return 0;
}

int sc_json_playlists_page(const char *json, size_t len,
			   struct sc_playlist_page *out)
{
	cJSON *root = parse(json, len), *list = root;
	struct sc_playlist_page p = { 0 };
	int rc = -EBADMSG;

	if (cJSON_IsObject(root))
		list = cJSON_GetObjectItemCaseSensitive(root, "collection");
	if (cJSON_IsArray(list)) {
		rc = playlists_from(list, &p);
		if (!rc && cJSON_IsObject(root))
			rc = dup_field(root, "next_href", &p.next_href);
	}
	cJSON_Delete(root);
	if (rc)
		sc_playlist_page_release(&p);
	else
		*out = p;
	return rc;
}

int sc_json_location(const char *json, size_t len, char **out)
{
	cJSON *root = parse(json, len);
	int rc = -EBADMSG;

	if (root && str_field(root, "location"))
		rc = dup_field(root, "location", out);
	cJSON_Delete(root);
	return rc;
}

int sc_json_hls_url(const char *json, size_t len, char **out)
{
	cJSON *root = parse(json, len);
	int rc = root ? -ENOENT : -EBADMSG;

	if (root && str_field(root, "hls_aac_160_url"))
		rc = dup_field(root, "hls_aac_160_url", out);
	cJSON_Delete(root);
	return rc;
}

void sc_json_error_message(const char *json, size_t len, char *out,
			   size_t size)
{
	cJSON *root = parse(json, len);
	const cJSON *errors = root ? cJSON_GetObjectItemCaseSensitive(root, "errors") : NULL;
	const cJSON *first = cJSON_IsArray(errors) ? cJSON_GetArrayItem(errors, 0) : NULL;
	const char *msg = NULL;

	if (root)
		msg = str_field(root, "message");
	if (!msg && root)
		msg = str_field(root, "error_description");
	if (!msg && root)
		msg = str_field(root, "error");
	if (!msg && first)
		msg = str_field(first, "error_message");
	snprintf(out, size, "%s", msg ? msg : "");
	cJSON_Delete(root);
}

long sc_json_rate_limit_wait(const char *json, size_t len, time_t now)
{
	cJSON *root = parse(json, len);
	const cJSON *errors = root ? cJSON_GetObjectItemCaseSensitive(root, "errors") : NULL;
	const cJSON *first = cJSON_IsArray(errors) ? cJSON_GetArrayItem(errors, 0) : NULL;
	const cJSON *meta = first ? cJSON_GetObjectItemCaseSensitive(first, "meta") : NULL;
	/* Documented shape: errors[0].meta.reset_time; errors[0].reset_time
	 * is accepted too. */
	const char *reset = meta ? str_field(meta, "reset_time") : NULL;
	time_t when;
	long wait = -1;

	if (!reset && first)
		reset = str_field(first, "reset_time");
	if (reset && !sc_parse_time(reset, &when))
		wait = when > now ? (long)(when - now) : 0;
	cJSON_Delete(root);
	return wait;
}

void sc_token_release(struct sc_token *t)
{
	if (t->access_token)
		memset(t->access_token, 0, strlen(t->access_token));
	if (t->refresh_token)
		memset(t->refresh_token, 0, strlen(t->refresh_token));
	free(t->access_token);
	free(t->refresh_token);
	memset(t, 0, sizeof(*t));
}

void sc_user_release(struct sc_user *u)
{
	free(u->urn);
	free(u->permalink);
	free(u->username);
	memset(u, 0, sizeof(*u));
}

void sc_track_release(struct sc_track *t)
{
	free(t->urn);
	free(t->title);
	free(t->permalink_url);
	free(t->access);
	free(t->json);
	memset(t, 0, sizeof(*t));
}

void sc_page_release(struct sc_page *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		sc_track_release(&p->tracks[i]);
	free(p->tracks);
	free(p->next_href);
	memset(p, 0, sizeof(*p));
}

void sc_playlist_release(struct sc_playlist *p)
{
	size_t i;

	for (i = 0; i < p->n_tracks; i++)
		sc_track_release(&p->tracks[i]);
	free(p->tracks);
	free(p->urn);
	free(p->title);
	free(p->permalink_url);
	memset(p, 0, sizeof(*p));
}

void sc_playlist_page_release(struct sc_playlist_page *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		sc_playlist_release(&p->items[i]);
	free(p->items);
	free(p->next_href);
	memset(p, 0, sizeof(*p));
}

static int parse_offset(const char *s, long *seconds)
{
	int h, m;

	while (*s == ' ')
		s++;
	if (*s == 'Z' || *s == '\0') {
		*seconds = 0;
		return 0;
	}
	if ((*s != '+' && *s != '-') ||
	    (sscanf(s + 1, "%2d:%2d", &h, &m) != 2 &&
	     sscanf(s + 1, "%2d%2d", &h, &m) != 2))
		return -EINVAL;
	*seconds = (long)(h * 3600 + m * 60) * (*s == '-' ? -1 : 1);
	return 0;
}

/* Fields as written (year, month 1-12) to UTC seconds; refuses dates that
 * do not exist (February 30 would silently become March 2). */
static int tm_to_time(struct tm *tm, long offset, time_t *out)
{
	int mday = tm->tm_mday, mon = tm->tm_mon - 1;
	time_t t;

	tm->tm_year -= 1900;
	tm->tm_mon = mon;
	t = timegm(tm);
	if (tm->tm_mday != mday || tm->tm_mon != mon)
		return -EINVAL;
	*out = t - offset;
	return 0;
}

int sc_parse_time(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	const char *rest;
	long offset;
	int used = 0;

	if (sscanf(s, "%4d/%2d/%2d %2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6 &&
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6)
		return -EINVAL;
	rest = s + used;
	if (*rest == '.')
		rest += 1 + strspn(rest + 1, "0123456789");
	if (parse_offset(rest, &offset) || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0 ||
	    tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 ||
	    tm.tm_sec < 0 || tm.tm_sec > 60)
		return -EINVAL;
	return tm_to_time(&tm, offset, out);
}
