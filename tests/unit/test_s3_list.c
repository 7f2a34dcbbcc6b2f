// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * s3_list: keys with entities, sizes, ETags without quotes, continuation
 * across pages, and refusal of what is not a listing.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "s3_list.h"

#define LIT(s) s, sizeof(s) - 1

static const char page1[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
	"<Name>b</Name><Prefix>band/</Prefix><KeyCount>2</KeyCount>"
	"<MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>"
	"<NextContinuationToken>tok/1+=</NextContinuationToken>"
	"<Contents><Key>band/a &amp; b [1].wav</Key>"
	"<LastModified>2026-11-25T20:00:00.000Z</LastModified>"
	"<ETag>&quot;0123456789abcdef0123456789abcdef&quot;</ETag>"
	"<Size>1048576</Size><StorageClass>STANDARD</StorageClass></Contents>"
	"<Contents><Key>band/z [2].flac</Key><ETag>\"x-3\"</ETag><Size>0</Size></Contents>"
	"</ListBucketResult>";

static const char page2[] =
	"<ListBucketResult><IsTruncated>false</IsTruncated>"
	"<Contents><Key>band/\xc3\xa9t\xc3\xa9 [3].m4a</Key><Size>7</Size></Contents>"
	"</ListBucketResult>";

static void test_s3_list_pages_accumulate(void)
{
	struct s3_list_page p = { 0 };

	CHECK_INT_EQ(s3_list_parse(LIT(page1), &p), 0);
	CHECK_INT_EQ(p.n, 2);
	CHECK_STR_EQ(p.entries[0].key, "band/a & b [1].wav");
	CHECK_INT_EQ(p.entries[0].size, 1048576);
	CHECK_STR_EQ(p.entries[0].etag, "0123456789abcdef0123456789abcdef");
	CHECK_STR_EQ(p.entries[1].key, "band/z [2].flac");
	CHECK_INT_EQ(p.entries[1].size, 0);
	CHECK_STR_EQ(p.entries[1].etag, "x-3");
	CHECK(p.truncated);
	CHECK_STR_EQ(p.next_token, "tok/1+=");
	CHECK_INT_EQ(s3_list_parse(LIT(page2), &p), 0);
	CHECK_INT_EQ(p.n, 3);
	CHECK_STR_EQ(p.entries[2].key, "band/\xc3\xa9t\xc3\xa9 [3].m4a");
	CHECK(p.entries[2].etag == NULL);
	CHECK(!p.truncated);
	CHECK(p.next_token == NULL);
	s3_list_page_release(&p);
}

static void test_s3_list_empty_listing(void)
{
	struct s3_list_page p = { 0 };

	CHECK_INT_EQ(s3_list_parse(LIT("<ListBucketResult><KeyCount>0</KeyCount>"
				       "<IsTruncated>false</IsTruncated></ListBucketResult>"),
				   &p), 0);
	CHECK_INT_EQ(p.n, 0);
	s3_list_page_release(&p);
}

static void test_s3_list_refuses_bad_documents(void)
{
	struct s3_list_page p = { 0 };

	CHECK_INT_EQ(s3_list_parse(LIT("<Error><Code>AccessDenied</Code></Error>"), &p),
		     -EBADMSG);
	CHECK_INT_EQ(s3_list_parse(LIT("<ListBucketResult><Contents><Key>k</Key>"
				       "</Contents></ListBucketResult>"), &p), -EBADMSG);
	s3_list_page_release(&p);
	CHECK_INT_EQ(s3_list_parse(LIT("<ListBucketResult><Contents><Key>k</Key>"
				       "<Size>-1</Size></Contents></ListBucketResult>"), &p),
		     -EBADMSG);
	s3_list_page_release(&p);
	CHECK_INT_EQ(s3_list_parse(LIT("<ListBucketResult><Contents>"), &p), -EBADMSG);
	s3_list_page_release(&p);
}

int main(void)
{
	RUN(test_s3_list_pages_accumulate);
	RUN(test_s3_list_empty_listing);
	RUN(test_s3_list_refuses_bad_documents);
	return CHECK_DONE();
}
