/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * http: the only module that speaks libcurl.  One client per process holds a
 * pool of easy handles and a share handle (DNS, TLS sessions, connections),
 * so any thread may call http_perform() and reuse warm connections.
 * Redirects are never followed here: callers read Location themselves, which
 * keeps an OAuth header from ever travelling to a CDN.
 */
#ifndef SCFS_HTTP_H
#define SCFS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Default cap for a response body kept in memory (API JSON pages). */
#define HTTP_MAX_BODY_DEFAULT (8u << 20)
/* Error bodies beside a caller's destination buffer are small. */
#define HTTP_MAX_ERROR_BODY (64u << 10)

struct http_client_conf {
	long connect_timeout_ms;	/* 0: HTTP_CONNECT_TIMEOUT_MS */
	long stall_timeout_s;		/* abort a transfer idle this long */
	int verbose;			/* libcurl trace to stderr (debug_http) */
	int insecure;			/* skip TLS verification (never default) */
	const char *ca_file;		/* NULL: system store */
	/* Polled during transfers; a non-zero value aborts them with
	 * -ECANCELED.  Borrowed for the client's lifetime; may be NULL. */
	const volatile int *cancel;
};

struct http_request {
	const char *method;		/* GET HEAD PUT POST DELETE */
	const char *url;
	const char *const *headers;	/* "Name: value", NULL-terminated */
	const void *body;		/* sent as is; NULL for none */
	size_t body_len;
	/* Range: bytes=range_start-range_end; range_start < 0: no Range,
	 * range_end < 0: open ended. */
	int64_t range_start;
	int64_t range_end;
	/* A 2xx body goes straight into dest (at most dest_len bytes) when
	 * dest is set, otherwise into the response buffer bounded by
	 * max_body (0: HTTP_MAX_BODY_DEFAULT). */
	void *dest;
	size_t dest_len;
	size_t max_body;
	/* Clean-up calls (aborting an upload) must run even after the
	 * client's cancel flag is set. */
	int ignore_cancel;
	/* CAs to check this request's TLS peer against (one service's
	 * private CA must not become another's); NULL: the client's. */
	const char *ca_file;
};

struct http_response {
	long status;
	struct buf body;		/* owned */
	size_t dest_written;		/* bytes stored into request->dest */
	int64_t content_length;		/* -1 when absent */
	int64_t total_size;		/* from Content-Range, or Content-Length
					 * of a 200; -1 unknown */
	char *location;			/* owned, NULL when absent */
	char *etag;
	char *content_type;
	char *content_disposition;
	long retry_after_s;		/* -1 when absent */
};

struct http_client;

int http_client_new(const struct http_client_conf *conf,
		    struct http_client **out);
void http_client_free(struct http_client *client);

/* A request with every field at its neutral value (no range, no body). */
void http_request_init(struct http_request *req, const char *method,
		       const char *url);

/* Perform one attempt, no retries.  Returns 0 when an HTTP answer arrived,
 * whatever its status (resp then owns what it holds; release it with
 * http_response_release), or a negative errno for a transport failure:
 * -ECONNREFUSED, -EHOSTUNREACH, -ETIMEDOUT, -ECONNRESET (dropped, short
 * body), -E2BIG (body over its cap), -ECANCELED, -ENOMEM, -EIO.  Even on a
 * transport failure resp->dest_written tells how many bytes landed, so a
 * reader can resume at the exact offset.  Any thread. */
int http_perform(struct http_client *client, const struct http_request *req,
		 struct http_response *resp);

/* Perform n independent requests at once (one attempt each, no retries),
 * with at most max_parallel transfers running at a time, on the pool's
 * handles and shared connections, in the calling thread (libcurl's multi
 * interface: no thread is created).  rcs[i] and resps[i] are what
 * http_perform would have returned and filled for reqs[i]; release every
 * resps[i].  Returns 0, or -ENOMEM when nothing was attempted (resps then
 * untouched).  Any thread. */
int http_perform_many(struct http_client *client,
		      const struct http_request *reqs, size_t n,
		      unsigned max_parallel, struct http_response *resps,
		      int *rcs);

void http_response_release(struct http_response *resp);

/* The one table mapping a final HTTP status to an errno (0 for 2xx). */
int http_status_to_errno(long status);

/* Whether a failed attempt (rc from http_perform, else the status) is worth
 * retrying: transport errors other than -E2BIG/-ECANCELED/-ENOMEM, 408,
 * 429, 5xx but 501 Not Implemented and 505 (no later attempt changes
 * those: Cloudflare R2 answers 501 to a header it does not implement). */
int http_is_retryable(int rc, long status);

/* Jittered exponential backoff for attempt 0, 1, ... in milliseconds:
 * a random value in [d/2, d] with d = min(cap, base << attempt).
 * seed is per-caller state (any value to start). */
unsigned http_backoff_ms(unsigned attempt, unsigned base_ms, unsigned cap_ms,
			 unsigned *seed);

/* Sleep ms milliseconds unless cancel becomes set (and ignore_cancel is
 * 0); -ECANCELED then. */
int http_sleep_ms(const struct http_client *client, unsigned ms,
		  int ignore_cancel);

#endif
