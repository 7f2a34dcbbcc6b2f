// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scfs_copy: the callbacks the copy queue needs, over the catalog and S3.
 * Owns the S3 client and configuration of the daemon, the upload watchdog
 * that aborts the copies' uploads should the daemon be killed, and the
 * metadata of each object while its sink lives.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_config.h"
#include "catalog.h"
#include "copy_jobs.h"
#include "log.h"
#include "names.h"
#include "rate_pause.h"
#include "s3.h"
#include "s3_guard.h"
#include "scfs_copy.h"
#include "sink.h"

#define COPY_META_MAX 128

struct scfs_copy {
	struct copy_jobs_conf jobs_conf;
	struct catalog *cat;
	struct copy_jobs *jobs;
	struct aws_config aws;
	int aws_loaded;
	struct s3_guard *guard;	/* NULL: none (no S3, or fork failed) */
	struct s3_client *s3;	/* NULL when the configuration failed */
	char aws_error[512];
	/* The API's rate-limit pause in force (wall-clock ms), for the
	 * statuses of copies that wait on it; 0: none. */
	_Atomic int64_t api_paused_until_ms;
};

/* An S3 sink that owns the metadata it was made with. */
struct meta_sink {
	struct sink base;
	struct sink *inner;
	struct s3_meta meta;
	const char *names[3];
	const char *values[3];
	char urn[COPY_META_MAX];
	char source[COPY_META_MAX];
	char size[32];
};

static int ms_put_whole(struct sink *sk, const void *d, size_t n,
			const unsigned char md5[16])
{
	struct sink *in = ((struct meta_sink *)sk)->inner;

	return in->ops->put_whole(in, d, n, md5);
}

static int ms_begin(struct sink *sk)
{
	struct sink *in = ((struct meta_sink *)sk)->inner;
	int rc = in->ops->begin(in);

	sk->wants = in->wants;	/* begin may change it (sink.h) */
	return rc;
}

static int ms_put_part(struct sink *sk, unsigned part, const void *d, size_t n,
		       const struct sink_digests *dg, struct sink_part_etag *etag)
{
	struct sink *in = ((struct meta_sink *)sk)->inner;

	return in->ops->put_part(in, part, d, n, dg, etag);
}

static int ms_complete(struct sink *sk, unsigned n)
{
	struct sink *in = ((struct meta_sink *)sk)->inner;

	return in->ops->complete(in, n);
}

static int ms_abort(struct sink *sk)
{
	struct sink *in = ((struct meta_sink *)sk)->inner;

	return in->ops->abort(in);
}

static int ms_stat(struct sink *sk, int64_t *size, char **etag)
{
	struct sink *in = ((struct meta_sink *)sk)->inner;

	return in->ops->stat(in, size, etag);
}

static int ms_remove(struct sink *sk)
{
	struct sink *in = ((struct meta_sink *)sk)->inner;

	return in->ops->remove(in);
}

static const char *ms_last_error(struct sink *sk)
{
	struct sink *in = ((struct meta_sink *)sk)->inner;

	return in->ops->last_error(in);
}

static void ms_free(struct sink *sk)
{
	struct meta_sink *ms = (struct meta_sink *)sk;

	if (ms->inner)
		ms->inner->ops->free(ms->inner);
	free(ms);
}

static const struct sink_ops meta_sink_ops = {
	.put_whole = ms_put_whole,
	.begin = ms_begin,
	.put_part = ms_put_part,
	.complete = ms_complete,
	.abort = ms_abort,
	.stat = ms_stat,
	.remove = ms_remove,
	.last_error = ms_last_error,
	.free = ms_free,
};

/* Metadata of INTERFACE.md from the track's xattrs. */
static void fill_meta(struct meta_sink *ms, const struct catalog_node *node,
		      const struct source *src)
{
	size_t n = 0;
	ssize_t len;

	len = catalog_getxattr(node, "user.sc.urn", ms->urn, sizeof(ms->urn) - 1);
	if (len > 0) {
		ms->urn[len] = '\0';
		ms->names[n] = "sc-urn";
		ms->values[n++] = ms->urn;
	}
	len = catalog_getxattr(node, "user.sc.source", ms->source, sizeof(ms->source) - 1);
	if (len > 0) {
		ms->source[len] = '\0';
		ms->names[n] = "sc-source";
		ms->values[n++] = ms->source;
	}
	if (src->size >= 0) {
		snprintf(ms->size, sizeof(ms->size), "%lld", (long long)src->size);
		ms->names[n] = "sc-size";
		ms->values[n++] = ms->size;
	}
	ms->meta.names = ms->names;
	ms->meta.values = ms->values;
	ms->meta.n = n;
	ms->meta.content_type = src->content_type ? src->content_type :
				names_type_for(src->name);
}

static int open_source(void *arg, const char *file, struct source **out)
{
	struct scfs_copy *c = arg;
	struct catalog_node node;
	int rc = catalog_lookup(c->cat, file, &node);

	if (rc)
		return rc;
	rc = catalog_open(c->cat, &node, out);
	catalog_node_release(&node);
	return rc;
}

static int open_sink(void *arg, const char *file, const char *bucket,
		     const char *key, struct source *src, struct sink **out,
		     char *why, size_t why_size)
{
	struct scfs_copy *c = arg;
	struct catalog_node node;
	struct meta_sink *ms;
	int rc;

	if (!c->s3) {
		snprintf(why, why_size, "%s", c->aws_error);
		return -ENOKEY;
	}
	rc = catalog_lookup(c->cat, file, &node);
	if (rc)
		return rc;
	ms = calloc(1, sizeof(*ms));
	if (!ms) {
		catalog_node_release(&node);
		return -ENOMEM;
	}
	ms->base.ops = &meta_sink_ops;
	fill_meta(ms, &node, src);
	catalog_node_release(&node);
	rc = sink_s3_new(c->s3, bucket, key, &ms->meta, &ms->inner);
	if (rc) {
		free(ms);
		return rc;
	}
	sink_s3_set_watch(ms->inner, s3_guard_watch(c->guard));
	/* The uploader hashes a part once for every digest the S3 sink
	 * sends, and hands them through. */
	ms->base.wants = ms->inner->wants;
	*out = &ms->base;
	return 0;
}

static const struct copy_jobs_ops scfs_copy_ops = { open_source, open_sink };

/* S3 settings as the AWS CLI reads them; the s3_* options fill in what
 * the environment leaves out. */
static void load_aws(struct scfs_copy *c, const struct scfs_copy_conf *conf)
{
	struct aws_config_overrides ov = { .path_style = conf->s3_path_style };

	if (conf->s3_region && !getenv("AWS_REGION") && !getenv("AWS_DEFAULT_REGION"))
		ov.region = conf->s3_region;
	if (conf->s3_endpoint && !getenv("AWS_ENDPOINT_URL_S3") &&
	    !getenv("AWS_ENDPOINT_URL"))
		ov.endpoint_url = conf->s3_endpoint;
	c->aws_loaded = !aws_config_load(&ov, NULL, &c->aws, c->aws_error,
					 sizeof(c->aws_error));
	/* Said by scfs_copy_start: a mount refused for another reason
	 * prints its one line only. */
}

int scfs_copy_new(const struct scfs_copy_conf *conf, struct scfs_copy **out)
{
	struct s3_guard_conf gc = { .owner = "scfs", .daemon = conf->daemon };
	struct scfs_copy *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return -ENOMEM;
	c->jobs_conf = (struct copy_jobs_conf){ conf->workers, conf->part_size,
						conf->concurrency };
	load_aws(c, conf);
	if (c->aws_loaded) {
		rc = s3_guard_start(&gc, &c->aws, &c->guard);
		if (rc)
			log_warn("cannot start the upload watchdog: %s; a killed scfs may leave unfinished uploads",
				 strerror(-rc));
	}
	*out = c;
	return 0;
}

int scfs_copy_start(struct scfs_copy *c, struct catalog *cat,
		    struct http_client *http)
{
	int rc = c->aws_loaded ? s3_client_new(&c->aws, http, &c->s3) : 0;

	c->cat = cat;
	if (rc) {
		snprintf(c->aws_error, sizeof(c->aws_error),
			 "cannot set up the S3 client: %s", strerror(-rc));
		c->s3 = NULL;
	}
	if (!c->s3)
		log_warn("copies to S3 will fail: %s", c->aws_error);
	return copy_jobs_new(&c->jobs_conf, &scfs_copy_ops, c, &c->jobs);
}

void scfs_copy_free(struct scfs_copy *c)
{
	if (!c)
		return;
	copy_jobs_free(c->jobs);
	/* After the queue: its aborts have told the watchdog. */
	s3_guard_stop(c->guard);
	s3_client_free(c->s3);
	if (c->aws_loaded)
		aws_config_release(&c->aws);
	free(c);
}

int scfs_copy_submit(struct scfs_copy *c, const char *path,
		     const char *value, size_t size)
{
	struct catalog_node node;
	const char *name;
	char why[512];
	int rc;

	rc = catalog_lookup(c->cat, path, &node);
	if (rc)
		return rc;
	if (node.kind != CATALOG_FILE)
		rc = -EISDIR;
	else if (!catalog_copy_allowed(&node))
		rc = -EACCES;
	catalog_node_release(&node);
	if (rc) {
		log_info("user.s3.copy on '%s' refused: %s", path,
			 rc == -EACCES ? "not an original (neither downloadable nor the token owner's)" :
			 strerror(-rc));
		return rc;
	}
	name = strrchr(path, '/') + 1;
	rc = copy_jobs_submit(c->jobs, path, name, value, size, why, sizeof(why));
	if (rc)
		log_info("user.s3.copy on '%s' refused: %s", path, why);
	return rc;
}

void scfs_copy_note_wait(struct scfs_copy *c, int64_t until_ms)
{
	if (c)
		atomic_store(&c->api_paused_until_ms, until_ms);
}

/* A copy that has not finished while the API is paused may be waiting on
 * it: say so after the documented status, which stays a prefix. */
static size_t add_wait_hint(struct scfs_copy *c, char *line, size_t n,
			    size_t size)
{
	int64_t left = atomic_load(&c->api_paused_until_ms) - rate_pause_now_ms();
	int add;

	if (left <= 0 || n + 1 >= size ||
	    (strncmp(line, "queued ", 7) && strncmp(line, "copying ", 8)))
		return n;
	add = snprintf(line + n, size - n,
		       " (waiting %lld s for SoundCloud's rate limit)",
		       (long long)((left + 999) / 1000));
	return add > 0 && (size_t)add < size - n ? n + (size_t)add : n;
}

ssize_t scfs_copy_status(struct scfs_copy *c, const char *path, char *buf,
			 size_t size)
{
	char line[1024];
	size_t n = copy_jobs_status(c->jobs, path, line, sizeof(line));

	n = add_wait_hint(c, line, n, sizeof(line));

	if (!size)
		return (ssize_t)n;
	if (n > size)
		return -ERANGE;
	memcpy(buf, line, n);
	return (ssize_t)n;
}
