// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * aws_config: the AWS CLI's precedence rules for credentials, region and
 * endpoint, and the s3:// URL grammar.  Reads the environment and two INI
 * files; never logs a value it reads.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_config.h"

#define AWS_DEFAULT_REGION_NAME "us-east-1"
#define AWS_INI_LINE_MAX 4096
#define S3_KEY_MAX 1024

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int ini_match_section(char *line, const char *section)
{
	char *end = strchr(line, ']');

	if (!end)
		return 0;
	*end = '\0';
	return !strcmp(trim(line + 1), section);
}

int aws_ini_get(const char *path, const char *section, const char *key,
		char **out)
{
	char line[AWS_INI_LINE_MAX], *p, *eq;
	int in_section = 0, rc = -ENOENT;
	FILE *f = fopen(path, "r");

	if (!f)
		return -ENOENT;
	while (rc == -ENOENT && fgets(line, sizeof(line), f)) {
		p = trim(line);
		if (*p == '#' || *p == ';' || !*p)
			continue;
		if (*p == '[') {
			in_section = ini_match_section(p, section);
			continue;
		}
		eq = strchr(p, '=');
		if (!in_section || !eq)
			continue;
		*eq = '\0';
		if (strcmp(trim(p), key))
			continue;
		*out = strdup(trim(eq + 1));
		rc = *out ? 0 : -ENOMEM;
	}
	fclose(f);
	return rc;
}

static const char *env_or_null(const char *(*get)(const char *), const char *name)
{
	const char *v = get(name);

	return v && *v ? v : NULL;
}

static const char *std_getenv(const char *name)
{
	return getenv(name);
}

static int default_path(const char *(*get)(const char *), const char *var,
			const char *leaf, char *out, size_t size)
{
	const char *v = env_or_null(get, var), *home = env_or_null(get, "HOME");

	if (v)
		return snprintf(out, size, "%s", v) < (int)size ? 0 : -ENAMETOOLONG;
	if (!home)
		return -ENOENT;
	return snprintf(out, size, "%s/.aws/%s", home, leaf) < (int)size ?
	       0 : -ENAMETOOLONG;
}

/* Look key up in the credentials file [profile], then config [profile X]. */
static int profile_get(const char *(*get)(const char *), const char *profile,
		       const char *key, int creds_first, char **out)
{
	char path[4096], section[512];
	int rc = -ENOENT;

	if (creds_first &&
	    !default_path(get, "AWS_SHARED_CREDENTIALS_FILE", "credentials",
			  path, sizeof(path)))
		rc = aws_ini_get(path, profile, key, out);
	if (rc != -ENOENT)
		return rc;
	if (default_path(get, "AWS_CONFIG_FILE", "config", path, sizeof(path)))
		return -ENOENT;
	if (strcmp(profile, "default"))
		snprintf(section, sizeof(section), "profile %s", profile);
	else
		snprintf(section, sizeof(section), "default");
	return aws_ini_get(path, section, key, out);
}

static int dup_into(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return src && !*dst ? -ENOMEM : 0;
}

static int load_credentials(const struct aws_config_overrides *ov,
			    const char *(*get)(const char *),
			    struct aws_config *c, char *err, size_t err_size)
{
	const char *id = env_or_null(get, "AWS_ACCESS_KEY_ID");
	const char *secret = env_or_null(get, "AWS_SECRET_ACCESS_KEY");
	char buf[600];
	int rc;

	if (!ov->profile && id && secret) {
		rc = dup_into(&c->access_key_id, id);
		if (!rc)
			rc = dup_into(&c->secret_access_key, secret);
		if (!rc)
			rc = dup_into(&c->session_token,
				      env_or_null(get, "AWS_SESSION_TOKEN"));
		if (!rc)
			rc = dup_into(&c->credentials_source, "environment");
		return rc;
	}
	rc = profile_get(get, c->profile, "aws_access_key_id", 1, &c->access_key_id);
	if (!rc)
		rc = profile_get(get, c->profile, "aws_secret_access_key", 1,
				 &c->secret_access_key);
	if (rc == -ENOENT) {
		snprintf(err, err_size, "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure profile '%s'",
			 c->profile);
		return -ENOKEY;
	}
	if (!rc) {
		rc = profile_get(get, c->profile, "aws_session_token", 1,
				 &c->session_token);
		rc = rc == -ENOENT ? 0 : rc;
	}
	snprintf(buf, sizeof(buf), "profile %s", c->profile);
	return rc ? rc : dup_into(&c->credentials_source, buf);
}

static int load_region(const struct aws_config_overrides *ov,
		       const char *(*get)(const char *), struct aws_config *c)
{
	const char *r = ov->region;
	int rc;

	if (!r)
		r = env_or_null(get, "AWS_REGION");
	if (!r)
		r = env_or_null(get, "AWS_DEFAULT_REGION");
	if (r)
		return dup_into(&c->region, r);
	rc = profile_get(get, c->profile, "region", 0, &c->region);
	if (rc == -ENOENT)
		rc = dup_into(&c->region, AWS_DEFAULT_REGION_NAME);
	return rc;
}

/* As the AWS CLI: the variable, else the profile's ca_bundle. */
static int load_ca_bundle(const char *(*get)(const char *), struct aws_config *c)
{
	const char *v = env_or_null(get, "AWS_CA_BUNDLE");
	int rc;

	if (v)
		return dup_into(&c->ca_bundle, v);
	rc = profile_get(get, c->profile, "ca_bundle", 0, &c->ca_bundle);
	return rc == -ENOENT ? 0 : rc;
}

static int load_endpoint(const struct aws_config_overrides *ov,
			 const char *(*get)(const char *), struct aws_config *c,
			 char *err, size_t err_size)
{
	const char *e = ov->endpoint_url, *host;
	char buf[512];

	if (!e)
		e = env_or_null(get, "AWS_ENDPOINT_URL_S3");
	if (!e)
		e = env_or_null(get, "AWS_ENDPOINT_URL");
	c->path_style = ov->path_style || e != NULL;
	if (!e) {
		snprintf(buf, sizeof(buf), "https://s3.%s.amazonaws.com", c->region);
		e = buf;
	}
	if (strncmp(e, "http://", 7) && strncmp(e, "https://", 8)) {
		snprintf(err, err_size, "invalid endpoint URL '%s': it must start with http:// or https://", e);
		return -EINVAL;
	}
	host = e + (e[4] == 's' ? 8 : 7);
	if (!*host || *host == '/') {
		snprintf(err, err_size, "invalid endpoint URL '%s': it names no host", e);
		return -EINVAL;
	}
	if (dup_into(&c->endpoint_url, e))
		return -ENOMEM;
	/* "http://host:port/" and "http://host:port" mean the same. */
	while (strlen(c->endpoint_url) > 8 &&
	       c->endpoint_url[strlen(c->endpoint_url) - 1] == '/')
		c->endpoint_url[strlen(c->endpoint_url) - 1] = '\0';
	return 0;
}

int aws_config_load(const struct aws_config_overrides *ov,
		    const char *(*getenv_fn)(const char *name),
		    struct aws_config *out, char *err, size_t err_size)
{
	const char *(*get)(const char *) = getenv_fn ? getenv_fn : std_getenv;
	const char *profile = ov->profile;
	struct aws_config c = { 0 };
	int rc;

	snprintf(err, err_size, "out of memory");
	if (!profile)
		profile = env_or_null(get, "AWS_PROFILE");
	rc = dup_into(&c.profile, profile ? profile : "default");
	if (!rc)
		rc = load_credentials(ov, get, &c, err, err_size);
	if (!rc)
		rc = load_region(ov, get, &c);
	if (!rc)
		rc = load_endpoint(ov, get, &c, err, err_size);
	if (!rc)
		rc = load_ca_bundle(get, &c);
	if (rc) {
		aws_config_release(&c);
		return rc;
	}
	*out = c;
	return 0;
}

void aws_config_release(struct aws_config *c)
{
	free(c->access_key_id);
	if (c->secret_access_key)
		memset(c->secret_access_key, 0, strlen(c->secret_access_key));
	free(c->secret_access_key);
	free(c->session_token);
	free(c->region);
	free(c->endpoint_url);
	free(c->profile);
	free(c->credentials_source);
	free(c->ca_bundle);
	memset(c, 0, sizeof(*c));
}

static int bucket_name_valid(const char *b, size_t n)
{
	size_t i;

	if (n < 3 || n > 63)
		return 0;
	if (!isalnum((unsigned char)b[0]) || !isalnum((unsigned char)b[n - 1]))
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)b[i]) && !isdigit((unsigned char)b[i]) &&
		    b[i] != '.' && b[i] != '-')
			return 0;
	return 1;
}

int s3_location_parse(const char *url, struct s3_location *out, char *err,
		      size_t err_size)
{
	const char *b, *slash;
	size_t blen;

	if (strncmp(url, "s3://", 5)) {
		snprintf(err, err_size, "invalid S3 URL '%s': expected s3://bucket/key", url);
		return -EINVAL;
	}
	b = url + 5;
	slash = strchr(b, '/');
	blen = slash ? (size_t)(slash - b) : strlen(b);
	if (!bucket_name_valid(b, blen)) {
		snprintf(err, err_size, "invalid bucket name '%.*s' in '%s': 3 to 63 lowercase letters, digits, dots or hyphens",
			 (int)blen, b, url);
		return -EINVAL;
	}
	if (slash && strlen(slash + 1) > S3_KEY_MAX) {
		snprintf(err, err_size, "invalid S3 key in '%.40s...': longer than %d bytes", url, S3_KEY_MAX);
		return -EINVAL;
	}
	out->bucket = strndup(b, blen);
	out->key = strdup(slash ? slash + 1 : "");
	if (!out->bucket || !out->key) {
		s3_location_release(out);
		return -ENOMEM;
	}
	return 0;
}

void s3_location_release(struct s3_location *loc)
{
	free(loc->bucket);
	free(loc->key);
	loc->bucket = loc->key = NULL;
}

int s3_location_is_prefix(const struct s3_location *loc)
{
	size_t n = strlen(loc->key);

	return n == 0 || loc->key[n - 1] == '/';
}
