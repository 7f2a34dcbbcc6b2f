/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * names: file names from track titles, and media types from extensions and
 * back.  Pure functions: the same input gives the same name on every mount.
 */
#ifndef SCFS_NAMES_H
#define SCFS_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* Longest file name Linux file systems accept, in bytes. */
#define NAMES_MAX 255

/* "<title> [<id>].<ext>" with the title made safe: valid UTF-8 (bad bytes
 * become U+FFFD), no '/' (becomes '_'), no control characters, runs of
 * white space collapsed, trimmed, no leading dot, "untitled" when nothing
 * is left, cut on a character boundary so the whole name fits NAMES_MAX
 * bytes.  out must hold NAMES_MAX + 1 bytes. */
void names_track_name(const char *title, int64_t id, const char *ext,
		      char out[NAMES_MAX + 1]);

/* A playlist's directory: "<title> [<id>]", the title made safe as
 * above. */
void names_playlist_dir(const char *title, int64_t id,
			char out[NAMES_MAX + 1]);

/* A track in a playlist: "<NN> - <title> [<id>].<ext>", NN the 1-based
 * position zero-padded to width digits (so names sort in playlist order;
 * see names_position_width), the title cut so the whole fits. */
void names_playlist_entry(unsigned pos, unsigned width, const char *title,
			  int64_t id, const char *ext, char out[NAMES_MAX + 1]);

/* Digits for positions 1..count: at least 2 ("01"), more for long
 * playlists. */
unsigned names_position_width(size_t count);

/* The extension for a Content-Type ("audio/wav" -> "wav"), from a
 * Content-Disposition filename when it has one, else "bin".  Borrowed
 * static storage or copied into out (16 bytes). */
void names_ext_for(const char *content_type, const char *disposition,
		   char out[16]);

/* The Content-Type for a file name's extension, or
 * "application/octet-stream".  Static storage. */
const char *names_type_for(const char *file_name);

#endif
