// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main: the scfs daemon's lifecycle (after libfuse's passthrough_ll and
 * sshfs): parse options, check everything that can fail before mounting
 * (credentials, users, mountpoint), then mount, daemonize and serve.
 * exit() lives here and nowhere else.
 */
#include <errno.h>
#include <limits.h>
#include <fuse.h>
#include <fuse_lowlevel.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "fuse_ops.h"
#include "http.h"
#include "log.h"
#include "mount_tune.h"
#include "sc_api.h"
#include "size_arg.h"
#include "scfs_copy.h"
#include "scfs_version.h"
#include "statefile.h"

/* How long a listing is trusted; the real API's data changes slowly and
 * its rate limits punish eager clients. */
#define SCFS_TTL_DEFAULT 300
/* The least disk_cache_size: a few of the on-disk cache's blocks. */
#define SCFS_DISK_CACHE_SIZE_MIN (1ull << 20)

struct scfs_opts {
	char **users;		/* owned, n_users entries */
	size_t n_users;
	char *api_url;
	char *auth_url;
	int ttl;
	char *cache_dir;
	char *s3_endpoint;
	char *s3_region;
	int s3_path_style;
	int probe_concurrency;
	unsigned cache_size;	/* MiB; 0: the default */
	unsigned readahead_max;	/* MiB; 0: the default */
	char *disk_cache;	/* directory; NULL: no on-disk cache */
	char *disk_cache_size;	/* SIZE as given */
	int debug_http;
	int debug_api;
	int debug_reader;
	int show_help;
	int show_version;
};

enum { KEY_USER, KEY_HELP, KEY_VERSION };

#define SCFS_OPT(t, p, v) { t, offsetof(struct scfs_opts, p), v }

static const struct fuse_opt scfs_opt_spec[] = {
	SCFS_OPT("api_url=%s", api_url, 0),
	SCFS_OPT("auth_url=%s", auth_url, 0),
	SCFS_OPT("ttl=%d", ttl, 0),
	SCFS_OPT("cache_dir=%s", cache_dir, 0),
	SCFS_OPT("probe_concurrency=%d", probe_concurrency, 0),
	SCFS_OPT("cache_size=%u", cache_size, 0),
	SCFS_OPT("readahead_max=%u", readahead_max, 0),
	SCFS_OPT("disk_cache=%s", disk_cache, 0),
	SCFS_OPT("disk_cache_size=%s", disk_cache_size, 0),
	SCFS_OPT("s3_endpoint=%s", s3_endpoint, 0),
	SCFS_OPT("s3_region=%s", s3_region, 0),
	SCFS_OPT("s3_path_style", s3_path_style, 1),
	SCFS_OPT("debug_http", debug_http, 1),
	SCFS_OPT("debug_api", debug_api, 1),
	SCFS_OPT("debug_reader", debug_reader, 1),
	FUSE_OPT_KEY("user=", KEY_USER),
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION),
	FUSE_OPT_KEY("--version", KEY_VERSION),
	/* fstab noise that means nothing to us */
	FUSE_OPT_KEY("_netdev", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("noauto", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("user", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("nouser", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_END
};

static void usage(const char *prog)
{
	printf("usage: %s [options] MOUNTPOINT\n\n"
"scfs options (-o opt[,opt...]):\n"
"    user=PERMALINK[:PERMALINK...]  SoundCloud users to show (repeatable;\n"
"                           default: the owner of SOUNDCLOUD_ACCESS_TOKEN)\n"
"    api_url=URL            API base (default %s)\n"
"    auth_url=URL           OAuth token endpoint (default %s)\n"
"    ttl=SECONDS            how long a listing is trusted (default %d)\n"
"    cache_dir=DIR          persistent metadata and tokens\n"
"                           (default $XDG_CACHE_HOME/scfs, else ~/.cache/scfs)\n"
"    probe_concurrency=N    size probes in flight per listing (default %d)\n"
"    cache_size=MiB         memory for cached and read-ahead bytes (default %u)\n"
"    readahead_max=MiB      read-ahead window of a sequential reader (default %u)\n"
"    disk_cache=DIR         also keep read bytes on disk, in DIR (default: off)\n"
"    disk_cache_size=SIZE   cap of DIR, e.g. 500M, 20G (a bare number is MiB;\n"
"                           default %lluM)\n"
"    s3_endpoint=URL, s3_region=R, s3_path_style   where copies go\n"
"    debug_http, debug_api, debug_reader   per-subsystem debug logs\n"
"\n"
"credentials come from the environment: SOUNDCLOUD_CLIENT_ID and\n"
"SOUNDCLOUD_CLIENT_SECRET, or SOUNDCLOUD_ACCESS_TOKEN [+ SOUNDCLOUD_REFRESH_TOKEN]\n\n",
	       prog, SC_API_URL_DEFAULT, SC_AUTH_URL_DEFAULT, SCFS_TTL_DEFAULT,
	       CATALOG_PROBES_DEFAULT, READER_CACHE_DEFAULT >> 20,
	       READER_READAHEAD_MAX_DEFAULT >> 20,
	       (unsigned long long)(READER_DISK_CACHE_DEFAULT >> 20));
}

static int add_users(struct scfs_opts *o, const char *list)
{
	const char *p = list;
	char **grown;
	size_t n;

	while (*p) {
		n = strcspn(p, ":");
		if (n) {
			grown = realloc(o->users, (o->n_users + 1) * sizeof(*grown));
			if (!grown)
				return -1;
			o->users = grown;
			o->users[o->n_users] = strndup(p, n);
			if (!o->users[o->n_users])
				return -1;
			o->n_users++;
		}
		p += n;
		if (*p == ':')
			p++;
	}
	return 0;
}

static int scfs_opt_proc(void *data, const char *arg, int key,
			 struct fuse_args *outargs)
{
	struct scfs_opts *o = data;

	(void)outargs;
	switch (key) {
	case KEY_USER:
		return add_users(o, arg + strlen("user=")) ? -1 : 0;
	case KEY_HELP:
		o->show_help = 1;
		return 1;	/* libfuse prints its own options too */
	case KEY_VERSION:
		o->show_version = 1;
		return 1;
	default:
		return 1;
	}
}

static void opts_release(struct scfs_opts *o)
{
	size_t i;

	for (i = 0; i < o->n_users; i++)
		free(o->users[i]);
	free(o->users);
	free(o->api_url);
	free(o->auth_url);
	free(o->cache_dir);
	free(o->disk_cache);
	free(o->disk_cache_size);
	free(o->s3_endpoint);
	free(o->s3_region);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* One clear line when the mountpoint cannot be used, before any network. */
static int check_mountpoint(const char *mnt)
{
	struct stat st;

	if (!mnt) {
		fprintf(stderr, "scfs: no mountpoint given (try 'scfs --help')\n");
		return -EINVAL;
	}
	if (stat(mnt, &st)) {
		fprintf(stderr, "scfs: cannot use mountpoint '%s': %s\n", mnt, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "scfs: cannot use mountpoint '%s': not a directory\n", mnt);
		return -ENOTDIR;
	}
	return 0;
}

/* The cache directory (tokens, metadata), created 0700.  An explicit
 * cache_dir= that cannot be used stops the mount; without one and
 * without $HOME, scfs runs with nothing persisted. */
static int prepare_cache_dir(struct scfs_opts *o)
{
	int rc = 0;

	if (!o->cache_dir && statefile_default_dir(&o->cache_dir)) {
		fprintf(stderr, "scfs: warning: no cache directory ($XDG_CACHE_HOME and $HOME unset): tokens and sizes are not kept\n");
		return 0;
	}
	if (o->cache_dir)
		rc = statefile_mkdirs(o->cache_dir);
	if (rc)
		fprintf(stderr, "scfs: cannot use cache directory '%s': %s\n",
			o->cache_dir, strerror(-rc));
	return rc;
}

/* The on-disk cache's directory is made (0700) and its size read before
 * mounting, so a mistake reaches the terminal; the cache itself opens in
 * the daemon. */
static int check_disk_cache(const struct scfs_opts *o, uint64_t *size)
{
	int rc;

	*size = 0;
	if (o->disk_cache_size && (size_arg_parse(o->disk_cache_size, 20, size) ||
				   *size < SCFS_DISK_CACHE_SIZE_MIN)) {
		fprintf(stderr, "scfs: invalid disk_cache_size=%s: give a size of at least 1M, e.g. 500M or 20G\n",
			o->disk_cache_size);
		return -EINVAL;
	}
	if (!o->disk_cache)
		return 0;
	rc = statefile_mkdirs(o->disk_cache);
	if (!rc && access(o->disk_cache, W_OK | X_OK))
		rc = -errno;
	if (rc)
		fprintf(stderr, "scfs: cannot use disk cache '%s': %s\n",
			o->disk_cache, strerror(-rc));
	return rc;
}

struct scfs_engine {
	struct http_client *http;
	struct sc_api *api;
	struct catalog *cat;
	struct scfs_copy *copy;
	/* Set once the mount is gone: transfers still running (a listing
	 * refresh waiting out a 429) end at once instead of minutes later. */
	volatile int stopping;
};

static void engine_stop(struct scfs_engine *e)
{
	e->stopping = 1;
	/* Copies read through the catalog: they go first (and abort). */
	scfs_copy_free(e->copy);
	catalog_free(e->cat);
	sc_api_free(e->api);
	http_client_free(e->http);
	memset(e, 0, sizeof(*e));
}

/* The user.s3.copy settings and the upload watchdog, forked here: before
 * libcurl, any thread and the mount, so that it holds none of them.  It
 * survives fuse_daemonize (the daemon inherits our end of its socket) and
 * acts only once the daemon is gone. */
static int prepare_copies(const struct scfs_opts *o, int background,
			  struct scfs_engine *e)
{
	struct scfs_copy_conf conf = { .s3_endpoint = o->s3_endpoint,
		.s3_region = o->s3_region, .s3_path_style = o->s3_path_style,
		.daemon = background };
	int rc = scfs_copy_new(&conf, &e->copy);

	if (rc)
		fprintf(stderr, "scfs: cannot start: %s\n", strerror(-rc));
	return rc;
}

/* The API waits for a rate-limit pause: copies' statuses say so. */
static void api_waits(void *arg, int64_t wait_ms, int64_t until_ms,
		      const char *why)
{
	struct scfs_engine *e = arg;

	(void)wait_ms;
	(void)why;	/* sc_api logged it */
	scfs_copy_note_wait(e->copy, until_ms);
}

/* Everything that talks to the network before the mount.  Prints one line
 * on failure. */
static int engine_start(const struct scfs_opts *o, int background,
			struct scfs_engine *e)
{
	struct http_client_conf hc = { .verbose = o->debug_http,
					.cancel = &e->stopping };
	struct sc_api_conf ac = {
		.api_url = o->api_url, .auth_url = o->auth_url,
		.client_id = env("SOUNDCLOUD_CLIENT_ID"),
		.client_secret = env("SOUNDCLOUD_CLIENT_SECRET"),
		.access_token = env("SOUNDCLOUD_ACCESS_TOKEN"),
		.refresh_token = env("SOUNDCLOUD_REFRESH_TOKEN"),
		.cache_dir = o->cache_dir,
		.on_wait = api_waits, .on_wait_arg = e,
	};
	struct catalog_conf cc = {
		.users = o->users, .n_users = o->n_users, .ttl = (unsigned)o->ttl,
		.probe_concurrency = (unsigned)o->probe_concurrency,
		.cache_dir = o->cache_dir,
	};
	char err[600];
	int rc;

	rc = prepare_copies(o, background, e);
	if (rc)
		return rc;
	rc = http_client_new(&hc, &e->http);
	if (!rc)
		rc = sc_api_new(&ac, e->http, &e->api);
	if (rc) {
		fprintf(stderr, "scfs: cannot start: %s\n", strerror(-rc));
		return rc;
	}
	rc = sc_api_authenticate(e->api, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "scfs: %s\n", err);
		return rc;
	}
	rc = catalog_new(&cc, e->api, &e->cat);
	if (rc == -ENOENT)
		fprintf(stderr, "scfs: not mounting: a user does not exist (see above)\n");
	else if (rc)
		fprintf(stderr, "scfs: not mounting: cannot list the users' tracks: %s\n",
			strerror(-rc));
	/* The copy queue's threads start with the first copy, after the
	 * daemon has forked. */
	if (rc)
		return rc;
	rc = scfs_copy_start(e->copy, e->cat, e->http);
	if (rc)
		fprintf(stderr, "scfs: cannot start: %s\n", strerror(-rc));
	return rc;
}

static void fuse_log_sink(enum fuse_log_level level, const char *fmt,
			  va_list ap)
{
	log_vmsg((int)level, fmt, ap);
}

static unsigned debug_mask(const struct scfs_opts *o)
{
	return (o->debug_http ? LOG_SUB_HTTP : 0) |
	       (o->debug_api ? LOG_SUB_API | LOG_SUB_CATALOG : 0) |
	       (o->debug_reader ? LOG_SUB_READER : 0);
}

static int serve(struct fuse *fuse, const struct fuse_cmdline_opts *cmd)
{
	struct fuse_loop_config *loop;
	int rc;

	if (cmd->singlethread)
		return fuse_loop(fuse);
	loop = fuse_loop_cfg_create();
	if (!loop)
		return -ENOMEM;
	fuse_loop_cfg_set_clone_fd(loop, (unsigned)cmd->clone_fd);
	/* UINT_MAX means "not given"; libfuse 3.14 complains if passed on. */
	if (cmd->max_idle_threads != UINT_MAX)
		fuse_loop_cfg_set_idle_threads(loop, cmd->max_idle_threads);
	fuse_loop_cfg_set_max_threads(loop, cmd->max_threads);
	rc = fuse_loop_mt(fuse, loop);
	fuse_loop_cfg_destroy(loop);
	return rc;
}

static int mount_and_serve(struct fuse_args *args,
			   const struct fuse_cmdline_opts *cmd,
			   struct scfs_fs *fs)
{
	const struct fuse_operations *ops = scfs_fuse_operations();
	struct fuse *fuse;
	int rc = 1;

	/* Not "-o ro": setxattr must reach us for user.s3.copy; every write
	 * path answers EROFS itself. */
	if (fuse_opt_add_arg(args, "-ofsname=scfs,subtype=scfs"))
		return 1;
	fuse = fuse_new(args, ops, sizeof(*ops), fs);
	if (!fuse)
		return 1;
	if (fuse_mount(fuse, cmd->mountpoint))
		goto out_destroy;
	/* Best effort: without it sequential reads come 128 KiB at a time. */
	mount_tune_readahead(cmd->mountpoint, SCFS_MAX_READ >> 10);
	if (fuse_set_signal_handlers(fuse_get_session(fuse)))
		goto out_unmount;
	if (fuse_daemonize(cmd->foreground))
		goto out_signals;
	if (!cmd->foreground)
		log_use_syslog();
	rc = serve(fuse, cmd) < 0 ? 1 : 0;
out_signals:
	fuse_remove_signal_handlers(fuse_get_session(fuse));
out_unmount:
	fuse_unmount(fuse);
out_destroy:
	fuse_destroy(fuse);
	return rc;
}

int main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct scfs_opts o = { .ttl = SCFS_TTL_DEFAULT };
	struct fuse_cmdline_opts cmd = { 0 };
	struct scfs_engine engine = { 0 };
	struct scfs_fs fs;
	uint64_t disk_size;
	int rc = 1;

	log_setup(LOG_WARNING, 0, "scfs");
	fuse_set_log_func(fuse_log_sink);
	if (fuse_opt_parse(&args, &o, scfs_opt_spec, scfs_opt_proc) ||
	    fuse_parse_cmdline(&args, &cmd)) {
		rc = 2;
		goto out_opts;
	}
	if (o.show_version || cmd.show_version) {
		printf("scfs %s\nFUSE library version %s\n", PACKAGE_VERSION,
		       fuse_pkgversion());
		rc = 0;
		goto out_opts;
	}
	if (o.show_help || cmd.show_help) {
		usage(argv[0]);
		fuse_cmdline_help();
		fuse_lib_help(&args);
		rc = 0;
		goto out_opts;
	}
	log_setup(cmd.debug ? LOG_DEBUG : cmd.foreground ? LOG_INFO : LOG_WARNING,
		  debug_mask(&o), "scfs");
	if (check_mountpoint(cmd.mountpoint))
		goto out_opts;
	/* Without user=, a user token's owner is shown. */
	if (!o.n_users && !env("SOUNDCLOUD_ACCESS_TOKEN") &&
	    !env("SOUNDCLOUD_REFRESH_TOKEN")) {
		fprintf(stderr, "scfs: no user to show: add -o user=PERMALINK\n");
		goto out_opts;
	}
	if (o.ttl < 0) {
		fprintf(stderr, "scfs: invalid ttl=%d: must be 0 or more seconds\n", o.ttl);
		goto out_opts;
	}
	if (o.probe_concurrency < 0 || o.probe_concurrency > CATALOG_PROBES_MAX) {
		fprintf(stderr, "scfs: invalid probe_concurrency=%d: must be 1 to %d\n",
			o.probe_concurrency, CATALOG_PROBES_MAX);
		goto out_opts;
	}
	if (prepare_cache_dir(&o) || check_disk_cache(&o, &disk_size))
		goto out_opts;
	if (engine_start(&o, !cmd.foreground, &engine))
		goto out_engine;
	fs = (struct scfs_fs){ engine.cat, getuid(), getgid(), o.ttl };
	fs.cache_size = (size_t)o.cache_size << 20;
	fs.readahead_max = (size_t)o.readahead_max << 20;
	fs.disk_cache_dir = o.disk_cache;
	fs.disk_cache_size = disk_size;
	fs.copy = engine.copy;
	rc = mount_and_serve(&args, &cmd, &fs);
out_engine:
	engine_stop(&engine);
out_opts:
	free(cmd.mountpoint);
	fuse_opt_free_args(&args);
	opts_release(&o);
	return rc;
}
