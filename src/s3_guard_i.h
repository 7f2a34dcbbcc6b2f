/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * s3_guard_i.h: the watchdog's pure parts, visible to the unit tests: the
 * records the parent sends and the table of uploads they leave open.
 *
 * A record is one datagram on a SOCK_SEQPACKET socket pair (one send is
 * one record, whole, whatever thread sends it): a type byte, then
 * "bucket\0key\0upload_id".  Records are keyed by the whole triple: an
 * upload id is only unique within its bucket and key on some servers.
 */
#ifndef SCFS_S3_GUARD_I_H
#define SCFS_S3_GUARD_I_H

#include <stddef.h>

/* Bucket (63) + key (1024) + upload id (S3's are ~100; allow more). */
#define GUARD_RECORD_MAX 3072

enum {
	GUARD_BEGUN = 'B',	/* an upload was created */
	GUARD_ENDED = 'E',	/* completed, aborted, or found gone */
	GUARD_STOP = 'S',	/* a clean stop: forget every upload */
};

/* One open upload: "bucket\0key\0upload_id\0", len bytes before the
 * last NUL. */
struct guard_entry {
	char *ids;
	size_t len;
};

struct guard_table {
	struct guard_entry *v;	/* owned */
	size_t n, cap;
};

/* Encode a record of type into out: its length, or -ENAMETOOLONG when it
 * does not fit in size (at most GUARD_RECORD_MAX), -EINVAL for a bad
 * type.  bucket, key and upload_id are ignored for GUARD_STOP. */
int guard_record_encode(int type, const char *bucket, const char *key,
			const char *upload_id, char *out, size_t size);

/* Apply a received record: begun adds the upload (once), ended removes
 * it (an unknown one is ignored), stop empties the table.  Returns the
 * record's type, -EINVAL for a malformed record (the table is unchanged)
 * or -ENOMEM. */
int guard_table_apply(struct guard_table *t, const char *rec, size_t len);

/* The strings of an entry; borrowed from it. */
void guard_entry_split(const struct guard_entry *e, const char **bucket,
		       const char **key, const char **upload_id);

void guard_table_release(struct guard_table *t);

#endif
