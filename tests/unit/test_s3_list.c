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

/* RGW 16.2's answer, verbatim but for the ids: LastModified before
 * PartNumber, entity-encoded quotes. */
static const char parts_rgw[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListPartsResult "
	"xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Bucket>cbench</Bucket>"
	"<Key>lp</Key><UploadId>2~w-pHomu4UOX</UploadId><StorageClass>STANDARD"
	"</StorageClass><PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>3"
	"</NextPartNumberMarker><MaxParts>2</MaxParts><IsTruncated>true</IsTruncated>"
	"<Owner><ID></ID><DisplayName></DisplayName></Owner><Part><LastModified>"
	"2026-11-25T23:39:10.777Z</LastModified><PartNumber>1</PartNumber><ETag>"
	"&quot;6d0bb00954ceb7fbee436bb55a8397a9&quot;</ETag><Size>100</Size></Part>"
	"<Part><LastModified>2026-11-25T23:39:11.000Z</LastModified><PartNumber>3"
	"</PartNumber><ETag>&quot;0123456789abcdef0123456789abcdef&quot;</ETag>"
	"<Size>5242880</Size></Part></ListPartsResult>";

/* AWS's order (PartNumber first, checksums after) on a last page. */
static const char parts_aws[] =
	"<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>4"
	"</PartNumber><LastModified>2026-11-25T23:39:12.000Z</LastModified><ETag>"
	"\"ffffffffffffffffffffffffffffffff\"</ETag><Size>7</Size><ChecksumCRC32C>"
	"AAAAAA==</ChecksumCRC32C></Part></ListPartsResult>";

static void test_s3_list_parts_pages(void)
{
	struct s3_parts_page p = { 0 };

	CHECK_INT_EQ(s3_parts_parse(LIT(parts_rgw), &p), 0);
	CHECK_INT_EQ(p.n, 2);
	CHECK_INT_EQ(p.parts[0].number, 1);
	CHECK_INT_EQ(p.parts[0].size, 100);
	CHECK_STR_EQ(p.parts[0].etag, "6d0bb00954ceb7fbee436bb55a8397a9");
	CHECK_INT_EQ(p.parts[1].number, 3);
	CHECK_INT_EQ(p.parts[1].size, 5242880);
	CHECK_STR_EQ(p.parts[1].etag, "0123456789abcdef0123456789abcdef");
	CHECK(p.truncated);
	CHECK_INT_EQ(p.next_marker, 3);
	CHECK_INT_EQ(s3_parts_parse(LIT(parts_aws), &p), 0);
	CHECK_INT_EQ(p.n, 3);
	CHECK_INT_EQ(p.parts[2].number, 4);
	CHECK_INT_EQ(p.parts[2].size, 7);
	CHECK_STR_EQ(p.parts[2].etag, "ffffffffffffffffffffffffffffffff");
	CHECK(!p.truncated);
	CHECK_INT_EQ(p.next_marker, 0);
	s3_parts_page_release(&p);
	CHECK(p.parts == NULL && p.n == 0);

	/* an upload with no part yet */
	CHECK_INT_EQ(s3_parts_parse(LIT("<ListPartsResult><IsTruncated>false"
					"</IsTruncated></ListPartsResult>"), &p), 0);
	CHECK_INT_EQ(p.n, 0);
	s3_parts_page_release(&p);
}

static void test_s3_list_parts_refuses_bad_documents(void)
{
	static const char *const bad[] = {
		"<ListBucketResult></ListBucketResult>",
		"<Error><Code>NoSuchUpload</Code></Error>",
		"<ListPartsResult><Part><PartNumber>1</PartNumber><Size>3</Size></Part>"
		"</ListPartsResult>",
		"<ListPartsResult><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part>"
		"<Part><PartNumber>2</PartNumber><ETag>y</ETag><Size>1</Size></Part>"
		"</ListPartsResult>",
		"<ListPartsResult><Part><PartNumber>x1</PartNumber><ETag>x</ETag>"
		"<Size>1</Size></Part></ListPartsResult>",
		"<ListPartsResult><Part><PartNumber>0</PartNumber><ETag>x</ETag>"
		"<Size>1</Size></Part></ListPartsResult>",
		"<ListPartsResult><Part><PartNumber>1</PartNumber><ETag>x</ETag>"
		"<Size>-1</Size></Part></ListPartsResult>",
		"<ListPartsResult><Part><PartNumber>1</PartNumber>",
	};
	struct s3_parts_page p = { 0 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT_EQ(s3_parts_parse(bad[i], strlen(bad[i]), &p), -EBADMSG);
		s3_parts_page_release(&p);
	}
}

int main(void)
{
	RUN(test_s3_list_pages_accumulate);
	RUN(test_s3_list_empty_listing);
	RUN(test_s3_list_refuses_bad_documents);
	RUN(test_s3_list_parts_pages);
	RUN(test_s3_list_parts_refuses_bad_documents);
	return CHECK_DONE();
}
