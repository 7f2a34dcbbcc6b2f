/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * s3_list: a ListObjectsV2 answer (ListBucketResult) read into keys and
 * sizes, plus the continuation token of the next page; a ListParts answer
 * (ListPartsResult) read into part numbers, sizes and ETags, plus the
 * marker of the next page.  Pure: no I/O.
 */
#ifndef SCFS_S3_LIST_H
#define SCFS_S3_LIST_H

#include <stddef.h>
#include <stdint.h>

struct s3_list_entry {
	char *key;		/* owned */
	int64_t size;
	char *etag;		/* owned, quotes removed; may be NULL */
};

struct s3_list_page {
	struct s3_list_entry *entries;	/* owned */
	size_t n;
	int truncated;		/* IsTruncated: another page follows */
	char *next_token;	/* owned; NextContinuationToken */
};

/* Append the page's objects to out (which may already hold earlier pages;
 * start from a zeroed struct).  Returns 0, -EBADMSG for a document that is
 * not a ListBucketResult or an entry without Key or Size, or -ENOMEM. */
int s3_list_parse(const char *xml, size_t len, struct s3_list_page *out);
void s3_list_page_release(struct s3_list_page *page);

struct s3_part_entry {
	unsigned number;	/* PartNumber, 1..10000 */
	int64_t size;
	char *etag;		/* owned, quotes removed */
};

struct s3_parts_page {
	struct s3_part_entry *parts;	/* owned, in document order */
	size_t n;
	int truncated;		/* IsTruncated: another page follows */
	unsigned next_marker;	/* NextPartNumberMarker: where it starts */
};

/* Append the page's parts to out (start from a zeroed struct).  Returns 0,
 * -EBADMSG for a document that is not a ListPartsResult or a part without
 * PartNumber, Size or ETag, or -ENOMEM. */
int s3_parts_parse(const char *xml, size_t len, struct s3_parts_page *out);
void s3_parts_page_release(struct s3_parts_page *page);

#endif
