/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hls_playlist: an HLS media playlist (RFC 8216) read into the list of
 * resources that make up the stream: the EXT-X-MAP init section, then every
 * media segment in order, each with its absolute URI and byte range.  Pure:
 * no I/O, no clock.  Only what a finished (VOD) rendition needs: a live
 * playlist (no EXT-X-ENDLIST), an encrypted one or a master playlist is
 * refused rather than half-read.
 */
#ifndef SCFS_HLS_PLAYLIST_H
#define SCFS_HLS_PLAYLIST_H

#include <stddef.h>
#include <stdint.h>

/* Guards against a hostile or broken playlist. */
#define HLS_MAX_SEGMENTS 100000
#define HLS_MAX_LINE 8192

/* One resource of the stream: the init section or a media segment. */
struct hls_piece {
	char *uri;		/* absolute; owned */
	int64_t range_off;	/* first byte in the resource; -1: whole */
	int64_t range_len;	/* bytes of the sub-range; -1: whole */
	double duration;	/* EXTINF seconds; 0 for the init section */
};

struct hls_playlist {
	struct hls_piece init;	/* init.uri NULL when there is no EXT-X-MAP */
	struct hls_piece *segs;	/* owned, n_segs entries */
	size_t n_segs;
	double duration;	/* sum of the segments' EXTINF */
};

/* Parse text (len bytes, need not be NUL-terminated) fetched from base_url,
 * against which relative URIs are resolved.  Returns 0 and fills out
 * (release it with hls_playlist_release), -EINVAL for a malformed or
 * unfinished playlist (no #EXTM3U first, no #EXT-X-ENDLIST, a URI without
 * #EXTINF, a bad attribute or byte range), -ENOTSUP for a master playlist,
 * encryption or a second, different EXT-X-MAP, -E2BIG past the guards,
 * -ENOMEM.  out is untouched on failure. */
int hls_playlist_parse(const char *text, size_t len, const char *base_url,
		       struct hls_playlist *out);
void hls_playlist_release(struct hls_playlist *pl);

/* The absolute form of ref seen from base (RFC 3986 section 5.2, with dot
 * segments removed).  Caller frees *out.  Returns 0, -EINVAL when base is
 * not absolute and ref is not either, or -ENOMEM. */
int hls_resolve_uri(const char *base, const char *ref, char **out);

#endif
