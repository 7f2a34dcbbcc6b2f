// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * source_hls: not implemented yet; the contract is include/source_hls.h.
 */
#include <errno.h>

#include "sc_api.h"
#include "source_hls.h"

int source_hls_probe(struct sc_api *api, const char *track_urn,
		     int64_t *size)
{
	(void)api;
	(void)track_urn;
	(void)size;
	return -ENOTSUP;
}

int source_hls_new(struct sc_api *api, const char *track_urn, int64_t size,
		   const char *name, struct source **out)
{
	(void)api;
	(void)track_urn;
	(void)size;
	(void)name;
	(void)out;
	return -ENOTSUP;
}
