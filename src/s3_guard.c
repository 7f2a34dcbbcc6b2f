// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * s3_guard: the watchdog process.  The parent writes records into a pipe:
 * a 32-bit length, then "bucket\0key\0upload_id\0" (length 0: no upload
 * open).  A record is far below PIPE_BUF, so each write is atomic.  The
 * child acts only at end of file, which no signal in the parent can
 * prevent.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http.h"
#include "log.h"
#include "s3.h"
#include "s3_guard.h"

/* Bucket (63) + key (1024) + upload id (S3's are ~100; allow more). */
#define GUARD_RECORD_MAX 3072

struct s3_guard {
	int fd;		/* write end of the pipe */
	pid_t pid;
};

struct guard_upload {
	char data[GUARD_RECORD_MAX];
	uint32_t len;	/* 0: nothing open */
};

static int read_all(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* Follow the parent's records until end of file. */
static void follow(int fd, struct guard_upload *u)
{
	uint32_t len;

	while (!read_all(fd, &len, sizeof(len))) {
		if (len >= sizeof(u->data) || read_all(fd, u->data, len))
			break;
		u->data[len] = '\0';
		u->len = len;
	}
}

static void abort_left_upload(const struct aws_config *aws,
			      const struct guard_upload *u)
{
	const char *bucket = u->data, *key = bucket + strlen(bucket) + 1;
	const char *id = key + strlen(key) + 1;
	struct http_client_conf hc = { 0 };
	struct http_client *http = NULL;
	struct s3_client *s3 = NULL;
	struct s3_error err = { 0 };
	char text[400];
	int rc;

	/* The same CA as sc2s3's own client (AWS_CA_BUNDLE). */
	hc.ca_file = getenv("AWS_CA_BUNDLE");
	if (hc.ca_file && !*hc.ca_file)
		hc.ca_file = NULL;
	rc = http_client_new(&hc, &http);
	if (!rc)
		rc = s3_client_new(aws, http, &s3);
	if (!rc)
		rc = s3_multipart_abort(s3, bucket, key, id, &err);
	if (rc && !(rc == -ENOENT && !strcmp(err.code, "NoSuchUpload")))
		log_err("sc2s3 died during the upload of 's3://%s/%s', and aborting it failed: %s",
			bucket, key, s3_error_text(&err, rc, text, sizeof(text)));
	else
		log_warn("sc2s3 died during the upload of 's3://%s/%s'; the upload was aborted",
			 bucket, key);
	s3_client_free(s3);
	http_client_free(http);
}

static void child_main(int fd, const struct aws_config *aws)
{
	struct guard_upload u = { .len = 0 };
	struct sigaction sa;
	int null = open("/dev/null", O_RDWR);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	/* Keep stderr for the one message; let go of the data pipes so a
	 * producer sees its reader gone as soon as the parent is. */
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		close(null);
	}
	prctl(PR_SET_NAME, "sc2s3-guard", 0, 0, 0);
	follow(fd, &u);
	close(fd);
	if (u.len)
		abort_left_upload(aws, &u);
	_exit(0);
}

int s3_guard_start(const struct aws_config *aws, struct s3_guard **out)
{
	struct s3_guard *g = calloc(1, sizeof(*g));
	int p[2];

	if (!g)
		return -ENOMEM;
	if (pipe2(p, O_CLOEXEC)) {
		free(g);
		return -errno;
	}
	fflush(NULL);
	g->pid = fork();
	if (g->pid < 0) {
		close(p[0]);
		close(p[1]);
		free(g);
		return -errno;
	}
	if (!g->pid) {
		close(p[1]);
		child_main(p[0], aws);
	}
	close(p[0]);
	g->fd = p[1];
	*out = g;
	return 0;
}

static void send_record(struct s3_guard *g, const char *data, uint32_t len)
{
	char rec[sizeof(uint32_t) + GUARD_RECORD_MAX];
	ssize_t n;

	memcpy(rec, &len, sizeof(len));
	memcpy(rec + sizeof(len), data, len);
	do
		n = write(g->fd, rec, sizeof(len) + len);
	while (n < 0 && errno == EINTR);
}

void s3_guard_set(struct s3_guard *g, const char *bucket, const char *key,
		  const char *upload_id)
{
	char data[GUARD_RECORD_MAX];
	int n;

	if (!g)
		return;
	n = snprintf(data, sizeof(data), "%s%c%s%c%s", bucket, 0, key, 0,
		     upload_id);
	if (n < 0 || (size_t)n >= sizeof(data)) {
		log_warn("the upload id of 's3://%s/%s' is too long for the watchdog",
			 bucket, key);
		return;
	}
	send_record(g, data, (uint32_t)n);
}

void s3_guard_clear(struct s3_guard *g)
{
	if (g)
		send_record(g, "", 0);
}

void s3_guard_stop(struct s3_guard *g)
{
	if (!g)
		return;
	s3_guard_clear(g);
	close(g->fd);
	while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
		;
	free(g);
}
