// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * names: the naming rules of INTERFACE.md.  No I/O, no allocation.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "names.h"

#define NAMES_EXT_MAX 16

struct media_type {
	const char *ext;
	const char *type;
};

/* First match wins in both directions, so each ext's canonical type comes
 * first. */
static const struct media_type media_types[] = {
	{ "wav", "audio/wav" }, { "wav", "audio/x-wav" }, { "wav", "audio/wave" },
	{ "mp3", "audio/mpeg" }, { "mp3", "audio/mp3" },
	{ "flac", "audio/flac" }, { "flac", "audio/x-flac" },
	{ "aiff", "audio/aiff" }, { "aiff", "audio/x-aiff" }, { "aif", "audio/aiff" },
	{ "m4a", "audio/mp4" }, { "m4a", "audio/x-m4a" }, { "mp4", "video/mp4" },
	{ "ogg", "audio/ogg" }, { "opus", "audio/opus" }, { "aac", "audio/aac" },
	{ "wma", "audio/x-ms-wma" }, { "alac", "audio/alac" },
	{ NULL, NULL },
};

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls and line/paragraph separators count as control. */
	if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029)
		return (size_t)-1;
	return n;
}

/* Append one character (n bytes) to out unless it would pass max; a space
 * is only added between words. */
static size_t put_char(char *out, size_t len, size_t max, const char *c,
		       size_t n)
{
	if (*c == ' ' && (len == 0 || out[len - 1] == ' '))
		return len;
	if (len + n > max)
		return len;
	memcpy(out + len, c, n);
	return len + n;
}

/* The safe title, at most max bytes, cut between characters. */
static size_t clean_title(const char *title, char *out, size_t max)
{
	const unsigned char *s = (const unsigned char *)(title ? title : "");
	size_t len = 0, n;

	while (*s) {
		n = utf8_len(s);
		if (n == 0) {
			if (len + 3 > max)
				break;	/* cut here, as for any character */
			len = put_char(out, len, max, "\xef\xbf\xbd", 3);
			s++;
		} else if (n == (size_t)-1 || (n == 1 && (iscntrl(*s) || isspace(*s)))) {
			len = put_char(out, len, max, " ", 1);
			s += n == (size_t)-1 ? (s[0] == 0xc2 ? 2 : 3) : 1;
		} else if (*s == '/') {
			len = put_char(out, len, max, "_", 1);
			s++;
		} else if (*s == '.' && len == 0) {
			s++;	/* no hidden files */
		} else {
			if (len + n > max)
				break;
			len = put_char(out, len, max, (const char *)s, n);
			s += n;
		}
	}
	while (len && out[len - 1] == ' ')
		len--;
	out[len] = '\0';
	return len;
}

/* An extension is short and alphanumeric, or it is "bin". */
static const char *safe_ext(const char *ext)
{
	size_t n = ext ? strlen(ext) : 0, i;

	if (!n || n >= NAMES_EXT_MAX)
		return "bin";
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)ext[i]))
			return "bin";
	return ext;
}

/* "<prefix><title><suffix>" with the title made safe and cut so the
 * whole fits NAMES_MAX bytes; prefix and suffix are ours and short. */
static void compose(const char *prefix, const char *title, const char *suffix,
		    char out[NAMES_MAX + 1])
{
	char clean[NAMES_MAX + 1];
	size_t room = NAMES_MAX - strlen(prefix) - strlen(suffix);

	if (!clean_title(title, clean, room))
		snprintf(clean, sizeof(clean), "untitled");
	snprintf(out, NAMES_MAX + 1, "%s%s%s", prefix, clean, suffix);
}

void names_track_name(const char *title, int64_t id, const char *ext,
		      char out[NAMES_MAX + 1])
{
	char suffix[64];

	snprintf(suffix, sizeof(suffix), " [%lld].%s", (long long)id, safe_ext(ext));
	compose("", title, suffix, out);
}

void names_playlist_dir(const char *title, int64_t id,
			char out[NAMES_MAX + 1])
{
	char suffix[32];

	snprintf(suffix, sizeof(suffix), " [%lld]", (long long)id);
	compose("", title, suffix, out);
}

unsigned names_position_width(size_t count)
{
	unsigned width = 1;

	while (count >= 10) {
		count /= 10;
		width++;
	}
	return width < 2 ? 2 : width;
}

void names_playlist_entry(unsigned pos, unsigned width, const char *title,
			  int64_t id, const char *ext, char out[NAMES_MAX + 1])
{
	char prefix[32], suffix[64];

	snprintf(prefix, sizeof(prefix), "%0*u - ", width > 10 ? 10 : (int)width, pos);
	snprintf(suffix, sizeof(suffix), " [%lld].%s", (long long)id, safe_ext(ext));
	compose(prefix, title, suffix, out);
}

/* filename="x.wav" or filename=x.wav; returns the extension or NULL. */
static int disposition_ext(const char *disp, char out[NAMES_EXT_MAX])
{
	const char *f = disp ? strcasestr(disp, "filename=") : NULL;
	const char *dot, *end;
	size_t i, n;

	if (!f)
		return 0;
	f += 9;
	if (*f == '"')
		f++;
	end = f + strcspn(f, "\";");
	dot = memrchr(f, '.', (size_t)(end - f));
	if (!dot || end - dot < 2 || end - dot > NAMES_EXT_MAX - 1)
		return 0;
	n = (size_t)(end - dot - 1);
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)dot[1 + i]))
			return 0;
		out[i] = (char)tolower((unsigned char)dot[1 + i]);
	}
	out[n] = '\0';
	return 1;
}

void names_ext_for(const char *content_type, const char *disposition,
		   char out[16])
{
	const struct media_type *m;
	size_t n;

	if (disposition_ext(disposition, out))
		return;
	n = content_type ? strcspn(content_type, "; ") : 0;
	for (m = media_types; n && m->ext; m++) {
		if (strlen(m->type) == n && !strncasecmp(m->type, content_type, n)) {
			snprintf(out, 16, "%s", m->ext);
			return;
		}
	}
	snprintf(out, 16, "bin");
}

const char *names_type_for(const char *file_name)
{
	const char *dot = file_name ? strrchr(file_name, '.') : NULL;
	const struct media_type *m;

	for (m = media_types; dot && m->ext; m++)
		if (!strcasecmp(m->ext, dot + 1))
			return m->type;
	return "application/octet-stream";
}
