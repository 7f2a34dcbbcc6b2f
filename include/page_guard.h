/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * page_guard: whether to follow a listing's next_href (RESEARCH.md §0.6,
 * A.4).  Real listings have pages that are empty while next_href goes on
 * (private tracks take slots), once had a next_href that looped, and once
 * one on an internal host.  The guard keeps following through empty pages
 * up to a bound, stops on a next_href it has followed before or after too
 * many pages, and refuses one on another origin (it would receive our
 * OAuth header).  Pure: no I/O; one guard per listing, one thread.
 */
#ifndef SCFS_PAGE_GUARD_H
#define SCFS_PAGE_GUARD_H

#include <stddef.h>

/* Real catalogues have a few thousand tracks at 200 a page. */
#define PAGE_GUARD_MAX_PAGES 2000
/* Hidden tracks count toward pages, so a run of empty pages is normal,
 * but not an endless one. */
#define PAGE_GUARD_MAX_EMPTY 50

enum page_verdict {
	PAGE_FOLLOW,		/* fetch next_href */
	PAGE_DONE,		/* no next_href: the listing is complete */
	PAGE_STOP_LOOP,		/* next_href was followed before: stop here */
	PAGE_STOP_EMPTY,	/* too many empty pages in a row: stop here */
	PAGE_STOP_MAX,		/* too many pages: stop here */
	PAGE_FOREIGN,		/* next_href on another origin: refuse */
};

struct page_guard {
	char *origin;		/* owned: scheme://host[:port] of the API */
	char **seen;		/* owned: every next_href followed */
	size_t n_seen;
	unsigned pages;		/* pages seen so far */
	unsigned empty_run;	/* empty pages in a row */
	unsigned max_pages;
	unsigned max_empty;
};

/* api_url is copied; first_url (may be NULL) is the first page's
 * absolute URL, so a next_href back to it is a loop too; max_pages and
 * max_empty 0 take the defaults.  0 or -ENOMEM / -EINVAL (api_url without
 * scheme://host); g needs page_guard_release either way. */
int page_guard_init(struct page_guard *g, const char *api_url,
		    const char *first_url, unsigned max_pages,
		    unsigned max_empty);
void page_guard_release(struct page_guard *g);

/* Account for a page of n_items whose next_href is next (NULL on the last
 * page) and say what to do.  Returns a verdict (>= 0) or -ENOMEM. */
int page_guard_next(struct page_guard *g, size_t n_items, const char *next);

/* Whether url has the scheme, host (case-insensitive) and port of
 * origin_url.  Pure. */
int page_guard_same_origin(const char *origin_url, const char *url);

/* A word for a verdict, for logs. */
const char *page_verdict_name(int verdict);

#endif
