// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * page_guard: the pagination guards as a pure state machine, so that each
 * quirk of the real API is a unit test rather than a mount.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "page_guard.h"

/* Length of "scheme://host[:port]" at the start of url, or 0. */
static size_t origin_len(const char *url)
{
	const char *host = url ? strstr(url, "://") : NULL;
	size_t n;

	if (!host || host == url || strcspn(url, "/?#") < (size_t)(host - url))
		return 0;
	host += 3;
	n = strcspn(host, "/?#");
	/* userinfo would let "https://api.soundcloud.com@evil/" pass */
	if (!n || memchr(host, '@', n))
		return 0;
	return (size_t)(host - url) + n;
}

int page_guard_same_origin(const char *origin_url, const char *url)
{
	size_t n = origin_len(origin_url);

	return n && origin_len(url) == n && !strncasecmp(origin_url, url, n);
}

/* 1 when href was followed before, else records it: 0 or -ENOMEM. */
static int seen_before(struct page_guard *g, const char *href)
{
	char **grown;
	size_t i;

	for (i = 0; i < g->n_seen; i++)
		if (!strcmp(g->seen[i], href))
			return 1;
	grown = realloc(g->seen, (g->n_seen + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	g->seen = grown;
	g->seen[g->n_seen] = strdup(href);
	if (!g->seen[g->n_seen])
		return -ENOMEM;
	g->n_seen++;
	return 0;
}

int page_guard_init(struct page_guard *g, const char *api_url,
		    const char *first_url, unsigned max_pages,
		    unsigned max_empty)
{
	size_t n = origin_len(api_url);

	memset(g, 0, sizeof(*g));
	g->max_pages = max_pages ? max_pages : PAGE_GUARD_MAX_PAGES;
	g->max_empty = max_empty ? max_empty : PAGE_GUARD_MAX_EMPTY;
	if (!n)
		return -EINVAL;
	g->origin = strndup(api_url, n);
	if (!g->origin)
		return -ENOMEM;
	return first_url ? seen_before(g, first_url) : 0;
}

void page_guard_release(struct page_guard *g)
{
	while (g->n_seen)
		free(g->seen[--g->n_seen]);
	free(g->seen);
	free(g->origin);
	memset(g, 0, sizeof(*g));
}

int page_guard_next(struct page_guard *g, size_t n_items, const char *next)
{
	int rc;

	g->pages++;
	g->empty_run = n_items ? 0 : g->empty_run + 1;
	if (!next || !*next)
		return PAGE_DONE;
	if (!page_guard_same_origin(g->origin, next))
		return PAGE_FOREIGN;
	if (g->empty_run >= g->max_empty)
		return PAGE_STOP_EMPTY;
	if (g->pages >= g->max_pages)
		return PAGE_STOP_MAX;
	rc = seen_before(g, next);
	if (rc)
		return rc < 0 ? rc : PAGE_STOP_LOOP;
	return PAGE_FOLLOW;
}

const char *page_verdict_name(int verdict)
{
	static const char *const names[] = {
		[PAGE_FOLLOW] = "follow",
		[PAGE_DONE] = "done",
		[PAGE_STOP_LOOP] = "a repeated page",
		[PAGE_STOP_EMPTY] = "too many empty pages in a row",
		[PAGE_STOP_MAX] = "too many pages",
		[PAGE_FOREIGN] = "a next page on another host",
	};

	if (verdict < 0 || verdict > PAGE_FOREIGN)
		return "?";
	return names[verdict];
}
