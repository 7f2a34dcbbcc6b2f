/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sigv4: AWS Signature Version 4 as pure functions.  Time and credentials are
 * passed in; nothing here reads the clock, the environment or the network,
 * so every step is testable against AWS's published vectors.
 * Must not include curl or fuse.
 */
#ifndef SCFS_SIGV4_H
#define SCFS_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

#define SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
/* SHA-256 of the empty string, the payload hash of a bodiless request. */
#define SIGV4_EMPTY_SHA256 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct sigv4_credentials {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token;	/* NULL without session credentials */
};

struct sigv4_header {
	const char *name;	/* any case; duplicates allowed */
	const char *value;	/* may hold folded lines, as in the suite */
};

/* A request to sign.  Every pointer is borrowed for the duration of the
 * call. */
struct sigv4_request {
	const char *method;
	/* The path exactly as on the request line (S3: the key already
	 * URI-encoded once by sigv4_uri_encode). */
	const char *path;
	/* The query exactly as on the request line, without '?'; NULL or ""
	 * when there is none. */
	const char *query;
	/* The headers to sign, Host included.  The caller adds X-Amz-Date
	 * (sigv4_amz_date), X-Amz-Security-Token and X-Amz-Content-Sha256 to
	 * both this list and the wire request: the signer signs exactly what
	 * it is given. */
	const struct sigv4_header *headers;
	size_t n_headers;
	/* Lowercase hex SHA-256 of the body, or SIGV4_UNSIGNED_PAYLOAD. */
	const char *payload_hash;
};

struct sigv4_params {
	const char *region;
	const char *service;	/* "s3" for S3 */
	time_t now;		/* the request time, UTC */
	/* Generic services: 1 and 1.  S3: 0 and 0 (the path is encoded
	 * once and never normalised). */
	int normalize_path;
	int double_encode;
};

struct sigv4_signature {
	char signature[65];		/* lowercase hex */
	char *authorization;		/* Authorization header value; owned */
	char *canonical_request;	/* owned, for tests and debug logs */
	char *string_to_sign;		/* owned */
};

/* Format now as X-Amz-Date wants it: "20150830T123600Z". */
void sigv4_amz_date(time_t now, char out[17]);

/* Sign a request for the Authorization header.  Returns 0, -EINVAL for a
 * malformed request or -ENOMEM.  On success out owns three strings, freed by
 * sigv4_signature_release; on failure out holds nothing. */
int sigv4_sign(const struct sigv4_request *req,
	       const struct sigv4_credentials *cred,
	       const struct sigv4_params *params,
	       struct sigv4_signature *out);

/* Presign a request: the query string to use instead of req->query (the
 * original parameters plus X-Amz-Algorithm, -Credential, -Date, -Expires,
 * -SignedHeaders, [-Security-Token], -Signature).  The caller frees
 * *query_out with free().  Same returns and ownership as sigv4_sign for
 * out. */
int sigv4_presign(const struct sigv4_request *req,
		  const struct sigv4_credentials *cred,
		  const struct sigv4_params *params, long expires_seconds,
		  struct sigv4_signature *out, char **query_out);

void sigv4_signature_release(struct sigv4_signature *sig);

/* Append s URI-encoded the way SigV4 wants it (unreserved characters kept,
 * everything else %XX uppercase); '/' is kept when keep_slash.  Returns 0 or
 * what buf_append returns. */
int sigv4_uri_encode(const char *s, size_t len, int keep_slash,
		     struct buf *out);

#endif
