// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sc2s3_sync: `sc2s3 sync DIR|USER s3://bucket/prefix/`.  One
 * ListObjectsV2 walk of the prefix and the sources' names and sizes (a
 * stat of each file, or the user's listing from sc2s3_user.c) decide the
 * plan (sync_plan.c);
 * --jobs workers then copy files with the same code path as cp, each with
 * its parts in flight; --delete removes objects whose file is gone.  A
 * failed file is reported and the others still go; the exit status says.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>

#include "log.h"
#include "parallel.h"
#include "s3_list.h"
#include "sc2s3_i.h"
#include "sync_plan.h"

#define SYNC_MAX_JOBS 16

struct sync_run {
	const struct cli *c;
	struct s3_client *s3;
	struct http_client *http;
	struct s3_guard *guard;		/* NULL: no watchdog */
	const struct s3_location *dst;	/* key: the prefix */
	const struct sync_files *files;
	struct sync_user *user;		/* NULL: a directory */
	const struct sync_step *steps;
	size_t n_steps;
	pthread_mutex_t lock;
	size_t next;			/* protected by lock */
	unsigned copied, failed;	/* protected by lock */
	int64_t bytes;			/* protected by lock */
};

static void files_release(struct sync_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free((char *)f->src[i].name);
	free(f->src);
	free(f->nodes);
}

/* Whether a file on an scfs mount is a stream (policy: not copied). */
static int is_stream(const char *path)
{
	char v[32];
	ssize_t n = getxattr(path, "user.sc.source", v, sizeof(v) - 1);

	if (n <= 0)
		return 0;
	v[n] = '\0';
	return !strcmp(v, SC2S3_STREAM_SOURCE);
}

/* The regular files directly in dir (symbolic links followed), sized;
 * streams on a mount are left out, with a note. */
static int list_dir(const char *dir, struct sync_files *out)
{
	DIR *d = opendir(dir);
	struct sync_source *grown;
	struct dirent *e;
	struct stat st;
	char path[4096];
	int rc = 0;

	if (!d)
		return -errno;
	while (!rc && (e = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_name[0] == '.' || stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (is_stream(path)) {
			fprintf(stderr, "sc2s3: skipping '%s': a SoundCloud stream, not an original\n", path);
			continue;
		}
		grown = realloc(out->src, (out->n + 1) * sizeof(*grown));
		if (!grown) {
			rc = -ENOMEM;
			break;
		}
		out->src = grown;
		out->src[out->n].size = st.st_size;
		out->src[out->n].name = strdup(e->d_name);
		rc = out->src[out->n].name ? 0 : -ENOMEM;
		out->n += !rc;
	}
	closedir(d);
	return rc;
}

/* The step a worker should take next, or NULL. */
static const struct sync_step *next_copy(struct sync_run *r)
{
	const struct sync_step *st = NULL;

	pthread_mutex_lock(&r->lock);
	while (r->next < r->n_steps && r->steps[r->next].action != SYNC_COPY)
		r->next++;
	if (r->next < r->n_steps)
		st = &r->steps[r->next++];
	pthread_mutex_unlock(&r->lock);
	return st;
}

/* A listed track's source, told as "SRC/NAME". */
static int open_track(struct sync_run *r, const struct sync_step *st,
		      const char *label, struct transfer *t)
{
	int rc = sc2s3_user_source(r->user, &r->files->nodes[st->index], t);

	if (rc)
		fprintf(stderr, "sc2s3: cannot read '%s': %s\n", label, strerror(-rc));
	return rc ? EXIT_TRANSFER : 0;
}

/* One file through cp's path: open, metadata, key, upload, report. */
static int copy_one(struct sync_run *r, const struct sync_step *st,
		    int64_t *bytes)
{
	char path[4096];
	struct cli fc = *r->c;
	struct transfer t = { .http = r->http, .guard = r->guard };
	size_t n = strlen(r->c->src);
	int rc;

	snprintf(path, sizeof(path), "%s%s%s", r->c->src,
		 n && r->c->src[n - 1] == '/' ? "" : "/",
		 r->files->src[st->index].name);
	fc.src = path;
	fc.progress = 0;
	t.dst = *r->dst;	/* borrowed: not released here */
	rc = r->user ? open_track(r, st, path, &t) : sc2s3_open_source(&fc, &t);
	if (!rc)
		rc = sc2s3_final_key(&t) ? EXIT_TRANSFER : 0;
	if (!rc)
		rc = sc2s3_run_upload(&fc, r->s3, &t);
	*bytes = t.bytes;
	source_free(t.src);
	free(t.key);
	return rc;
}

static void *worker_main(void *arg)
{
	struct sync_run *r = arg;
	const struct sync_step *st;
	int64_t bytes;
	int rc;

	while ((st = next_copy(r))) {
		rc = copy_one(r, st, &bytes);
		pthread_mutex_lock(&r->lock);
		if (rc)
			r->failed++;
		else
			r->copied++;
		r->bytes += bytes;
		pthread_mutex_unlock(&r->lock);
	}
	return NULL;
}

static void run_copies(struct sync_run *r)
{
	unsigned n = r->c->jobs ? r->c->jobs : SYNC_JOBS_DEFAULT, i, started = 0;
	pthread_t tid[SYNC_MAX_JOBS];

	/* Ctrl-C belongs to the main thread, which waits here. */
	for (i = 0; i < n && i < SYNC_MAX_JOBS; i++)
		started += !parallel_thread_start(&tid[started], worker_main, r);
	if (!started)
		worker_main(r);
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
}

static const char *step_name(const struct sync_run *r, const struct sync_step *st,
			     const struct s3_list_page *listing)
{
	return st->action == SYNC_DELETE ? listing->entries[st->index].key :
	       r->files->src[st->index].name;
}

static void print_step(const struct sync_run *r, const struct sync_step *st,
		       const struct s3_list_page *listing, const char *status)
{
	static const char *const verbs[] = { "copy", "skip", "delete" };
	const char *name = step_name(r, st, listing);

	if (r->c->json) {
		printf("{\"action\":\"%s\",\"name\":", verbs[st->action]);
		sc2s3_json_string(stdout, name);
		printf(",\"why\":\"%s\",\"status\":\"%s\"}\n", st->why, status);
	} else if (!r->c->quiet) {
		printf("%s%s '%s' (%s)\n", r->c->dry_run ? "would " : "",
		       verbs[st->action], name, st->why);
	}
}

static unsigned run_deletes(struct sync_run *r, const struct s3_list_page *listing,
			    unsigned *failed)
{
	struct s3_error err;
	unsigned deleted = 0;
	char text[400];
	size_t i;
	int rc;

	for (i = 0; i < r->n_steps; i++) {
		const struct sync_step *st = &r->steps[i];

		if (st->action != SYNC_DELETE)
			continue;
		rc = s3_delete_object(r->s3, r->dst->bucket,
				      listing->entries[st->index].key, &err);
		if (rc) {
			fprintf(stderr, "sc2s3: cannot delete 's3://%s/%s': %s\n",
				r->dst->bucket, listing->entries[st->index].key,
				s3_error_text(&err, rc, text, sizeof(text)));
			(*failed)++;
		} else {
			print_step(r, st, listing, "done");
			deleted++;
		}
	}
	return deleted;
}

/* The plan from the listing and the directory.  0 or an exit status. */
static int make_plan(struct sync_run *r, struct s3_list_page *listing,
		     struct sync_object **objects, struct sync_step **steps)
{
	struct s3_error err;
	char text[400];
	size_t i;
	int rc;

	rc = s3_list_objects(r->s3, r->dst->bucket, r->dst->key, listing, &err);
	if (rc) {
		fprintf(stderr, "sc2s3: cannot list 's3://%s/%s': %s\n", r->dst->bucket,
			r->dst->key, s3_error_text(&err, rc, text, sizeof(text)));
		return EXIT_TRANSFER;
	}
	*objects = calloc(listing->n + 1, sizeof(**objects));
	if (!*objects)
		return EXIT_TRANSFER;
	for (i = 0; i < listing->n; i++)
		(*objects)[i] = (struct sync_object){ listing->entries[i].key,
						      listing->entries[i].size };
	rc = sync_plan(r->dst->key, r->files->src, r->files->n, *objects,
		       listing->n, r->c->delete, steps, &r->n_steps);
	if (rc)
		fprintf(stderr, "sc2s3: cannot plan the sync: %s\n", strerror(-rc));
	return rc ? EXIT_TRANSFER : 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_plan(struct sync_run *r, const struct s3_list_page *listing)
{
	unsigned skipped = 0, deleted = 0, failed;
	double t0 = now_s();
	size_t i;

	for (i = 0; i < r->n_steps; i++) {
		skipped += r->steps[i].action == SYNC_SKIP;
		if (r->c->dry_run || r->steps[i].action == SYNC_SKIP)
			print_step(r, &r->steps[i], listing, r->c->dry_run ? "planned" : "skipped");
	}
	if (r->c->dry_run)
		return 0;
	run_copies(r);
	failed = r->failed;
	if (r->c->delete)
		deleted = run_deletes(r, listing, &failed);
	if (!r->c->quiet)
		fprintf(stderr, "sync: %u copied, %u skipped, %u deleted, %u failed, %lld bytes in %.1f s\n",
			r->copied, skipped, deleted, failed, (long long)r->bytes,
			now_s() - t0);
	return failed ? EXIT_TRANSFER : 0;
}

/* The sources: a directory's files, or a SoundCloud user's tracks. */
static int list_sources(struct sync_run *r, struct sync_files *files)
{
	char *ref = NULL;
	int rc = sc2s3_user_ref(r->c->src, &ref);

	if (rc == 0)
		return sc2s3_user_open(r->c, r->http, ref, &r->user, files);
	if (rc != 1)
		return rc;
	rc = list_dir(r->c->src, files);
	if (rc)
		fprintf(stderr, "sc2s3: cannot read directory '%s': %s\n",
			r->c->src, strerror(-rc));
	return rc ? EXIT_USAGE : 0;
}

int sc2s3_sync(const struct cli *c, struct s3_client *s3,
	       struct http_client *http, struct s3_guard *guard,
	       const struct s3_location *dst)
{
	struct sync_run r = { .c = c, .s3 = s3, .http = http, .guard = guard };
	struct s3_location prefix = *dst;
	struct s3_list_page listing = { 0 };
	struct sync_files files = { 0 };
	struct sync_object *objects = NULL;
	struct sync_step *steps = NULL;
	char *key = NULL;
	int rc;

	pthread_mutex_init(&r.lock, NULL);
	rc = list_sources(&r, &files);
	if (rc)
		goto out;
	/* s3://b/p means the prefix p/, as for aws s3 sync. */
	if (!s3_location_is_prefix(dst) && asprintf(&key, "%s/", dst->key) > 0)
		prefix.key = key;
	r.dst = &prefix;
	r.files = &files;
	rc = make_plan(&r, &listing, &objects, &steps);
	r.steps = steps;
	if (!rc)
		rc = run_plan(&r, &listing);
out:
	pthread_mutex_destroy(&r.lock);
	free(steps);
	free(objects);
	free(key);
	s3_list_page_release(&listing);
	files_release(&files);
	sc2s3_user_free(r.user);
	return rc;
}
