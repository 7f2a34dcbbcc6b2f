// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sc2s3_source: cp's sources, one function per kind of SRC in INTERFACE.md
 * (a file or stdin, an http(s) URL, a SoundCloud track through the API with
 * the copy policy), the cache directory and API client they share with
 * sync, and the objects' metadata.  Each opener returns 0 or an exit
 * status with its message printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "log.h"
#include "names.h"
#include "sc_api.h"
#include "source_original.h"
#include "source_url.h"
#include "statefile.h"
#include "sc2s3_i.h"

enum source_kind { SRC_STDIN, SRC_FILE, SRC_URL, SRC_SOUNDCLOUD };

static enum source_kind source_kind(const char *src)
{
	if (!strcmp(src, "-"))
		return SRC_STDIN;
	if (!strncmp(src, "https://soundcloud.com/", 23) ||
	    !strncmp(src, "soundcloud:", 11))
		return SRC_SOUNDCLOUD;
	if (!strncmp(src, "http://", 7) || !strncmp(src, "https://", 8))
		return SRC_URL;
	return SRC_FILE;
}

/* A file or stdin.  Returns 0 or an exit status (message printed). */
static int open_file(const char *path, struct source **out)
{
	const char *base = strrchr(path, '/');
	int fd, rc;

	if (!strcmp(path, "-"))
		fd = dup(STDIN_FILENO);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
	} else {
		rc = source_fd_new(fd, strcmp(path, "-") ? (base ? base + 1 : path) :
				   "stdin", out);
		if (rc)
			close(fd);
	}
	if (!rc)
		return 0;
	fprintf(stderr, "sc2s3: cannot open '%s': %s\n", path, strerror(-rc));
	return EXIT_USAGE;
}

static int open_url(const char *url, struct transfer *t)
{
	char err[700];
	int rc = source_url_new(t->http, url, &t->src, err, sizeof(err));

	if (!rc)
		return 0;
	fprintf(stderr, "sc2s3: %s\n", err);
	/* What the server refuses is the user's to fix, like a missing file;
	 * a failed transfer may work next time. */
	return rc == -ENOENT || rc == -EACCES || rc == -ENOTSUP ||
	       rc == -EINVAL ? EXIT_USAGE : EXIT_TRANSFER;
}

/* Whether the track's original may go into a bucket: downloadable
 * originals, and the tracks of the user whose token this is (the API's
 * terms forbid copying anyone else's; RESEARCH.md section 0, item 7). */
static int may_copy(struct sc_api *api, int user_token,
		    const struct sc_track *tr)
{
	struct sc_user me = { 0 };
	const char *path;
	struct buf body;
	int mine = 0;
	size_t n;

	if (tr->downloadable)
		return 1;
	if (!user_token || !tr->permalink_url ||
	    !(path = strstr(tr->permalink_url, "://")))
		return 0;
	path = strchr(path + 3, '/');
	buf_init(&body, HTTP_MAX_BODY_DEFAULT);
	if (path && !sc_api_get_json(api, "/me", &body) &&
	    !sc_json_user(body.data, body.len, &me) && me.permalink) {
		n = strlen(me.permalink);
		mine = !strncasecmp(path + 1, me.permalink, n) && path[n + 1] == '/';
	}
	sc_user_release(&me);
	buf_release(&body);
	return mine;
}

static int track_failed(const char *ref, int rc)
{
	if (rc == -EINVAL)
		fprintf(stderr, "sc2s3: '%s' is not a SoundCloud track: expected https://soundcloud.com/USER/TRACK or soundcloud:tracks:ID\n",
			ref);
	else if (rc == -ENOENT)
		fprintf(stderr, "sc2s3: cannot read '%s': no such track\n", ref);
	else
		fprintf(stderr, "sc2s3: cannot read '%s': %s\n", ref, strerror(-rc));
	return rc == -EINVAL || rc == -ENOENT || rc == -EACCES ? EXIT_USAGE :
	       EXIT_TRANSFER;
}

/* The original of a track the API describes, as a source named like the
 * file on the mount. */
static int open_original(const char *ref, struct transfer *t,
			 const struct sc_track *tr)
{
	char ext[16], name[NAMES_MAX + 1];
	struct sc_probe probe = { 0 };
	int rc = sc_api_probe_original(t->api, tr->urn, &probe);

	if (!rc) {
		names_ext_for(probe.content_type, probe.disposition, ext);
		names_track_name(tr->title, tr->id, ext, name);
		rc = source_original_new(t->api, tr->urn, probe.size, probe.etag,
					 name, &t->src);
	}
	if (!rc) {
		t->src->content_type = probe.content_type;
		probe.content_type = NULL;
		snprintf(t->urn, sizeof(t->urn), "%s", tr->urn);
		snprintf(t->sc_source, sizeof(t->sc_source), "original");
	}
	sc_probe_release(&probe);
	if (rc)
		fprintf(stderr, "sc2s3: cannot read the original of '%s': %s\n", ref,
			strerror(-rc));
	return rc ? EXIT_TRANSFER : 0;
}

/* Told by sc_api when requests start waiting for a rate-limit pause:
 * the line says so instead of the run failing. */
static void show_wait(void *arg, int64_t wait_ms, int64_t until_ms,
		      const char *why)
{
	const struct cli *c = arg;
	time_t until = (time_t)(until_ms / 1000);
	char when[32];
	struct tm tm;

	if (c->quiet)
		return;
	strftime(when, sizeof(when), "%H:%M:%S", gmtime_r(&until, &tm));
	/* On a terminal the line takes the place of the progress line. */
	fprintf(stderr, "%ssc2s3: waiting %.0f s for SoundCloud's rate limit (until %s UTC): %s\n",
		isatty(STDERR_FILENO) ? "\r" : "", (double)wait_ms / 1000 + 0.5,
		when, why);
}

int sc2s3_cache_dir(const struct cli *c, char **out)
{
	int rc = 0;

	*out = NULL;
	if (c->cache_dir && !(*out = strdup(c->cache_dir)))
		return EXIT_TRANSFER;
	if (!*out && statefile_default_dir(out)) {
		fprintf(stderr, "sc2s3: warning: no cache directory ($XDG_CACHE_HOME and $HOME unset): tokens and sizes are not kept\n");
		return 0;
	}
	rc = statefile_mkdirs(*out);
	if (!rc)
		return 0;
	fprintf(stderr, "sc2s3: cannot use cache directory '%s': %s\n", *out,
		strerror(-rc));
	free(*out);
	*out = NULL;
	return EXIT_USAGE;
}

int sc2s3_api_new(const struct cli *c, struct http_client *http,
		  const char *cache_dir, struct sc_api **out)
{
	struct sc_api_conf conf = { .api_url = c->api_url, .auth_url = c->auth_url,
		.client_id = getenv("SOUNDCLOUD_CLIENT_ID"),
		.client_secret = getenv("SOUNDCLOUD_CLIENT_SECRET"),
		.access_token = getenv("SOUNDCLOUD_ACCESS_TOKEN"),
		.refresh_token = getenv("SOUNDCLOUD_REFRESH_TOKEN"),
		.cache_dir = cache_dir, .on_wait = show_wait,
		.on_wait_arg = (void *)c };
	char err[400];

	if (!(conf.access_token && *conf.access_token) &&
	    !(conf.client_id && *conf.client_id && conf.client_secret &&
	      *conf.client_secret)) {
		fprintf(stderr, "sc2s3: cannot read '%s': no SoundCloud credentials: set SOUNDCLOUD_CLIENT_ID and SOUNDCLOUD_CLIENT_SECRET, or SOUNDCLOUD_ACCESS_TOKEN\n",
			c->src);
		return EXIT_USAGE;
	}
	if (sc_api_new(&conf, http, out))
		return EXIT_TRANSFER;
	if (sc_api_authenticate(*out, err, sizeof(err))) {
		fprintf(stderr, "sc2s3: cannot sign in to SoundCloud: %s\n", err);
		return EXIT_USAGE;
	}
	return 0;
}

static int open_soundcloud(const struct cli *c, struct transfer *t)
{
	struct sc_track tr = { 0 };
	char *cache_dir = NULL;
	int rc;

	rc = sc2s3_cache_dir(c, &cache_dir);
	if (!rc)
		rc = sc2s3_api_new(c, t->http, cache_dir, &t->api);
	free(cache_dir);
	if (rc)
		return rc;
	rc = sc_api_resolve_track(t->api, c->src, &tr);
	if (rc)
		return track_failed(c->src, rc);
	if (!may_copy(t->api, sc_api_has_user_token(t->api), &tr)) {
		fprintf(stderr, "sc2s3: will not copy '%s' (%s): only downloadable originals and your own tracks (with your user token) may be copied\n",
			c->src, tr.urn);
		rc = EXIT_TRANSFER;
	} else {
		rc = open_original(c->src, t, &tr);
	}
	sc_track_release(&tr);
	return rc;
}

/* Metadata a file on an scfs mount carries in its xattrs. */
static void read_mount_meta(const char *path, struct transfer *t)
{
	ssize_t n;

	n = getxattr(path, "user.sc.urn", t->urn, sizeof(t->urn) - 1);
	t->urn[n > 0 ? n : 0] = '\0';
	n = getxattr(path, "user.sc.source", t->sc_source, sizeof(t->sc_source) - 1);
	t->sc_source[n > 0 ? n : 0] = '\0';
}

void sc2s3_fill_meta(struct transfer *t)
{
	size_t i = 0;

	if (t->urn[0]) {
		t->meta_names[i] = "sc-urn";
		t->meta_values[i++] = t->urn;
	}
	if (t->sc_source[0]) {
		t->meta_names[i] = "sc-source";
		t->meta_values[i++] = t->sc_source;
	}
	if (t->src->size >= 0) {
		snprintf(t->size_text, sizeof(t->size_text), "%lld",
			 (long long)t->src->size);
		t->meta_names[i] = "sc-size";
		t->meta_values[i++] = t->size_text;
	}
	t->meta.names = t->meta_names;
	t->meta.values = t->meta_values;
	t->meta.n = i;
	t->meta.content_type = t->src->content_type ? t->src->content_type :
			       names_type_for(t->src->name);
}

int sc2s3_open_source(const struct cli *c, struct transfer *t)
{
	int rc;

	switch (source_kind(c->src)) {
	case SRC_URL:
		rc = open_url(c->src, t);
		break;
	case SRC_SOUNDCLOUD:
		rc = open_soundcloud(c, t);
		break;
	case SRC_FILE:
		rc = open_file(c->src, &t->src);
		if (!rc)
			read_mount_meta(c->src, t);
		if (!rc && !strcmp(t->sc_source, SC2S3_STREAM_SOURCE)) {
			fprintf(stderr, "sc2s3: cannot copy '%s': it is a SoundCloud stream, and only originals (downloadable, or your own with a user token) may be copied\n",
				c->src);
			rc = EXIT_TRANSFER;
		}
		break;
	default:
		rc = open_file(c->src, &t->src);
		break;
	}
	if (!rc)
		sc2s3_fill_meta(t);
	return rc;
}
