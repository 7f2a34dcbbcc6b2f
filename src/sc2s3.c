// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sc2s3: the companion CLI.  Turns argv into a source and an S3 sink and
 * runs the uploader; owns the exit status contract of INTERFACE.md:
 * 0 done, 1 a transfer failed (nothing partial left), 2 usage or
 * configuration.  The signal flag is the one global: a handler needs it.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws_config.h"
#include "http.h"
#include "log.h"
#include "s3.h"
#include "s3_guard.h"
#include "sc_api.h"
#include "size_arg.h"
#include "scfs_version.h"
#include "sink.h"
#include "uploader.h"
#include "sc2s3_i.h"


static volatile int interrupted;


struct progress {
	struct timespec start;
	double last_print;
	int enabled;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: sc2s3 cp SRC DST [OPTIONS]\n"
"       sc2s3 sync SRC DST [--dry-run] [--delete] [--jobs N] [OPTIONS]\n"
"\n"
"SRC: a file, '-' for stdin, an http(s):// URL, or a SoundCloud track\n"
"(https://soundcloud.com/USER/TRACK or soundcloud:tracks:ID, through the API:\n"
"set SOUNDCLOUD_CLIENT_ID and SOUNDCLOUD_CLIENT_SECRET, or SOUNDCLOUD_ACCESS_TOKEN).\n"
"sync SRC: a directory (MOUNT/USER/tracks) or a SoundCloud user\n"
"(https://soundcloud.com/USER or soundcloud:users:ID, through the API).\n"
"DST: s3://bucket/key, or s3://bucket/prefix/ to append the source's name.\n"
"\n"
"options:\n"
"  --endpoint-url URL   S3 endpoint (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS)\n"
"  --region REGION      (default: AWS_REGION, AWS_DEFAULT_REGION, profile, us-east-1)\n"
"  --profile NAME       credentials profile in ~/.aws/credentials\n"
"  --path-style         path-style addressing (default for custom endpoints)\n"
"  --part-size SIZE     base part size, e.g. 16M (default 8M, 5M to 5G); grows\n"
"                       for big objects and long streams (see sc2s3(1))\n"
"  --concurrency N      parts in flight (default %d)\n"
"  --expected-size SIZE roughly how big a stream (stdin) is, to size its parts\n"
"  --progress, --no-progress   progress line on stderr (default: when a terminal)\n"
"  --quiet              print nothing but errors\n"
"  --json               one JSON object per transfer on stdout\n"
"  --api-url URL, --auth-url URL   SoundCloud API and OAuth endpoints\n"
"  --cache-dir DIR      tokens, track sizes and the rate-limit pause, shared\n"
"                       with scfs (default: $XDG_CACHE_HOME/scfs)\n"
"  -d, --debug          one line per S3 request on stderr (never a secret)\n"
"  -h, --help, -V, --version\n"
"\n"
"exit status: 0 done, 1 a transfer failed, 2 usage or configuration error\n",
		UPLOAD_CONCURRENCY_DEFAULT);
}

/* A size flag: bytes, or K, M, G, T with that suffix. */
static int parse_size(const char *s, size_t *out)
{
	uint64_t v;

	if (size_arg_parse(s, 0, &v) || v > SIZE_MAX)
		return -EINVAL;
	*out = (size_t)v;
	return 0;
}

enum { OPT_ENDPOINT = 256, OPT_REGION, OPT_PROFILE, OPT_PATH_STYLE,
       OPT_PART_SIZE, OPT_CONCURRENCY, OPT_PROGRESS, OPT_NO_PROGRESS,
       OPT_QUIET, OPT_JSON, OPT_API_URL, OPT_AUTH_URL, OPT_EXPECTED_SIZE,
       OPT_DRY_RUN, OPT_DELETE, OPT_JOBS, OPT_CACHE_DIR };

static const struct option long_options[] = {
	{ "endpoint-url", required_argument, NULL, OPT_ENDPOINT },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "delete", no_argument, NULL, OPT_DELETE },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "region", required_argument, NULL, OPT_REGION },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "path-style", no_argument, NULL, OPT_PATH_STYLE },
	{ "part-size", required_argument, NULL, OPT_PART_SIZE },
	{ "concurrency", required_argument, NULL, OPT_CONCURRENCY },
	{ "expected-size", required_argument, NULL, OPT_EXPECTED_SIZE },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "api-url", required_argument, NULL, OPT_API_URL },
	{ "auth-url", required_argument, NULL, OPT_AUTH_URL },
	{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
	{ "debug", no_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int parse_option(struct cli *c, int opt, const char *arg)
{
	char *end;

	switch (opt) {
	case OPT_ENDPOINT: c->aws.endpoint_url = arg; return 0;
	case OPT_REGION: c->aws.region = arg; return 0;
	case OPT_PROFILE: c->aws.profile = arg; return 0;
	case OPT_PATH_STYLE: c->aws.path_style = 1; return 0;
	case OPT_PROGRESS: c->progress = 1; return 0;
	case OPT_NO_PROGRESS: c->progress = 0; return 0;
	case OPT_QUIET: c->quiet = 1; return 0;
	case OPT_JSON: c->json = 1; return 0;
	case OPT_API_URL: c->api_url = arg; return 0;
	case OPT_AUTH_URL: c->auth_url = arg; return 0;
	case OPT_CACHE_DIR: c->cache_dir = arg; return 0;
	case OPT_DRY_RUN: c->dry_run = 1; return 0;
	case OPT_DELETE: c->delete = 1; return 0;
	case OPT_JOBS:
		c->jobs = (unsigned)strtoul(arg, &end, 10);
		if (*end || c->jobs < 1 || c->jobs > 16) {
			fprintf(stderr, "sc2s3: invalid --jobs '%s': expected 1 to 16\n", arg);
			return -EINVAL;
		}
		return 0;
	case OPT_PART_SIZE:
		if (parse_size(arg, &c->part_size) || c->part_size < UPLOAD_PART_SIZE_MIN ||
		    c->part_size > UPLOAD_PART_SIZE_MAX) {
			fprintf(stderr, "sc2s3: invalid --part-size '%s': expected a size from 5M to 5G\n", arg);
			return -EINVAL;
		}
		return 0;
	case OPT_EXPECTED_SIZE:
		if (parse_size(arg, &c->expected_size)) {
			fprintf(stderr, "sc2s3: invalid --expected-size '%s': expected a size such as 120G\n", arg);
			return -EINVAL;
		}
		return 0;
	case OPT_CONCURRENCY:
		c->concurrency = (unsigned)strtoul(arg, &end, 10);
		if (*end || c->concurrency < 1 || c->concurrency > 64) {
			fprintf(stderr, "sc2s3: invalid --concurrency '%s': expected 1 to 64\n", arg);
			return -EINVAL;
		}
		return 0;
	default:
		return -EINVAL;
	}
}

/* Returns 0, or the exit status to leave with. */
static int parse_args(int argc, char **argv, struct cli *c)
{
	const char *pos[3];
	int opt, n = 0;

	c->progress = -1;
	while ((opt = getopt_long(argc, argv, "-dhV", long_options, NULL)) != -1) {
		if (opt == 1) {
			if (n == 3) {
				fprintf(stderr, "sc2s3: unexpected argument '%s'\n", optarg);
				return EXIT_USAGE;
			}
			pos[n++] = optarg;
		} else if (opt == 'd') {
			c->debug = 1;
		} else if (opt == 'h') {
			usage(stdout);
			exit(0);
		} else if (opt == 'V') {
			printf("sc2s3 %s\n", PACKAGE_VERSION);
			exit(0);
		} else if (opt == '?' || parse_option(c, opt, optarg)) {
			fprintf(stderr, "sc2s3: try 'sc2s3 --help'\n");
			return EXIT_USAGE;
		}
	}
	if (n < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	c->command = pos[0];
	if (strcmp(c->command, "cp") && strcmp(c->command, "sync")) {
		fprintf(stderr, "sc2s3: unknown command '%s': expected cp or sync\n", c->command);
		return EXIT_USAGE;
	}
	if (n != 3) {
		fprintf(stderr, "sc2s3: %s needs SRC and DST\n", c->command);
		return EXIT_USAGE;
	}
	c->src = pos[1];
	c->dst = pos[2];
	if (!strcmp(c->command, "cp") && (c->dry_run || c->delete || c->jobs)) {
		fprintf(stderr, "sc2s3: --dry-run, --delete and --jobs are options of sync\n");
		return EXIT_USAGE;
	}
	return 0;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void show_progress(void *arg, int64_t done, int64_t total)
{
	struct progress *p = arg;
	double t = seconds_since(&p->start), rate;

	if (!p->enabled || (t - p->last_print < 0.2 && done != total))
		return;
	p->last_print = t;
	rate = t > 0 ? (double)done / t : 0;
	if (total > 0 && rate > 0)
		fprintf(stderr, "\r%.1f / %.1f MiB  %.1f MB/s  ETA %.0fs   ",
			(double)done / 1048576, (double)total / 1048576, rate / 1e6,
			(double)(total - done) / rate);
	else
		fprintf(stderr, "\r%.1f MiB  %.1f MB/s   ", (double)done / 1048576,
			rate / 1e6);
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}


void sc2s3_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void report(const struct cli *c, const struct transfer *t,
		   const struct upload_result *r, int rc, const char *why,
		   double seconds)
{
	char dst[1200];

	snprintf(dst, sizeof(dst), "s3://%s/%s", t->dst.bucket, t->key);
	if (c->json) {
		printf("{\"source\":");
		sc2s3_json_string(stdout, c->src);
		printf(",\"destination\":");
		sc2s3_json_string(stdout, dst);
		printf(",\"status\":\"%s\",\"bytes\":%lld,\"parts\":%u,\"seconds\":%.3f",
		       rc ? "failed" : "done", (long long)r->bytes, r->parts, seconds);
		if (rc) {
			printf(",\"error\":");
			sc2s3_json_string(stdout, why);
		} else {
			printf(",\"etag\":");
			sc2s3_json_string(stdout, r->etag);
		}
		printf("}\n");
	}
	if (rc)
		fprintf(stderr, "sc2s3: cannot copy '%s' to 's3://%s/%s': %s\n",
			c->src, t->dst.bucket, t->key, why);
	else if (!c->quiet && !c->json)
		printf("copied '%s' to 's3://%s/%s' (%lld bytes, %.1f MB/s, etag %s)\n",
		       c->src, t->dst.bucket, t->key, (long long)r->bytes,
		       seconds > 0 ? (double)r->bytes / seconds / 1e6 : 0.0, r->etag);
}

int sc2s3_final_key(struct transfer *t)
{
	if (s3_location_is_prefix(&t->dst))
		return asprintf(&t->key, "%s%s", t->dst.key, t->src->name) < 0 ?
		       -ENOMEM : 0;
	t->key = strdup(t->dst.key);
	return t->key ? 0 : -ENOMEM;
}

/* Fail before any byte is sent when the bucket is wrong or refuses us. */
static int check_destination(struct s3_client *s3, const char *endpoint,
			     const struct transfer *t)
{
	struct s3_error err;
	char text[400];
	int rc = s3_check_bucket(s3, t->dst.bucket, &err);

	if (!rc)
		return 0;
	if (!err.status) {
		fprintf(stderr, "sc2s3: cannot reach S3 at '%s': %s\n",
			endpoint, s3_error_text(&err, rc, text, sizeof(text)));
		return EXIT_TRANSFER;
	}
	fprintf(stderr, "sc2s3: cannot use bucket '%s': %s\n", t->dst.bucket,
		s3_error_text(&err, rc, text, sizeof(text)));
	return EXIT_USAGE;
}

int sc2s3_run_upload(const struct cli *c, struct s3_client *s3,
		     struct transfer *t)
{
	struct progress prog = { .enabled = c->progress == 1 ||
				 (c->progress < 0 && !c->quiet && isatty(STDERR_FILENO)) };
	struct upload_conf conf = { .part_size = c->part_size,
		.concurrency = c->concurrency, .cancel = &interrupted,
		.size_hint = (int64_t)c->expected_size,
		.progress = show_progress, .progress_arg = &prog };
	struct upload_result result;
	struct sink *sink;
	char why[1024];
	int rc;

	rc = sink_s3_new(s3, t->dst.bucket, t->key, &t->meta, &sink);
	if (rc)
		return EXIT_TRANSFER;
	sink_s3_set_watch(sink, s3_guard_watch(t->guard));
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	rc = upload_run(&conf, t->src, sink, &result, why, sizeof(why));
	t->bytes = rc ? 0 : result.bytes;
	if (prog.enabled)
		fputc('\n', stderr);
	report(c, t, &result, rc, why, seconds_since(&prog.start));
	sink->ops->free(sink);
	return rc ? EXIT_TRANSFER : 0;
}

static int cmd_cp(const struct cli *c, struct s3_client *s3,
		  const char *endpoint, struct transfer *t)
{
	int rc = sc2s3_open_source(c, t);

	if (rc)
		return rc;
	if (sc2s3_final_key(t))
		return EXIT_TRANSFER;
	rc = check_destination(s3, endpoint, t);
	return rc ? rc : sc2s3_run_upload(c, s3, t);
}

static int run(const struct cli *c, struct transfer *t)
{
	struct http_client_conf hc = { .cancel = &interrupted };
	struct s3_guard_conf guard_conf = { .owner = "sc2s3" };
	struct s3_client *s3 = NULL;
	struct aws_config aws;
	char err[512];
	int rc;

	if (s3_location_parse(c->dst, &t->dst, err, sizeof(err))) {
		fprintf(stderr, "sc2s3: %s\n", err);
		return EXIT_USAGE;
	}
	if (aws_config_load(&c->aws, NULL, &aws, err, sizeof(err))) {
		fprintf(stderr, "sc2s3: %s\n", err);
		return EXIT_USAGE;
	}
	/* Before any thread and before libcurl: the watchdog is a fork. */
	rc = s3_guard_start(&guard_conf, &aws, &t->guard);
	if (rc)
		log_warn("cannot start the upload watchdog: %s; a killed sc2s3 may leave an unfinished upload",
			 strerror(-rc));
	rc = http_client_new(&hc, &t->http);
	if (!rc)
		rc = s3_client_new(&aws, t->http, &s3);
	if (rc) {
		fprintf(stderr, "sc2s3: cannot start: %s\n", strerror(-rc));
		rc = EXIT_TRANSFER;
	} else if (!strcmp(c->command, "sync")) {
		rc = check_destination(s3, aws.endpoint_url, t);
		if (!rc)
			rc = sc2s3_sync(c, s3, t->http, t->guard, &t->dst);
	} else {
		rc = cmd_cp(c, s3, aws.endpoint_url, t);
	}
	source_free(t->src);
	t->src = NULL;
	sc_api_free(t->api);
	s3_client_free(s3);
	http_client_free(t->http);
	s3_guard_stop(t->guard);
	aws_config_release(&aws);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	struct transfer t = { 0 };
	int rc;

	log_setup(LOG_WARNING, 0, "sc2s3");
	rc = parse_args(argc, argv, &c);
	if (rc)
		return rc;
	if (c.debug)
		log_setup(LOG_DEBUG, LOG_SUB_ALL, "sc2s3");
	catch_signals();
	rc = run(&c, &t);
	s3_location_release(&t.dst);
	free(t.key);
	if (interrupted && rc)
		fprintf(stderr, "sc2s3: interrupted; the upload was aborted\n");
	return rc;
}
