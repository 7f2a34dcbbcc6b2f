// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * s3_guard: the watchdog process.  The parent sends one record per upload
 * begun or ended (s3_guard_i.h) on a SOCK_SEQPACKET socket pair: a send is
 * one whole record even with several threads sending, and MSG_NOSIGNAL
 * keeps a dead watchdog from killing the parent with SIGPIPE.  The child
 * keeps the table of open uploads and acts only at end of file, which no
 * signal in the parent can prevent.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http.h"
#include "log.h"
#include "s3.h"
#include "s3_guard.h"
#include "s3_guard_i.h"

struct s3_guard {
	int fd;		/* our end of the socket pair */
	pid_t pid;
	struct sink_s3_watch watch;	/* arg: this guard */
};

int guard_record_encode(int type, const char *bucket, const char *key,
			const char *upload_id, char *out, size_t size)
{
	int n;

	if (size > GUARD_RECORD_MAX)
		size = GUARD_RECORD_MAX;
	if (type == GUARD_STOP)
		n = snprintf(out, size, "%c", type);
	else if (type == GUARD_BEGUN || type == GUARD_ENDED)
		n = snprintf(out, size, "%c%s%c%s%c%s", type, bucket, 0, key, 0,
			     upload_id);
	else
		return -EINVAL;
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : n;
}

/* The index of the entry equal to ids (len bytes), or t->n. */
static size_t table_find(const struct guard_table *t, const char *ids,
			 size_t len)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].len == len && !memcmp(t->v[i].ids, ids, len))
			break;
	return i;
}

static int table_add(struct guard_table *t, const char *ids, size_t len)
{
	struct guard_entry *grown;
	char *copy;

	if (table_find(t, ids, len) < t->n)
		return 0;
	if (t->n == t->cap) {
		grown = realloc(t->v, (t->cap ? 2 * t->cap : 4) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		t->v = grown;
		t->cap = t->cap ? 2 * t->cap : 4;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, ids, len);
	copy[len] = '\0';
	t->v[t->n++] = (struct guard_entry){ copy, len };
	return 0;
}

/* Three non-empty strings separated by two NULs, none at the end. */
static int valid_ids(const char *ids, size_t len)
{
	size_t i, nuls = 0;

	if (!len || !ids[0] || !ids[len - 1])
		return 0;
	for (i = 0; i < len; i++)
		if (!ids[i] && (++nuls > 2 || !ids[i - 1]))
			return 0;
	return nuls == 2;
}

int guard_table_apply(struct guard_table *t, const char *rec, size_t len)
{
	size_t i;
	int rc;

	if (len == 1 && rec[0] == GUARD_STOP) {
		guard_table_release(t);
		return GUARD_STOP;
	}
	if (len < 2 || (rec[0] != GUARD_BEGUN && rec[0] != GUARD_ENDED) ||
	    !valid_ids(rec + 1, len - 1))
		return -EINVAL;
	if (rec[0] == GUARD_BEGUN) {
		rc = table_add(t, rec + 1, len - 1);
		return rc ? rc : GUARD_BEGUN;
	}
	i = table_find(t, rec + 1, len - 1);
	if (i < t->n) {
		free(t->v[i].ids);
		t->v[i] = t->v[--t->n];
	}
	return GUARD_ENDED;
}

void guard_entry_split(const struct guard_entry *e, const char **bucket,
		       const char **key, const char **upload_id)
{
	*bucket = e->ids;
	*key = *bucket + strlen(*bucket) + 1;
	*upload_id = *key + strlen(*key) + 1;
}

void guard_table_release(struct guard_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].ids);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* Follow the parent's records until end of file. */
static void follow(int fd, struct guard_table *t)
{
	char rec[GUARD_RECORD_MAX];
	ssize_t n;
	int rc;

	for (;;) {
		n = recv(fd, rec, sizeof(rec), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		rc = guard_table_apply(t, rec, (size_t)n);
		if (rc < 0)
			log_err("upload watchdog: cannot record an upload: %s",
				strerror(-rc));
	}
}

static void abort_one(struct s3_client *s3, const char *owner,
		      const struct guard_entry *e)
{
	const char *bucket, *key, *id;
	struct s3_error err = { 0 };
	char text[400];
	int rc;

	guard_entry_split(e, &bucket, &key, &id);
	rc = s3 ? s3_multipart_abort(s3, bucket, key, id, &err) : -ENOMEM;
	/* NoSuchUpload: it ended after all (a Complete whose answer was
	 * lost); nothing was left behind. */
	if (rc == -ENOENT && !strcmp(err.code, "NoSuchUpload"))
		log_info("the upload of 's3://%s/%s' was already over", bucket, key);
	else if (rc)
		log_err("%s died during the upload of 's3://%s/%s', and aborting it failed: %s",
			owner, bucket, key, s3_error_text(&err, rc, text, sizeof(text)));
	else
		log_warn("%s died during the upload of 's3://%s/%s'; the upload was aborted",
			 owner, bucket, key);
}

static void abort_left_uploads(const struct aws_config *aws,
			       const char *owner, const struct guard_table *t)
{
	struct http_client_conf hc = { 0 };
	struct http_client *http = NULL;
	struct s3_client *s3 = NULL;
	size_t i;

	if (!t->n)
		return;
	if (http_client_new(&hc, &http) || s3_client_new(aws, http, &s3))
		s3 = NULL;
	for (i = 0; i < t->n; i++)
		abort_one(s3, owner, &t->v[i]);
	s3_client_free(s3);
	http_client_free(http);
}

/* Out of the way of the parent's signals, its data pipes, and (for a
 * daemon) its terminal and working directory. */
static void detach(const struct s3_guard_conf *conf)
{
	struct sigaction sa;
	char name[16];
	int null = open("/dev/null", O_RDWR);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	/* stderr stays for the messages unless we log to syslog; stdin and
	 * stdout go, so that a producer sees its reader gone as soon as the
	 * parent is. */
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		if (conf->daemon)
			dup2(null, STDERR_FILENO);
		close(null);
	}
	if (conf->daemon) {
		log_use_syslog();
		if (chdir("/"))
			log_debug(LOG_SUB_ALL, "upload watchdog: cannot chdir to /");
	}
	snprintf(name, sizeof(name), "%s-guard", conf->owner);
	prctl(PR_SET_NAME, name, 0, 0, 0);
}

static void child_main(int fd, const struct s3_guard_conf *conf,
		       const struct aws_config *aws)
{
	struct guard_table t = { 0 };

	detach(conf);
	follow(fd, &t);
	close(fd);
	abort_left_uploads(aws, conf->owner, &t);
	guard_table_release(&t);
	_exit(0);
}

static void send_record(struct s3_guard *g, int type, const char *bucket,
			const char *key, const char *upload_id)
{
	char rec[GUARD_RECORD_MAX];
	int n = guard_record_encode(type, bucket, key, upload_id, rec, sizeof(rec));

	if (n < 0) {
		log_warn("the upload of 's3://%s/%s' cannot be watched: %s",
			 bucket, key, strerror(-n));
		return;
	}
	while (send(g->fd, rec, (size_t)n, MSG_NOSIGNAL) < 0)
		if (errno != EINTR) {
			log_warn("the upload watchdog is gone: %s; a killed process may leave 's3://%s/%s' unfinished",
				 strerror(errno), bucket, key);
			return;
		}
}

static void watch_begun(void *arg, const char *bucket, const char *key,
			const char *upload_id)
{
	send_record(arg, GUARD_BEGUN, bucket, key, upload_id);
}

static void watch_ended(void *arg, const char *bucket, const char *key,
			const char *upload_id)
{
	send_record(arg, GUARD_ENDED, bucket, key, upload_id);
}

int s3_guard_start(const struct s3_guard_conf *conf,
		   const struct aws_config *aws, struct s3_guard **out)
{
	struct s3_guard *g = calloc(1, sizeof(*g));
	int sv[2];

	if (!g)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		free(g);
		return -errno;
	}
	fflush(NULL);
	g->pid = fork();
	if (g->pid < 0) {
		close(sv[0]);
		close(sv[1]);
		free(g);
		return -errno;
	}
	if (!g->pid) {
		close(sv[1]);
		child_main(sv[0], conf, aws);
	}
	close(sv[0]);
	/* The child only reads: our end never needs to receive. */
	shutdown(sv[1], SHUT_RD);
	g->fd = sv[1];
	g->watch = (struct sink_s3_watch){ watch_begun, watch_ended, g };
	*out = g;
	return 0;
}

const struct sink_s3_watch *s3_guard_watch(struct s3_guard *g)
{
	return g ? &g->watch : NULL;
}

void s3_guard_stop(struct s3_guard *g)
{
	char stop = GUARD_STOP;

	if (!g)
		return;
	while (send(g->fd, &stop, 1, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
	close(g->fd);
	/* After fuse_daemonize the watchdog is our sibling, not our child:
	 * waitpid then fails with ECHILD and init reaps it. */
	while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
		;
	free(g);
}
