/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * s3: the S3 calls scfs needs, each signed with SigV4 (re-signed on every
 * attempt, so a retry never carries a stale date) and retried on the
 * failures S3 documents as transient.  Thread-safe: a client may serve many
 * threads at once.  Must not include fuse or cJSON.
 */
#ifndef SCFS_S3_H
#define SCFS_S3_H

#include <stddef.h>
#include <stdint.h>

#include "aws_config.h"
#include "http.h"

/* What S3 said when a call failed; code is "" for a transport failure. */
struct s3_error {
	long status;
	char code[64];
	char message[256];
	unsigned attempts;	/* how many attempts the call made */
};

struct s3_meta {
	const char *content_type;	/* NULL: S3's default */
	const char *const *names;	/* x-amz-meta-NAME, n entries */
	const char *const *values;
	size_t n;
};

struct s3_client;

/* aws and http are borrowed and must outlive the client. */
int s3_client_new(const struct aws_config *aws, struct http_client *http,
		  struct s3_client **out);
void s3_client_free(struct s3_client *s3);

/* Every call returns 0 or a negative errno (-EACCES for refused
 * credentials, -ENOENT for a missing bucket or key, -EIO otherwise) and
 * fills err on failure.  Strings returned through char ** are owned by the
 * caller (free()). */

/* Whether bucket exists and these credentials may list it. */
struct s3_list_page;

/* Every object whose key starts with prefix, appended to page (start from
 * a zeroed struct; release with s3_list_page_release): ListObjectsV2,
 * following continuation tokens. */
int s3_list_objects(struct s3_client *s3, const char *bucket,
		    const char *prefix, struct s3_list_page *page,
		    struct s3_error *err);

int s3_check_bucket(struct s3_client *s3, const char *bucket,
		    struct s3_error *err);
int s3_put_object(struct s3_client *s3, const char *bucket, const char *key,
		  const void *data, size_t len, const struct s3_meta *meta,
		  char **etag, struct s3_error *err);
int s3_head_object(struct s3_client *s3, const char *bucket, const char *key,
		   int64_t *size, char **etag, struct s3_error *err);
int s3_delete_object(struct s3_client *s3, const char *bucket,
		     const char *key, struct s3_error *err);

/* The upload is created with the CRC-32C checksum algorithm: AWS S3 takes
 * x-amz-checksum-crc32c on UploadPart only then, and then wants every
 * part's CRC-32C in Complete.  Some S3-compatible servers refuse the
 * header (Backblaze B2: 400 InvalidArgument, Cloudflare R2: 501
 * NotImplemented): the upload is then created without it, and so is
 * every later one of this client.  *checksums says which it was: its
 * parts and Complete must follow (s3_part_digests, s3_multipart_complete). */
int s3_multipart_create(struct s3_client *s3, const char *bucket,
			const char *key, const struct s3_meta *meta,
			char **upload_id, int *checksums, struct s3_error *err);
/* A part's digests, computed by the caller (all borrowed for the call).
 * The SHA-256 (plain HTTP) or TLS (HTTPS) and the CRC-32C check its bytes
 * (docs/internals/uploader.md); Content-MD5 takes the CRC-32C's place in
 * an upload created without checksums. */
struct s3_part_digests {
	/* 32 bytes signing the payload when s3_signs_payload; NULL:
	 * computed here.  Unused otherwise. */
	const unsigned char *sha256;
	/* With checksums: sent as x-amz-checksum-crc32c (signed); NULL:
	 * computed here. */
	const uint32_t *crc32c;
	/* Without: 16 bytes sent as Content-MD5; NULL: computed here. */
	const unsigned char *md5;
	int checksums;		/* as s3_multipart_create said */
};

/* Whether UploadPart signs the payload with its SHA-256: over plain HTTP,
 * where S3 requires it (and rejects a body that does not match it with
 * XAmzContentSHA256Mismatch, retried).  Over HTTPS parts go as
 * UNSIGNED-PAYLOAD (TLS protects the bytes on the way), which saves a
 * SHA-256 pass over every byte (0.63 CPU s/GiB here). */
int s3_signs_payload(const struct s3_client *s3);

int s3_multipart_upload_part(struct s3_client *s3, const char *bucket,
			     const char *key, const char *upload_id,
			     unsigned part_number, const void *data, size_t len,
			     const struct s3_part_digests *d, char **etag,
			     struct s3_error *err);
/* A part as its UploadPart went, for Complete. */
struct s3_part_done {
	char *etag;		/* as UploadPart answered it (quoted) */
	uint32_t crc32c;	/* as UploadPart sent it (with checksums) */
};

/* parts[i] is part i + 1.  A 200 whose body is an <Error> fails (and is
 * retried when its code is a transient one).  -EALREADY: a retry found no
 * such upload, so an earlier attempt whose answer was lost may have
 * completed it; the caller must check the object. */
int s3_multipart_complete(struct s3_client *s3, const char *bucket,
			  const char *key, const char *upload_id,
			  unsigned n_parts, const struct s3_part_done *parts,
			  int checksums, struct s3_error *err);
/* Every part S3 holds for the upload, appended to page (start from a
 * zeroed struct; release with s3_parts_page_release): ListParts, following
 * NextPartNumberMarker.  -ENOENT (NoSuchUpload) once it is completed or
 * aborted. */
struct s3_parts_page;
int s3_multipart_list_parts(struct s3_client *s3, const char *bucket,
			    const char *key, const char *upload_id,
			    struct s3_parts_page *page, struct s3_error *err);
int s3_multipart_abort(struct s3_client *s3, const char *bucket,
		       const char *key, const char *upload_id,
		       struct s3_error *err);

/* "CODE (HTTP STATUS): message" or the errno text, for messages. */
const char *s3_error_text(const struct s3_error *err, int rc, char *out,
			  size_t size);

#endif
