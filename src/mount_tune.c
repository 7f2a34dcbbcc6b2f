// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount_tune: find our mount's device in mountinfo (its bdi in sysfs is
 * named after it) and write its read_ahead_kb.  Read from mountinfo, not
 * stat(): before the kernel's INIT is answered, a stat of the mount point
 * would wait on the daemon that is asking.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mount_tune.h"

#define MOUNTINFO_MAX (1u << 20)

/* Undo mountinfo's octal escapes (\040 for a space ...) of the field at
 * s, up to the next space, into out.  Returns the length or -1. */
static long unescape_field(const char *s, char *out, size_t out_size)
{
	size_t n = 0;

	while (*s && *s != ' ' && *s != '\n') {
		char c = *s++;

		if (c == '\\' && s[0] >= '0' && s[0] <= '3' && s[1] >= '0' &&
		    s[1] <= '7' && s[2] >= '0' && s[2] <= '7') {
			c = (char)((s[0] - '0') * 64 + (s[1] - '0') * 8 + (s[2] - '0'));
			s += 3;
		}
		if (n + 1 >= out_size)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return (long)n;
}

/* The start of field i (0-based) of a space-separated line, or NULL. */
static const char *field(const char *line, unsigned i)
{
	while (i--) {
		line = strpbrk(line, " \n");
		if (!line || *line == '\n')
			return NULL;
		line++;
	}
	return line;
}

int mount_tune_find_dev(const char *mountinfo, const char *mountpoint,
			char *dev, size_t dev_size)
{
	const char *line = mountinfo, *d, *mp;
	char path[4096];
	int found = -ENOENT;
	size_t len;

	for (; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
		d = field(line, 2);
		mp = field(line, 4);
		if (!d || !mp || unescape_field(mp, path, sizeof(path)) < 0 ||
		    strcmp(path, mountpoint))
			continue;
		len = strcspn(d, " \n");
		if (len + 1 > dev_size)
			continue;
		memcpy(dev, d, len);
		dev[len] = '\0';
		found = 0;	/* keep looking: the last one is on top */
	}
	return found;
}

static int read_mountinfo(char **out)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char *text = NULL;
	size_t n = 0;
	int rc = -errno;

	if (!f)
		return rc;
	text = malloc(MOUNTINFO_MAX);
	rc = -ENOMEM;
	if (!text)
		goto out;
	n = fread(text, 1, MOUNTINFO_MAX - 1, f);
	text[n] = '\0';
	rc = ferror(f) ? -EIO : 0;
out:
	fclose(f);
	if (rc)
		free(text);
	else
		*out = text;
	return rc;
}

int mount_tune_readahead(const char *mountpoint, unsigned kib)
{
	char *abs = realpath(mountpoint, NULL), *info = NULL;
	char dev[64], path[128];
	FILE *f = NULL;
	int rc = abs ? read_mountinfo(&info) : -errno;

	if (!rc)
		rc = mount_tune_find_dev(info, abs, dev, sizeof(dev));
	if (rc)
		goto out;
	snprintf(path, sizeof(path), "/sys/class/bdi/%s/read_ahead_kb", dev);
	f = fopen(path, "w");
	if (!f) {
		rc = -errno;
		goto out;
	}
	if (fprintf(f, "%u\n", kib) < 0)
		rc = -EIO;
	if (fclose(f) && !rc)
		rc = -errno;
out:
	if (rc)
		log_debug(LOG_SUB_MAIN, "kernel read-ahead of %s stays at its default: %s",
			  mountpoint, strerror(-rc));
	free(info);
	free(abs);
	return rc;
}
