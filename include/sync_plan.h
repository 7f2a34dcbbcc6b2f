/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sync_plan: what `sc2s3 sync` must do, decided from one listing of the
 * destination prefix (ListObjectsV2: keys and sizes, no HEAD per object)
 * and the sources' names and sizes.  Pure: no I/O.
 *
 * A source is copied when its object is missing or its size differs (a
 * track's name carries its id, and a re-uploaded original changes size),
 * or when its size is unknown and so cannot be compared; otherwise it is
 * skipped.  With delete, an object directly under the prefix whose source
 * is gone is deleted; deeper keys belong to someone else and are left.
 */
#ifndef SCFS_SYNC_PLAN_H
#define SCFS_SYNC_PLAN_H

#include <stddef.h>
#include <stdint.h>

struct sync_source {
	const char *name;	/* file name appended to the prefix */
	int64_t size;		/* -1: unknown */
};

struct sync_object {
	const char *key;	/* full key */
	int64_t size;
};

enum sync_action { SYNC_COPY, SYNC_SKIP, SYNC_DELETE };

struct sync_step {
	enum sync_action action;
	size_t index;		/* into sources (COPY, SKIP) or objects (DELETE) */
	const char *why;	/* "missing", "size differs", "size unknown",
				 * "unchanged", "source gone"; static */
};

/* Plan a sync of sources into prefix (ending in '/' or empty) over the
 * listed objects.  *steps (caller frees) gets one step per source, in
 * name order, then the deletions in key order.  Returns 0, -EINVAL for two
 * sources with one name, or -ENOMEM.  Inputs are borrowed. */
int sync_plan(const char *prefix, const struct sync_source *sources,
	      size_t n_sources, const struct sync_object *objects,
	      size_t n_objects, int delete, struct sync_step **steps,
	      size_t *n_steps);

#endif
