// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * copy_jobs: owns the job records, the worker threads and the stop flag.
 * Workers take the oldest queued job, open its source and sink through the
 * callbacks, and run the uploader; progress and outcome land in the record
 * under the lock, where status readers find them.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_config.h"
#include "copy_jobs.h"
#include "log.h"
#include "parallel.h"

#define COPY_JOBS_MAX_WORKERS 16
#define COPY_REASON_MAX 512

enum copy_state { COPY_QUEUED, COPY_RUNNING, COPY_DONE, COPY_FAILED };

struct copy_job {
	char *file;
	char *bucket;
	char *key;
	enum copy_state state;
	int64_t done;
	int64_t total;
	char etag[96];
	char reason[COPY_REASON_MAX];
	struct copy_job *next;
};

struct copy_jobs {
	struct copy_jobs_conf conf;
	const struct copy_jobs_ops *ops;
	void *arg;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct copy_job *jobs;		/* protected by lock; newest first */
	unsigned active;		/* protected by lock: queued + running */
	pthread_t workers[COPY_JOBS_MAX_WORKERS];
	unsigned n_workers;		/* protected by lock */
	volatile int stopping;		/* written under lock, polled by uploads */
};

int copy_jobs_new(const struct copy_jobs_conf *conf,
		  const struct copy_jobs_ops *ops, void *arg,
		  struct copy_jobs **out)
{
	struct copy_jobs *j = calloc(1, sizeof(*j));

	if (!j)
		return -ENOMEM;
	j->conf = *conf;
	if (!j->conf.workers)
		j->conf.workers = COPY_JOBS_WORKERS_DEFAULT;
	if (j->conf.workers > COPY_JOBS_MAX_WORKERS)
		j->conf.workers = COPY_JOBS_MAX_WORKERS;
	j->ops = ops;
	j->arg = arg;
	pthread_mutex_init(&j->lock, NULL);
	pthread_cond_init(&j->cond, NULL);
	*out = j;
	return 0;
}

static void job_free(struct copy_job *job)
{
	free(job->file);
	free(job->bucket);
	free(job->key);
	free(job);
}

/* The newest record of file.  Called locked. */
static struct copy_job *find_locked(struct copy_jobs *j, const char *file)
{
	struct copy_job *job;

	for (job = j->jobs; job; job = job->next)
		if (!strcmp(job->file, file))
			return job;
	return NULL;
}

/* The oldest queued job.  Called locked. */
static struct copy_job *next_queued_locked(struct copy_jobs *j)
{
	struct copy_job *job, *found = NULL;

	for (job = j->jobs; job; job = job->next)
		if (job->state == COPY_QUEUED)
			found = job;
	return found;
}

struct copy_progress {
	struct copy_jobs *jobs;
	struct copy_job *job;
};

/* Called by the uploader under its own lock; status readers take only
 * ours, so the order uploader -> jobs cannot deadlock. */
static void on_progress(void *arg, int64_t done, int64_t total)
{
	struct copy_progress *p = arg;

	pthread_mutex_lock(&p->jobs->lock);
	p->job->done = done;
	p->job->total = total;
	pthread_mutex_unlock(&p->jobs->lock);
}

static void finish(struct copy_jobs *j, struct copy_job *job, int rc,
		   const struct upload_result *r, const char *why)
{
	pthread_mutex_lock(&j->lock);
	if (rc) {
		job->state = COPY_FAILED;
		snprintf(job->reason, sizeof(job->reason), "%s",
			 why && *why ? why : strerror(-rc));
		log_warn("copy of '%s' to 's3://%s/%s' failed: %s", job->file,
			 job->bucket, job->key, job->reason);
	} else {
		job->state = COPY_DONE;
		job->done = r->bytes;
		snprintf(job->etag, sizeof(job->etag), "%s", r->etag);
		log_info("copied '%s' to 's3://%s/%s' (%" PRId64 " bytes)",
			 job->file, job->bucket, job->key, r->bytes);
	}
	j->active--;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
}

static void run_job(struct copy_jobs *j, struct copy_job *job)
{
	struct copy_progress progress = { j, job };
	struct upload_conf uc = { .part_size = j->conf.part_size,
		.concurrency = j->conf.concurrency, .cancel = &j->stopping,
		.progress = on_progress, .progress_arg = &progress };
	struct upload_result result = { 0 };
	char why[COPY_REASON_MAX] = "";
	struct source *src = NULL;
	struct sink *sink = NULL;
	int rc;

	rc = j->ops->open_source(j->arg, job->file, &src);
	if (rc)
		snprintf(why, sizeof(why), "cannot open the file: %s", strerror(-rc));
	if (!rc)
		rc = j->ops->open_sink(j->arg, job->file, job->bucket, job->key,
				       src, &sink, why, sizeof(why));
	if (!rc) {
		pthread_mutex_lock(&j->lock);
		job->total = src->size;
		pthread_mutex_unlock(&j->lock);
		rc = upload_run(&uc, src, sink, &result, why, sizeof(why));
	}
	if (rc == -ECANCELED)
		snprintf(why, sizeof(why), "interrupted: the file system is stopping (unmount or SIGTERM); the upload was aborted");
	if (sink)
		sink->ops->free(sink);
	source_free(src);
	finish(j, job, rc, &result, why);
}

static void *worker_main(void *arg)
{
	struct copy_jobs *j = arg;
	struct copy_job *job;

	pthread_mutex_lock(&j->lock);
	while (!j->stopping) {
		job = next_queued_locked(j);
		if (!job) {
			pthread_cond_wait(&j->cond, &j->lock);
			continue;
		}
		job->state = COPY_RUNNING;
		pthread_mutex_unlock(&j->lock);
		run_job(j, job);
		pthread_mutex_lock(&j->lock);
	}
	pthread_mutex_unlock(&j->lock);
	return NULL;
}

/* Start the workers on first use: the daemon has forked by then.  Called
 * locked. */
static void start_workers_locked(struct copy_jobs *j)
{

	if (j->n_workers)
		return;
	while (j->n_workers < j->conf.workers &&
	       !parallel_thread_start(&j->workers[j->n_workers], worker_main, j))
		j->n_workers++;
}

/* Split value into bucket and key, appending name to a prefix. */
static int parse_target(const char *value, size_t len, const char *name,
			struct s3_location *loc, char *why, size_t why_size)
{
	char *text;
	int rc;

	if (len && value[len - 1] == '\n')
		len--;
	if (memchr(value, '\0', len) || memchr(value, '\n', len)) {
		snprintf(why, why_size, "invalid user.s3.copy value: it holds a NUL or a newline");
		return -EINVAL;
	}
	text = strndup(value, len);
	if (!text)
		return -ENOMEM;
	rc = s3_location_parse(text, loc, why, why_size);
	free(text);
	if (rc || !s3_location_is_prefix(loc))
		return rc;
	text = NULL;
	if (asprintf(&text, "%s%s", loc->key, name) < 0) {
		s3_location_release(loc);
		return -ENOMEM;
	}
	free(loc->key);
	loc->key = text;
	return 0;
}

static struct copy_job *job_new(const char *file, struct s3_location *loc)
{
	struct copy_job *job = calloc(1, sizeof(*job));

	if (!job)
		return NULL;
	job->file = strdup(file);
	job->bucket = loc->bucket;
	job->key = loc->key;
	loc->bucket = loc->key = NULL;
	job->total = -1;
	if (!job->file) {
		job_free(job);
		return NULL;
	}
	return job;
}

int copy_jobs_submit(struct copy_jobs *j, const char *file, const char *name,
		     const char *value, size_t value_len, char *why,
		     size_t why_size)
{
	struct s3_location loc = { 0 };
	struct copy_job *job, *old;
	int rc, queued = 0;

	rc = parse_target(value, value_len, name, &loc, why, why_size);
	if (rc)
		return rc;
	job = job_new(file, &loc);
	s3_location_release(&loc);
	if (!job)
		return -ENOMEM;
	pthread_mutex_lock(&j->lock);
	old = find_locked(j, file);
	if (j->stopping) {
		rc = -ESHUTDOWN;
	} else if (old && (old->state == COPY_QUEUED || old->state == COPY_RUNNING)) {
		rc = -EBUSY;
		queued = old->state == COPY_QUEUED;
	} else {
		start_workers_locked(j);
		rc = j->n_workers ? 0 : -EAGAIN;
	}
	if (!rc) {
		job->next = j->jobs;
		j->jobs = job;
		j->active++;
		pthread_cond_broadcast(&j->cond);
	}
	pthread_mutex_unlock(&j->lock);
	if (rc == -EBUSY)
		snprintf(why, why_size, "a copy of this file is already %s",
			 queued ? "queued" : "running");
	if (rc)
		job_free(job);
	return rc;
}

size_t copy_jobs_status(struct copy_jobs *j, const char *file, char *out,
			size_t size)
{
	struct copy_job *job;
	char total[32];
	int n;

	pthread_mutex_lock(&j->lock);
	job = find_locked(j, file);
	if (!job)
		n = snprintf(out, size, "idle");
	else if (job->state == COPY_QUEUED)
		n = snprintf(out, size, "queued s3://%s/%s", job->bucket, job->key);
	else if (job->state == COPY_RUNNING) {
		if (job->total >= 0)
			snprintf(total, sizeof(total), "%" PRId64, job->total);
		else
			snprintf(total, sizeof(total), "?");
		n = snprintf(out, size, "copying s3://%s/%s %" PRId64 "/%s",
			     job->bucket, job->key, job->done, total);
	} else if (job->state == COPY_DONE)
		n = snprintf(out, size, "done s3://%s/%s etag=%s bytes=%" PRId64,
			     job->bucket, job->key, job->etag, job->done);
	else
		n = snprintf(out, size, "failed s3://%s/%s: %s", job->bucket,
			     job->key, job->reason);
	pthread_mutex_unlock(&j->lock);
	if (n < 0)
		return 0;
	return (size_t)n < size ? (size_t)n : size - 1;
}

void copy_jobs_wait_idle(struct copy_jobs *j)
{
	pthread_mutex_lock(&j->lock);
	while (j->active)
		pthread_cond_wait(&j->cond, &j->lock);
	pthread_mutex_unlock(&j->lock);
}

void copy_jobs_free(struct copy_jobs *j)
{
	struct copy_job *job;
	unsigned i;

	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	j->stopping = 1;
	pthread_cond_broadcast(&j->cond);
	pthread_mutex_unlock(&j->lock);
	for (i = 0; i < j->n_workers; i++)
		pthread_join(j->workers[i], NULL);
	while ((job = j->jobs)) {
		if (job->state == COPY_QUEUED)
			log_warn("copy of '%s' to 's3://%s/%s' dropped: unmounting",
				 job->file, job->bucket, job->key);
		j->jobs = job->next;
		job_free(job);
	}
	pthread_cond_destroy(&j->cond);
	pthread_mutex_destroy(&j->lock);
	free(j);
}
