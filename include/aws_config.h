/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aws_config: where S3 requests go and who signs them, found the way the AWS
 * CLI finds them: command-line overrides, then the environment, then
 * ~/.aws/credentials and ~/.aws/config (or the files AWS_SHARED_CREDENTIALS_FILE
 * and AWS_CONFIG_FILE name).  Also parses s3://bucket/key.  No network.
 */
#ifndef SCFS_AWS_CONFIG_H
#define SCFS_AWS_CONFIG_H

#include <stddef.h>

struct aws_config_overrides {
	const char *profile;		/* --profile; NULL: AWS_PROFILE, default */
	const char *region;		/* --region */
	const char *endpoint_url;	/* --endpoint-url */
	int path_style;			/* --path-style */
};

struct aws_config {
	char *access_key_id;		/* all owned */
	char *secret_access_key;
	char *session_token;		/* NULL without one */
	char *region;
	char *endpoint_url;		/* always set: AWS's when none given */
	int path_style;			/* custom endpoints default to 1 */
	char *profile;
	char *credentials_source;	/* "environment", "profile NAME", for messages */
	char *ca_bundle;		/* AWS_CA_BUNDLE or the profile's ca_bundle:
					 * the CAs S3's TLS is checked against
					 * (S3 only); NULL: the system store */
};

/* Fill out.  getenv_fn NULL means getenv.  Returns 0, or -ENOKEY when no
 * credentials are found, -EINVAL for a malformed value (err says which),
 * -ENOMEM.  On failure out holds nothing. */
int aws_config_load(const struct aws_config_overrides *ov,
		    const char *(*getenv_fn)(const char *name),
		    struct aws_config *out, char *err, size_t err_size);
void aws_config_release(struct aws_config *cfg);

/* Read key from [section] of an INI file into a malloc'd string.  Returns
 * 0, -ENOENT (file, section or key missing) or -ENOMEM. */
int aws_ini_get(const char *path, const char *section, const char *key,
		char **out);

struct s3_location {
	char *bucket;	/* owned */
	char *key;	/* owned; "" or ending in '/' means a prefix */
};

/* Parse "s3://bucket/key".  Returns 0 or -EINVAL with a reason in err. */
int s3_location_parse(const char *url, struct s3_location *out, char *err,
		      size_t err_size);
void s3_location_release(struct s3_location *loc);
/* Whether the key names a prefix to which a source name is appended. */
int s3_location_is_prefix(const struct s3_location *loc);

#endif
