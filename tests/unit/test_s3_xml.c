// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mem_doubles.h"
#include "s3_xml.h"

#define FIX "tests/fixtures/s3/"
#define LIT(s) s, sizeof(s) - 1

struct seen {
	char log[1024];		/* "path=text;" for every callback */
	int calls;
	int stop_at;		/* return stop_rc on this call (1-based) */
	int stop_rc;
};

static int record(void *arg, const char *path, const char *text)
{
	struct seen *s = arg;
	size_t n = strlen(s->log);

	snprintf(s->log + n, sizeof(s->log) - n, "%s=%s;", path, text);
	return ++s->calls == s->stop_at ? s->stop_rc : 0;
}

static char *fixture(const char *name, size_t *len)
{
	return fixture_load(FIX, name, len);
}

static void test_s3_xml_walk_paths(void)
{
	struct seen s = { 0 };

	CHECK_INT_EQ(s3_xml_walk(LIT("<a><b>1</b><c><d>2</d></c><e/><e></e>"
				     "<f>x&amp;y&lt;&#34;</f></a>"), record, &s), 0);
	CHECK_STR_EQ(s.log, "a/b=1;a/c/d=2;a/f=x&y<\";");
	CHECK_INT_EQ(s.calls, 3);

	/* CDATA and entities arrive joined into one text */
	memset(&s, 0, sizeof(s));
	CHECK_INT_EQ(s3_xml_walk(LIT("<a>x<![CDATA[<y>]]>&quot;z</a>"), record, &s), 0);
	CHECK_STR_EQ(s.log, "a=x<y>\"z;");

	/* namespaces, default or prefixed, do not show in paths */
	memset(&s, 0, sizeof(s));
	CHECK_INT_EQ(s3_xml_walk(LIT("<s3:Error xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
				     "<s3:Code>X</s3:Code></s3:Error>"), record, &s), 0);
	CHECK_STR_EQ(s.log, "Error/Code=X;");
}

static void test_s3_xml_walk_stop(void)
{
	struct seen s = { 0 };
	const char *doc = "<a><b>1</b><b>2</b><b>3</b></a>";

	s.stop_at = 2;
	s.stop_rc = 7;
	CHECK_INT_EQ(s3_xml_walk(doc, strlen(doc), record, &s), -7);
	CHECK_STR_EQ(s.log, "a/b=1;a/b=2;");

	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	s.stop_rc = -EIO;
	CHECK_INT_EQ(s3_xml_walk(doc, strlen(doc), record, &s), -EIO);
	CHECK_INT_EQ(s.calls, 1);

	/* the header: "the callback's non-zero value negated when positive" */
	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	s.stop_rc = 1;
	CHECK_INT_EQ(s3_xml_walk(doc, strlen(doc), record, &s), -1);
	CHECK_INT_EQ(s.calls, 1);
}

static void test_s3_xml_walk_malformed(void)
{
	static const char *const bad[] = {
		"<a><b></a>",
		"<a>",
		"not xml",
		"<a></a><b></b>",
		"<a x=1></a>",
		"<x:a></x:a>",
		"<a>&unknown;</a>",
	};
	struct seen s;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&s, 0, sizeof(s));
		CHECK_INT_EQ(s3_xml_walk(bad[i], strlen(bad[i]), record, &s), -EBADMSG);
	}
	memset(&s, 0, sizeof(s));
	CHECK_INT_EQ(s3_xml_walk("", 0, record, &s), -EBADMSG);
	CHECK_INT_EQ(s.calls, 0);
}

static void test_s3_xml_walk_limits(void)
{
	struct seen s = { 0 };
	size_t i, n = 300, big = (1u << 20) + 16;
	char *doc = malloc(n * 14 + 16), *p;

	/* 300 nested elements make a path longer than the walk keeps */
	if (!doc)
		return;
	p = doc;
	for (i = 0; i < n; i++)
		p += sprintf(p, "<abcd>");
	p += sprintf(p, "x");
	for (i = 0; i < n; i++)
		p += sprintf(p, "</abcd>");
	CHECK_INT_EQ(s3_xml_walk(doc, (size_t)(p - doc), record, &s), -EBADMSG);
	CHECK_INT_EQ(s.calls, 0);
	free(doc);

	/* a text over 1 MiB */
	doc = malloc(big + 16);
	if (!doc)
		return;
	memcpy(doc, "<a>", 3);
	memset(doc + 3, 'x', big);
	memcpy(doc + 3 + big, "</a>", 4);
	memset(&s, 0, sizeof(s));
	CHECK_INT_EQ(s3_xml_walk(doc, big + 7, record, &s), -E2BIG);
	CHECK_INT_EQ(s.calls, 0);
	free(doc);
}

static void test_s3_xml_find_etag(void)
{
	char out[128];
	size_t len;
	char *doc = fixture("complete_ok.xml", &len);

	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_INT_EQ(s3_xml_find(doc, len, "CompleteMultipartUploadResult/ETag",
				 out, sizeof(out)), 0);
	CHECK_STR_EQ(out, "\"3858f62230ac3c915f300c664312c11f-9\"");
	CHECK_INT_EQ(s3_xml_find(doc, len, "CompleteMultipartUploadResult/Key",
				 out, sizeof(out)), 0);
	CHECK_STR_EQ(out, "a/b.wav");
	/* truncated to the buffer */
	CHECK_INT_EQ(s3_xml_find(doc, len, "CompleteMultipartUploadResult/Bucket",
				 out, 8), 0);
	CHECK_STR_EQ(out, "example");
	/* absent, and a path that stops short of the element */
	CHECK_INT_EQ(s3_xml_find(doc, len, "CompleteMultipartUploadResult/VersionId",
				 out, sizeof(out)), -ENOENT);
	CHECK_INT_EQ(s3_xml_find(doc, len, "ETag", out, sizeof(out)), -ENOENT);
	free(doc);
}

static void test_s3_xml_find_initiate_and_error(void)
{
	char out[256];
	size_t len;
	char *doc = fixture("initiate.xml", &len);

	CHECK(doc != NULL);
	if (doc) {
		CHECK_INT_EQ(s3_xml_find(doc, len, "InitiateMultipartUploadResult/UploadId",
					 out, sizeof(out)), 0);
		CHECK_STR_EQ(out, "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA");
		CHECK_INT_EQ(s3_xml_find(doc, len, "InitiateMultipartUploadResult/Key",
					 out, sizeof(out)), 0);
		CHECK_STR_EQ(out, "ana/First Light [1001].wav");
		free(doc);
	}
	doc = fixture("error_nosuchupload.xml", &len);
	CHECK(doc != NULL);
	if (doc) {
		CHECK_INT_EQ(s3_xml_root(doc, len, out, sizeof(out)), 0);
		CHECK_STR_EQ(out, "Error");
		CHECK_INT_EQ(s3_xml_find(doc, len, "Error/Code", out, sizeof(out)), 0);
		CHECK_STR_EQ(out, "NoSuchUpload");
		CHECK_INT_EQ(s3_xml_find(doc, len, "Error/RequestId", out, sizeof(out)), 0);
		CHECK_STR_EQ(out, "4442587FB7D0A2F9");
		free(doc);
	}
}

static void test_s3_xml_find_malformed(void)
{
	char out[64] = "untouched";

	CHECK_INT_EQ(s3_xml_find(LIT("<Error><Code>X</Cod></Error>"), "Error/Message",
				 out, sizeof(out)), -EBADMSG);
	CHECK_INT_EQ(s3_xml_find(LIT("<html><body>502 Bad Gateway</body>"), "Error/Code",
				 out, sizeof(out)), -EBADMSG);
	CHECK_INT_EQ(s3_xml_find("", 0, "Error/Code", out, sizeof(out)), -EBADMSG);
	CHECK_STR_EQ(out, "untouched");
}

static void test_s3_xml_rgw_empty_etag(void)
{
	struct seen s = { 0 };
	char out[64];
	size_t len;
	char *doc = fixture("complete_rgw_empty_etag.xml", &len);

	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_INT_EQ(s3_xml_root(doc, len, out, sizeof(out)), 0);
	CHECK_STR_EQ(out, "CompleteMultipartUploadResult");
	/* an empty element has no text: absent, not an empty string */
	CHECK_INT_EQ(s3_xml_find(doc, len, "CompleteMultipartUploadResult/ETag",
				 out, sizeof(out)), -ENOENT);
	CHECK_INT_EQ(s3_xml_find(doc, len, "CompleteMultipartUploadResult/Key",
				 out, sizeof(out)), 0);
	CHECK_STR_EQ(out, "key");
	CHECK_INT_EQ(s3_xml_walk(doc, len, record, &s), 0);
	CHECK_STR_EQ(s.log, "CompleteMultipartUploadResult/Location=http://127.0.0.1:8000/bucket/key;"
		     "CompleteMultipartUploadResult/Bucket=bucket;"
		     "CompleteMultipartUploadResult/Key=key;");
	free(doc);
}

static void test_s3_xml_root(void)
{
	char out[64];
	size_t len;
	char *doc = fixture("complete_ok.xml", &len);

	CHECK(doc != NULL);
	if (doc) {
		CHECK_INT_EQ(s3_xml_root(doc, len, out, sizeof(out)), 0);
		CHECK_STR_EQ(out, "CompleteMultipartUploadResult");
		/* truncated to the buffer */
		CHECK_INT_EQ(s3_xml_root(doc, len, out, 9), 0);
		CHECK_STR_EQ(out, "Complete");
		free(doc);
	}
	CHECK_INT_EQ(s3_xml_root(LIT("<Error><Code>SlowDown</Code></Error>"),
				 out, sizeof(out)), 0);
	CHECK_STR_EQ(out, "Error");
	CHECK_INT_EQ(s3_xml_root(LIT("<s3:Error xmlns:s3=\"urn:x\"/>"), out, sizeof(out)), 0);
	CHECK_STR_EQ(out, "Error");
	CHECK_INT_EQ(s3_xml_root("", 0, out, sizeof(out)), -EBADMSG);
	CHECK_INT_EQ(s3_xml_root(LIT("   \n"), out, sizeof(out)), -EBADMSG);
	CHECK_INT_EQ(s3_xml_root(LIT("not xml"), out, sizeof(out)), -EBADMSG);
	CHECK_INT_EQ(s3_xml_root(LIT("<?xml version=\"1.0\"?>"), out, sizeof(out)), -EBADMSG);
}

/* CompleteMultipartUpload answers 200, sends spaces while S3 works, then the
 * result: an <Error> there must still be seen as one. */
static void test_s3_xml_leading_whitespace(void)
{
	char out[128];
	size_t len;
	char *doc = fixture("complete_error_after_whitespace.xml", &len);

	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_INT_EQ(s3_xml_root(doc, len, out, sizeof(out)), 0);
	CHECK_STR_EQ(out, "Error");
	CHECK_INT_EQ(s3_xml_find(doc, len, "Error/Code", out, sizeof(out)), 0);
	CHECK_STR_EQ(out, "InternalError");
	free(doc);
}

int main(void)
{
	RUN(test_s3_xml_walk_paths);
	RUN(test_s3_xml_walk_stop);
	RUN(test_s3_xml_walk_malformed);
	RUN(test_s3_xml_walk_limits);
	RUN(test_s3_xml_find_etag);
	RUN(test_s3_xml_find_initiate_and_error);
	RUN(test_s3_xml_find_malformed);
	RUN(test_s3_xml_rgw_empty_etag);
	RUN(test_s3_xml_root);
	RUN(test_s3_xml_leading_whitespace);
	return CHECK_DONE();
}
