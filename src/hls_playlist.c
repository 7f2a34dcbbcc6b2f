// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hls_playlist: RFC 8216 media playlists, line by line.  Knows tags and
 * URIs, nothing of HTTP or SoundCloud.  Everything it does not understand
 * but could change the bytes (keys, variants, several init sections) is
 * refused, so that a file is never assembled from the wrong pieces.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hls_playlist.h"

struct parse_state {
	struct hls_playlist pl;
	size_t cap;
	const char *base;
	int have_extinf;
	double extinf;
	int64_t br_len;		/* pending EXT-X-BYTERANGE; -1 none */
	int64_t br_off;		/* -1: follows the previous sub-range */
	int endlist;
};

/* ---- URIs --------------------------------------------------------------- */

/* Length of "scheme:" at the start of s, or 0 (RFC 3986 section 3.1). */
static size_t scheme_len(const char *s)
{
	size_t i = 0;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' ||
	       s[i] == '.')
		i++;
	return s[i] == ':' ? i + 1 : 0;
}

/* RFC 3986 section 5.2.4 on the path p (NUL-terminated), in place. */
static void remove_dot_segments(char *p)
{
	char *in = p, *out = p, *slash;

	while (*in) {
		if (!strncmp(in, "../", 3)) {
			in += 3;
		} else if (!strncmp(in, "./", 2) || !strncmp(in, "/./", 3)) {
			in += 2;	/* "/./" leaves its second "/" */
		} else if (!strcmp(in, "/.")) {
			in[1] = '\0';
		} else if (!strncmp(in, "/../", 4) || !strcmp(in, "/..")) {
			in += 3;
			if (!*in)
				*--in = '/';
			while (out > p && *--out != '/')
				;
		} else if (!strcmp(in, ".") || !strcmp(in, "..")) {
			in += strlen(in);
		} else {
			/* The first segment, with its leading "/" if any. */
			for (slash = in + 1; *slash && *slash != '/'; slash++)
				;
			memmove(out, in, (size_t)(slash - in));
			out += slash - in;
			in = slash;
		}
	}
	*out = '\0';
}

/* base[0..keep) + path (dot segments removed) + tail, as one string. */
static int join_uri(const char *base, size_t keep, const char *path,
		    size_t path_len, const char *tail, char **out)
{
	size_t tail_len = strlen(tail);
	char *s = malloc(keep + path_len + tail_len + 1);

	if (!s)
		return -ENOMEM;
	memcpy(s, base, keep);
	memcpy(s + keep, path, path_len);
	s[keep + path_len] = '\0';
	remove_dot_segments(s + keep);
	keep = strlen(s);
	memcpy(s + keep, tail, tail_len + 1);
	*out = s;
	return 0;
}

/* base[0..keep) + tail, as one string. */
static int concat_uri(const char *base, size_t keep, const char *tail,
		      char **out)
{
	size_t tail_len = strlen(tail);
	char *s = malloc(keep + tail_len + 1);

	if (!s)
		return -ENOMEM;
	memcpy(s, base, keep);
	memcpy(s + keep, tail, tail_len + 1);
	*out = s;
	return 0;
}

int hls_resolve_uri(const char *base, const char *ref, char **out)
{
	size_t sl = scheme_len(base), auth, path_end, frag, dir, rpath, mlen;
	char *merged;
	int rc;

	if (scheme_len(ref))
		return concat_uri(ref, 0, ref, out);
	if (!sl)
		return -EINVAL;
	auth = sl;
	if (!strncmp(base + sl, "//", 2))
		auth = sl + 2 + strcspn(base + sl + 2, "/?#");
	path_end = auth + strcspn(base + auth, "?#");
	frag = path_end + strcspn(base + path_end, "#");
	rpath = strcspn(ref, "?#");
	if (!strncmp(ref, "//", 2))
		return concat_uri(base, sl, ref, out);
	if (ref[0] == '/')
		return join_uri(base, auth, ref, rpath, ref + rpath, out);
	if (!ref[0] || ref[0] == '#')
		return concat_uri(base, frag, ref, out);
	if (ref[0] == '?')
		return concat_uri(base, path_end, ref, out);
	/* Merge (section 5.2.3): the base path up to its last "/", or "/"
	 * when the base has an authority and an empty path. */
	for (dir = path_end; dir > auth && base[dir - 1] != '/'; dir--)
		;
	mlen = dir > auth ? dir - auth : 1;
	merged = malloc(mlen + rpath + 1);
	if (!merged)
		return -ENOMEM;
	memcpy(merged, dir > auth ? base + auth : "/", mlen);
	memcpy(merged + mlen, ref, rpath);
	rc = join_uri(base, auth, merged, mlen + rpath, ref + rpath, out);
	free(merged);
	return rc;
}

/* ---- attributes and numbers ---------------------------------------------- */

/* Find NAME=VALUE in an attribute list (section 4.2); the value is quoted
 * or runs to the next comma.  Returns 1 and the value, 0 when absent,
 * -EINVAL when the list is malformed. */
static int attr_find(const char *list, const char *name, const char **val,
		     size_t *vlen)
{
	size_t nlen = strlen(name), klen;
	const char *p = list, *v, *end;

	while (*p) {
		klen = strcspn(p, "=,");
		if (p[klen] != '=')
			return -EINVAL;
		v = p + klen + 1;
		if (*v == '"') {
			end = strchr(v + 1, '"');
			if (!end)
				return -EINVAL;
			*vlen = (size_t)(end - v - 1);
			v++;
			end++;
		} else {
			end = v + strcspn(v, ",");
			*vlen = (size_t)(end - v);
		}
		if (klen == nlen && !strncmp(p, name, nlen)) {
			*val = v;
			return 1;
		}
		if (*end && *end != ',')
			return -EINVAL;
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* A non-negative decimal integer spanning exactly s[0..len). */
static int parse_count(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (!len || len > 18)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "n[@o]": *off is -1 when o is absent. */
static int parse_byterange(const char *s, size_t len, int64_t *n,
			   int64_t *off)
{
	const char *at = memchr(s, '@', len);

	*off = -1;
	if (at && parse_count(at + 1, len - (size_t)(at + 1 - s), off))
		return -EINVAL;
	return parse_count(s, at ? (size_t)(at - s) : len, n);
}

/* ---- tags --------------------------------------------------------------- */

static int add_segment(struct parse_state *st, const char *ref)
{
	struct hls_piece *seg, *prev;
	size_t cap;
	int rc;

	if (!st->have_extinf)
		return -EINVAL;
	if (st->pl.n_segs >= HLS_MAX_SEGMENTS)
		return -E2BIG;
	if (st->pl.n_segs == st->cap) {
		cap = st->cap ? st->cap * 2 : 16;
		seg = realloc(st->pl.segs, cap * sizeof(*seg));
		if (!seg)
			return -ENOMEM;
		st->pl.segs = seg;
		st->cap = cap;
	}
	seg = &st->pl.segs[st->pl.n_segs];
	rc = hls_resolve_uri(st->base, ref, &seg->uri);
	if (rc)
		return rc;
	seg->duration = st->extinf;
	seg->range_len = st->br_len;
	seg->range_off = st->br_len < 0 ? -1 : st->br_off;
	prev = st->pl.n_segs ? seg - 1 : NULL;
	st->pl.n_segs++;	/* owned from here, whatever follows */
	if (st->br_len >= 0 && st->br_off < 0) {
		/* "o absent": right after the previous sub-range of the same
		 * resource (section 4.3.2.2). */
		if (!prev || prev->range_len < 0 || strcmp(prev->uri, seg->uri))
			return -EINVAL;
		seg->range_off = prev->range_off + prev->range_len;
	}
	st->pl.duration += st->extinf;
	st->have_extinf = 0;
	st->br_len = -1;
	return 0;
}

static int same_piece(const struct hls_piece *a, const struct hls_piece *b)
{
	return !strcmp(a->uri, b->uri) && a->range_off == b->range_off &&
	       a->range_len == b->range_len;
}

static int tag_map(struct parse_state *st, const char *attrs)
{
	struct hls_piece map = { NULL, -1, -1, 0 };
	const char *v;
	size_t vlen;
	char *ref;
	int rc;

	rc = attr_find(attrs, "URI", &v, &vlen);
	if (rc <= 0)
		return -EINVAL;
	ref = strndup(v, vlen);
	if (!ref)
		return -ENOMEM;
	rc = hls_resolve_uri(st->base, ref, &map.uri);
	free(ref);
	if (!rc && (rc = attr_find(attrs, "BYTERANGE", &v, &vlen)) > 0) {
		rc = parse_byterange(v, vlen, &map.range_len, &map.range_off);
		if (map.range_off < 0)
			map.range_off = 0;
	}
	if (rc < 0)
		goto out;
	if (!st->pl.init.uri && !st->pl.n_segs) {
		st->pl.init = map;
		return 0;
	}
	/* One init section for the whole file; a new one mid-stream would
	 * need a second moov in the middle of the .m4a. */
	rc = st->pl.init.uri && same_piece(&st->pl.init, &map) ? 0 : -ENOTSUP;
out:
	free(map.uri);
	return rc;
}

static int tag_key(const char *attrs)
{
	const char *v;
	size_t vlen;
	int rc = attr_find(attrs, "METHOD", &v, &vlen);

	if (rc <= 0)
		return -EINVAL;
	return vlen == 4 && !strncmp(v, "NONE", 4) ? 0 : -ENOTSUP;
}

static int tag_extinf(struct parse_state *st, const char *v)
{
	char *end;

	st->extinf = strtod(v, &end);
	if (end == v || (*end && *end != ',') || st->extinf < 0)
		return -EINVAL;
	st->have_extinf = 1;
	return 0;
}

/* Value of "#TAG:value" when line is that tag, else NULL. */
static const char *tag_value(const char *line, const char *tag)
{
	size_t n = strlen(tag);

	if (strncmp(line, tag, n))
		return NULL;
	if (line[n] == ':')
		return line + n + 1;
	return line[n] ? NULL : line + n;
}

static int parse_line(struct parse_state *st, const char *line)
{
	const char *v;

	if (line[0] != '#')
		return add_segment(st, line);
	if ((v = tag_value(line, "#EXTINF")))
		return tag_extinf(st, v);
	if ((v = tag_value(line, "#EXT-X-BYTERANGE")))
		return parse_byterange(v, strlen(v), &st->br_len, &st->br_off);
	if ((v = tag_value(line, "#EXT-X-MAP")))
		return tag_map(st, v);
	if ((v = tag_value(line, "#EXT-X-KEY")))
		return tag_key(v);
	if (tag_value(line, "#EXT-X-STREAM-INF") ||
	    tag_value(line, "#EXT-X-I-FRAME-STREAM-INF") ||
	    tag_value(line, "#EXT-X-MEDIA"))
		return -ENOTSUP;	/* a master playlist */
	if (tag_value(line, "#EXT-X-ENDLIST"))
		st->endlist = 1;
	return 0;			/* other tags and comments */
}

/* ---- the playlist --------------------------------------------------------- */

/* The next line of text without its end of line, NUL-terminated in buf. */
static int next_line(const char **p, const char *end, char *buf, size_t size)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	const char *stop = nl ? nl : end;
	size_t n;

	if (stop > *p && stop[-1] == '\r')
		stop--;
	n = (size_t)(stop - *p);
	if (n >= size)
		return -E2BIG;
	memcpy(buf, *p, n);
	buf[n] = '\0';
	*p = nl ? nl + 1 : end;
	return 0;
}

static const char *trimmed(char *s)
{
	char *e = s + strlen(s);

	while (*s == ' ' || *s == '\t')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

void hls_playlist_release(struct hls_playlist *pl)
{
	size_t i;

	free(pl->init.uri);
	for (i = 0; i < pl->n_segs; i++)
		free(pl->segs[i].uri);
	free(pl->segs);
	memset(pl, 0, sizeof(*pl));
}

int hls_playlist_parse(const char *text, size_t len, const char *base_url,
		       struct hls_playlist *out)
{
	struct parse_state st = { .base = base_url, .br_len = -1 };
	const char *p = text, *end = text + len, *line;
	char *buf = malloc(HLS_MAX_LINE + 1);
	int rc, first = 1;

	if (!buf)
		return -ENOMEM;
	st.pl.init.range_off = st.pl.init.range_len = -1;
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;		/* a UTF-8 byte order mark */
	rc = 0;
	while (!rc && p < end) {
		rc = next_line(&p, end, buf, HLS_MAX_LINE + 1);
		line = rc ? "" : trimmed(buf);
		if (rc || !*line)
			continue;
		if (first)
			rc = strcmp(line, "#EXTM3U") ? -EINVAL : 0;
		else
			rc = parse_line(&st, line);
		first = 0;
	}
	if (!rc && (first || !st.endlist || st.have_extinf || st.br_len >= 0))
		rc = -EINVAL;
	free(buf);
	if (rc) {
		hls_playlist_release(&st.pl);
		return rc;
	}
	*out = st.pl;
	return 0;
}
