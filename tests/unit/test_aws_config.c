// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws_config.h"
#include "check.h"

/* ---- a fake environment --------------------------------------------- */

#define ENV_MAX 16

static const char *env_names[ENV_MAX], *env_values[ENV_MAX];
static int env_n;

/* Every test starts from an environment whose HOME has no .aws. */
static void env_reset(void)
{
	env_n = 0;
	env_names[env_n] = "HOME";
	env_values[env_n++] = "/nonexistent/scfs-unit-test-home";
}

static void env_set(const char *name, const char *value)
{
	int i;

	for (i = 0; i < env_n; i++) {
		if (!strcmp(env_names[i], name)) {
			env_values[i] = value;
			return;
		}
	}
	if (env_n < ENV_MAX) {
		env_names[env_n] = name;
		env_values[env_n++] = value;
	}
}

static const char *fake_getenv(const char *name)
{
	int i;

	for (i = 0; i < env_n; i++)
		if (!strcmp(env_names[i], name))
			return env_values[i];
	return NULL;
}

/* ---- INI files under /tmp ------------------------------------------- */

struct tmpfile {
	char path[64];
};

static int tmp_write(struct tmpfile *t, const char *text)
{
	int fd;
	ssize_t n;

	snprintf(t->path, sizeof(t->path), "/tmp/scfs-unit-aws-XXXXXX");
	fd = mkstemp(t->path);
	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static const char credentials_ini[] =
	"# shared credentials\n"
	"[default]\n"
	"aws_access_key_id = AKIADEFAULT\n"
	"aws_secret_access_key = secret/default+with=equals\n"
	"region = creds-file-region-is-ignored\n"
	"\n"
	"[work]\r\n"
	"aws_access_key_id=AKIAWORK\r\n"
	"aws_secret_access_key=secretwork\r\n"
	"aws_session_token = tokenwork\r\n"
	"; a comment\n"
	"[other]\n"
	"  aws_access_key_id   =   AKIAOTHER  \n"
	"\taws_secret_access_key\t=\tsecretother\n"
	"[halfkey]\n"
	"aws_access_key_id = AKIAHALF\n";

static const char config_ini[] =
	"[default]\n"
	"region = eu-west-1\n"
	"[profile work]\n"
	"region = eu-central-1\n"
	"[profile cfgonly]\n"
	"aws_access_key_id = AKIACFG\n"
	"aws_secret_access_key = secretcfg\n"
	"region = ap-south-1\n"
	"[other]\n"
	"region = wrong-section-name\n";

static struct tmpfile creds_file, config_file;

/* Point the fake environment at both files. */
static void env_with_files(void)
{
	env_reset();
	env_set("AWS_SHARED_CREDENTIALS_FILE", creds_file.path);
	env_set("AWS_CONFIG_FILE", config_file.path);
}

static int load(const struct aws_config_overrides *ov, struct aws_config *c,
		char *err, size_t size)
{
	struct aws_config_overrides none = { 0 };

	memset(c, 0, sizeof(*c));
	err[0] = '\0';
	return aws_config_load(ov ? ov : &none, fake_getenv, c, err, size);
}

/* ---- credentials ----------------------------------------------------- */

static void test_aws_config_env_keys(void)
{
	struct aws_config c;
	char err[256];

	env_reset();
	env_set("AWS_ACCESS_KEY_ID", "AKIAENV");
	env_set("AWS_SECRET_ACCESS_KEY", "secretenv");
	env_set("AWS_SESSION_TOKEN", "tokenenv");
	CHECK_INT_EQ(load(NULL, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.access_key_id, "AKIAENV");
	CHECK_STR_EQ(c.secret_access_key, "secretenv");
	CHECK_STR_EQ(c.session_token, "tokenenv");
	CHECK_STR_EQ(c.credentials_source, "environment");
	CHECK_STR_EQ(c.profile, "default");
	CHECK_STR_EQ(c.region, "us-east-1");
	CHECK_STR_EQ(c.endpoint_url, "https://s3.us-east-1.amazonaws.com");
	CHECK_INT_EQ(c.path_style, 0);
	aws_config_release(&c);
	CHECK(c.access_key_id == NULL && c.secret_access_key == NULL);

	/* no session token: NULL; an empty variable counts as unset */
	env_set("AWS_SESSION_TOKEN", "");
	CHECK_INT_EQ(load(NULL, &c, err, sizeof(err)), 0);
	CHECK(c.session_token == NULL);
	aws_config_release(&c);
}

static void test_aws_config_precedence(void)
{
	struct aws_config_overrides ov = { .profile = "work" };
	struct aws_config c;
	char err[256];

	/* env keys beat AWS_PROFILE */
	env_with_files();
	env_set("AWS_ACCESS_KEY_ID", "AKIAENV");
	env_set("AWS_SECRET_ACCESS_KEY", "secretenv");
	env_set("AWS_PROFILE", "other");
	CHECK_INT_EQ(load(NULL, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.access_key_id, "AKIAENV");
	CHECK_STR_EQ(c.credentials_source, "environment");
	CHECK_STR_EQ(c.profile, "other");
	aws_config_release(&c);

	/* --profile beats env keys */
	CHECK_INT_EQ(load(&ov, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.access_key_id, "AKIAWORK");
	CHECK_STR_EQ(c.secret_access_key, "secretwork");
	CHECK_STR_EQ(c.session_token, "tokenwork");
	CHECK_STR_EQ(c.credentials_source, "profile work");
	CHECK_STR_EQ(c.profile, "work");
	CHECK_STR_EQ(c.region, "eu-central-1");
	aws_config_release(&c);

	/* without env keys AWS_PROFILE is used; spaces are trimmed */
	env_with_files();
	env_set("AWS_PROFILE", "other");
	CHECK_INT_EQ(load(NULL, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.access_key_id, "AKIAOTHER");
	CHECK_STR_EQ(c.secret_access_key, "secretother");
	CHECK(c.session_token == NULL);
	CHECK_STR_EQ(c.credentials_source, "profile other");
	/* config's [other] is not [profile other] */
	CHECK_STR_EQ(c.region, "us-east-1");
	aws_config_release(&c);

	/* half of the env keys is no key: the default profile answers */
	env_with_files();
	env_set("AWS_ACCESS_KEY_ID", "AKIAENV");
	CHECK_INT_EQ(load(NULL, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.access_key_id, "AKIADEFAULT");
	CHECK_STR_EQ(c.secret_access_key, "secret/default+with=equals");
	CHECK_STR_EQ(c.credentials_source, "profile default");
	CHECK_STR_EQ(c.region, "eu-west-1");
	aws_config_release(&c);
}

static void test_aws_config_config_file_profile(void)
{
	struct aws_config_overrides ov = { .profile = "cfgonly" };
	struct aws_config c;
	char err[256];

	env_with_files();
	CHECK_INT_EQ(load(&ov, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.access_key_id, "AKIACFG");
	CHECK_STR_EQ(c.secret_access_key, "secretcfg");
	CHECK_STR_EQ(c.region, "ap-south-1");
	CHECK_STR_EQ(c.credentials_source, "profile cfgonly");
	aws_config_release(&c);
}

static void test_aws_config_home_default_paths(void)
{
	char home[64] = "/tmp/scfs-unit-home-XXXXXX", dir[96], path[128];
	struct aws_config c;
	char err[256];
	FILE *f;

	if (!mkdtemp(home)) {
		CHECK(!"mkdtemp");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/.aws", home);
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/credentials", dir);
	f = fopen(path, "w");
	if (f) {
		fputs("[default]\naws_access_key_id=AKIAHOME\naws_secret_access_key=s\n", f);
		fclose(f);
	}
	env_reset();
	env_set("HOME", home);
	CHECK_INT_EQ(load(NULL, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.access_key_id, "AKIAHOME");
	CHECK_STR_EQ(c.region, "us-east-1");
	aws_config_release(&c);
	unlink(path);
	rmdir(dir);
	rmdir(home);
}

static void test_aws_config_no_credentials(void)
{
	struct aws_config_overrides ov = { .profile = "nosuch" };
	struct aws_config c;
	char err[256];

	env_reset();
	CHECK_INT_EQ(load(NULL, &c, err, sizeof(err)), -ENOKEY);
	CHECK(c.access_key_id == NULL && c.profile == NULL && c.region == NULL);
	CHECK(strstr(err, "no AWS credentials") != NULL);
	CHECK(strstr(err, "'default'") != NULL);

	env_with_files();
	CHECK_INT_EQ(load(&ov, &c, err, sizeof(err)), -ENOKEY);
	CHECK(strstr(err, "'nosuch'") != NULL);

	/* a key id without its secret is no credentials either */
	ov.profile = "halfkey";
	CHECK_INT_EQ(load(&ov, &c, err, sizeof(err)), -ENOKEY);
	CHECK(c.access_key_id == NULL);
	CHECK(strstr(err, "'halfkey'") != NULL);
}

/* ---- region and endpoint -------------------------------------------- */

static void test_aws_config_region(void)
{
	struct aws_config_overrides ov = { .region = "sa-east-1" };
	struct aws_config c;
	char err[256];

	env_with_files();
	env_set("AWS_REGION", "us-west-2");
	env_set("AWS_DEFAULT_REGION", "us-west-1");
	CHECK_INT_EQ(load(&ov, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.region, "sa-east-1");
	CHECK_STR_EQ(c.endpoint_url, "https://s3.sa-east-1.amazonaws.com");
	aws_config_release(&c);

	CHECK_INT_EQ(load(NULL, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.region, "us-west-2");
	aws_config_release(&c);

	env_set("AWS_REGION", "");
	CHECK_INT_EQ(load(NULL, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.region, "us-west-1");
	aws_config_release(&c);

	env_set("AWS_DEFAULT_REGION", "");
	CHECK_INT_EQ(load(NULL, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.region, "eu-west-1");
	CHECK_STR_EQ(c.endpoint_url, "https://s3.eu-west-1.amazonaws.com");
	aws_config_release(&c);
}

static void test_aws_config_endpoint(void)
{
	struct aws_config_overrides ov = { .endpoint_url = "http://override:1/" };
	struct aws_config c;
	char err[256];

	env_with_files();
	env_set("AWS_ENDPOINT_URL_S3", "http://s3-specific:2");
	env_set("AWS_ENDPOINT_URL", "http://generic:3");
	CHECK_INT_EQ(load(&ov, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.endpoint_url, "http://override:1");
	CHECK_INT_EQ(c.path_style, 1);
	aws_config_release(&c);

	CHECK_INT_EQ(load(NULL, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.endpoint_url, "http://s3-specific:2");
	CHECK_INT_EQ(c.path_style, 1);
	aws_config_release(&c);

	env_set("AWS_ENDPOINT_URL_S3", "");
	env_set("AWS_ENDPOINT_URL", "https://generic:3///");
	CHECK_INT_EQ(load(NULL, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.endpoint_url, "https://generic:3");
	CHECK_INT_EQ(c.path_style, 1);
	aws_config_release(&c);

	/* AWS's own endpoint: virtual-hosted unless asked otherwise */
	env_set("AWS_ENDPOINT_URL", "");
	ov.endpoint_url = NULL;
	CHECK_INT_EQ(load(&ov, &c, err, sizeof(err)), 0);
	CHECK_STR_EQ(c.endpoint_url, "https://s3.eu-west-1.amazonaws.com");
	CHECK_INT_EQ(c.path_style, 0);
	aws_config_release(&c);
	ov.path_style = 1;
	CHECK_INT_EQ(load(&ov, &c, err, sizeof(err)), 0);
	CHECK_INT_EQ(c.path_style, 1);
	aws_config_release(&c);
}

static void test_aws_config_invalid_endpoint(void)
{
	static const char *const bad[] = {
		"ftp://x", "localhost:9000", "s3.amazonaws.com", "HTTP//x",
		/* a scheme and no host */
		"https://", "http://", "http:///bucket",
	};
	struct aws_config_overrides ov = { 0 };
	struct aws_config c;
	char err[256], want[128];
	size_t i;
	int rc;

	env_with_files();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ov.endpoint_url = bad[i];
		rc = load(&ov, &c, err, sizeof(err));
		CHECK_INT_EQ(rc, -EINVAL);
		if (!rc) {
			fprintf(stderr, "  '%s' accepted\n", bad[i]);
			aws_config_release(&c);
		}
		snprintf(want, sizeof(want), "invalid endpoint URL '%s'", bad[i]);
		CHECK(strstr(err, want) != NULL);
		CHECK(c.access_key_id == NULL && c.endpoint_url == NULL);
	}
	env_set("AWS_ENDPOINT_URL", "minio:9000");
	CHECK_INT_EQ(load(NULL, &c, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "'minio:9000'") != NULL);
}

static void test_aws_config_ini_get(void)
{
	struct tmpfile t;
	char *v = NULL;

	CHECK_INT_EQ(aws_ini_get(creds_file.path, "work", "aws_session_token", &v), 0);
	CHECK_STR_EQ(v, "tokenwork");
	free(v);
	CHECK_INT_EQ(aws_ini_get(creds_file.path, "other", "aws_access_key_id", &v), 0);
	CHECK_STR_EQ(v, "AKIAOTHER");
	free(v);
	v = NULL;
	CHECK_INT_EQ(aws_ini_get(creds_file.path, "nosuch", "aws_access_key_id", &v), -ENOENT);
	CHECK_INT_EQ(aws_ini_get(creds_file.path, "work", "AWS_ACCESS_KEY_ID", &v), -ENOENT);
	CHECK_INT_EQ(aws_ini_get(creds_file.path, "halfkey", "aws_secret_access_key", &v), -ENOENT);
	CHECK_INT_EQ(aws_ini_get("/nonexistent/scfs-unit", "default", "region", &v), -ENOENT);
	CHECK(v == NULL);
	CHECK_INT_EQ(aws_ini_get(config_file.path, "profile work", "region", &v), 0);
	CHECK_STR_EQ(v, "eu-central-1");
	free(v);

	/* a key outside any section, a section header with spaces, an empty value */
	if (tmp_write(&t, "region = nowhere\n[ spaced ]\nk =\nj = x\n") == 0) {
		CHECK_INT_EQ(aws_ini_get(t.path, "spaced", "j", &v), 0);
		CHECK_STR_EQ(v, "x");
		free(v);
		CHECK_INT_EQ(aws_ini_get(t.path, "spaced", "k", &v), 0);
		CHECK_STR_EQ(v, "");
		free(v);
		v = NULL;
		CHECK_INT_EQ(aws_ini_get(t.path, "", "region", &v), -ENOENT);
		unlink(t.path);
	} else {
		CHECK(!"temp file");
	}
}

/* ---- s3:// locations ------------------------------------------------- */

static void test_aws_config_location_valid(void)
{
	static const struct {
		const char *url, *bucket, *key;
		int prefix;
	} cases[] = {
		{ "s3://bucket/key", "bucket", "key", 0 },
		{ "s3://bucket/a/b c [1].wav", "bucket", "a/b c [1].wav", 0 },
		{ "s3://bucket", "bucket", "", 1 },
		{ "s3://bucket/", "bucket", "", 1 },
		{ "s3://bucket/dir/", "bucket", "dir/", 1 },
		{ "s3://my.bucket-1/x", "my.bucket-1", "x", 0 },
		{ "s3://abc/x", "abc", "x", 0 },
		{ "s3://0bucket9/x", "0bucket9", "x", 0 },
	};
	struct s3_location loc;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&loc, 0, sizeof(loc));
		CHECK_INT_EQ(s3_location_parse(cases[i].url, &loc, err, sizeof(err)), 0);
		CHECK_STR_EQ(loc.bucket, cases[i].bucket);
		CHECK_STR_EQ(loc.key, cases[i].key);
		if (loc.key)
			CHECK_INT_EQ(s3_location_is_prefix(&loc), cases[i].prefix);
		s3_location_release(&loc);
		CHECK(loc.bucket == NULL && loc.key == NULL);
	}
}

static void test_aws_config_location_invalid(void)
{
	static const struct {
		const char *url, *msg;
	} cases[] = {
		{ "bucket/key", "expected s3://bucket/key" },
		{ "http://bucket/key", "expected s3://bucket/key" },
		{ "s3:/bucket/key", "expected s3://bucket/key" },
		{ "", "expected s3://bucket/key" },
		{ "s3://ab/key", "invalid bucket name 'ab'" },
		{ "s3:///key", "invalid bucket name ''" },
		{ "s3://Bucket/key", "invalid bucket name 'Bucket'" },
		{ "s3://-bucket/key", "invalid bucket name '-bucket'" },
		{ "s3://bucket-/key", "invalid bucket name 'bucket-'" },
		{ "s3://.bucket/key", "invalid bucket name '.bucket'" },
		{ "s3://buck_et/key", "invalid bucket name 'buck_et'" },
		{ "s3://bu ck/key", "invalid bucket name 'bu ck'" },
	};
	struct s3_location loc;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&loc, 0, sizeof(loc));
		err[0] = '\0';
		CHECK_INT_EQ(s3_location_parse(cases[i].url, &loc, err, sizeof(err)), -EINVAL);
		CHECK(strstr(err, cases[i].msg) != NULL);
		if (!strstr(err, cases[i].msg))
			fprintf(stderr, "  '%s': %s\n", cases[i].url, err);
		CHECK(loc.bucket == NULL && loc.key == NULL);
	}
}

static void test_aws_config_location_lengths(void)
{
	char url[1200], err[256];
	struct s3_location loc = { 0 };

	/* 63 characters is the longest bucket name, 64 is too long */
	snprintf(url, sizeof(url), "s3://%.63s/k",
		 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij");
	CHECK_INT_EQ(s3_location_parse(url, &loc, err, sizeof(err)), 0);
	CHECK_INT_EQ(loc.bucket ? strlen(loc.bucket) : 0, 63);
	s3_location_release(&loc);
	snprintf(url, sizeof(url), "s3://%.64s/k",
		 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij");
	CHECK_INT_EQ(s3_location_parse(url, &loc, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "invalid bucket name") != NULL);

	/* keys: 1024 bytes fit, 1025 do not */
	memcpy(url, "s3://bucket/", 12);
	memset(url + 12, 'k', 1024);
	url[12 + 1024] = '\0';
	CHECK_INT_EQ(s3_location_parse(url, &loc, err, sizeof(err)), 0);
	CHECK_INT_EQ(loc.key ? strlen(loc.key) : 0, 1024);
	s3_location_release(&loc);
	url[12 + 1024] = 'k';
	url[12 + 1025] = '\0';
	CHECK_INT_EQ(s3_location_parse(url, &loc, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "longer than 1024 bytes") != NULL);
	CHECK(loc.bucket == NULL);
}

int main(void)
{
	int rc;

	if (tmp_write(&creds_file, credentials_ini) ||
	    tmp_write(&config_file, config_ini)) {
		fprintf(stderr, "cannot write temp files under /tmp\n");
		return 1;
	}
	RUN(test_aws_config_env_keys);
	RUN(test_aws_config_precedence);
	RUN(test_aws_config_config_file_profile);
	RUN(test_aws_config_home_default_paths);
	RUN(test_aws_config_no_credentials);
	RUN(test_aws_config_region);
	RUN(test_aws_config_endpoint);
	RUN(test_aws_config_invalid_endpoint);
	RUN(test_aws_config_ini_get);
	RUN(test_aws_config_location_valid);
	RUN(test_aws_config_location_invalid);
	RUN(test_aws_config_location_lengths);
	rc = CHECK_DONE();
	unlink(creds_file.path);
	unlink(config_file.path);
	return rc;
}
