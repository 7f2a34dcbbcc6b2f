// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rate_pause: the shared "paused until" record.  The file holds one line,
 * "scfs-pause 1 UNTIL_MS WHY"; the time is wall-clock milliseconds because
 * the processes sharing it have nothing else in common.  Extending it is
 * read-merge-write under a lock file, so two processes hit by 429s at
 * once keep the later of their pauses.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hash.h"
#include "rate_pause.h"
#include "statefile.h"

#define RATE_PAUSE_MAGIC "scfs-pause 1 "

int rate_pause_format(const struct rate_pause *p, char *out, size_t size)
{
	char why[RATE_PAUSE_WHY_MAX];
	size_t i;
	int n;

	for (i = 0; p->why[i] && i + 1 < sizeof(why); i++)
		why[i] = p->why[i] >= 0x20 && p->why[i] < 0x7f ? p->why[i] : '?';
	why[i] = '\0';
	n = snprintf(out, size, RATE_PAUSE_MAGIC "%" PRId64 " %s\n",
		     p->until_ms, why);
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

int rate_pause_parse(const char *text, size_t len, struct rate_pause *out)
{
	const char *p = text, *end = text + len, *why;
	char *num_end;
	long long until;
	size_t n;

	memset(out, 0, sizeof(*out));
	n = strlen(RATE_PAUSE_MAGIC);
	if (len < n || memcmp(p, RATE_PAUSE_MAGIC, n))
		return -EBADMSG;
	p += n;
	if (p == end || *p < '0' || *p > '9')
		return -EBADMSG;
	until = strtoll(p, &num_end, 10);
	if (num_end >= end || *num_end != ' ' || until < 0)
		return -EBADMSG;
	why = num_end + 1;
	n = (size_t)(end - why);
	if (!n || why[n - 1] != '\n' || memchr(why, '\n', n - 1) ||
	    n > sizeof(out->why))
		return -EBADMSG;
	memcpy(out->why, why, n - 1);
	out->why[n - 1] = '\0';
	out->until_ms = until;
	return 0;
}

int64_t rate_pause_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t rate_pause_wait_ms(const struct rate_pause *p, int64_t now_ms)
{
	return p->until_ms > now_ms ? p->until_ms - now_ms : 0;
}

void rate_pause_merge(struct rate_pause *p, const struct rate_pause *other)
{
	if (other->until_ms > p->until_ms)
		*p = *other;
}

void rate_pause_file_name(const char *api_url, const char *client_id,
			  char out[RATE_PAUSE_FILE_NAME_LEN])
{
	char all[4096], hex[65];

	/* A newline keeps ("ab", "c") and ("a", "bc") apart. */
	snprintf(all, sizeof(all), "%s\n%s", api_url ? api_url : "",
		 client_id ? client_id : "");
	hash_sha256_hex(all, strlen(all), hex);
	snprintf(out, RATE_PAUSE_FILE_NAME_LEN, "pause-%.32s", hex);
}

int rate_pause_load(const char *dir, const char *file, struct rate_pause *out)
{
	char *text = NULL;
	size_t len = 0;
	int rc = statefile_read(dir, file, RATE_PAUSE_FILE_MAX, &text, &len);

	if (!rc)
		rc = rate_pause_parse(text, len, out);
	free(text);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

int rate_pause_extend(const char *dir, const char *file, struct rate_pause *p)
{
	char lock_name[RATE_PAUSE_FILE_NAME_LEN + 8], text[RATE_PAUSE_FILE_MAX];
	struct rate_pause stored;
	int fd, rc;

	snprintf(lock_name, sizeof(lock_name), "%s.lock", file);
	fd = statefile_lock(dir, lock_name);
	if (fd < 0)
		return fd;
	if (!rate_pause_load(dir, file, &stored) && stored.until_ms >= p->until_ms) {
		*p = stored;	/* a longer pause is already in force */
		rc = 0;
		goto out;
	}
	rc = rate_pause_format(p, text, sizeof(text));
	if (!rc)
		rc = statefile_write(dir, file, text, strlen(text));
out:
	statefile_unlock(fd);
	return rc;
}
