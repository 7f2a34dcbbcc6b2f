// SPDX-License-Identifier: GPL-2.0-or-later
/* mount_tune: finding our mount's device in /proc/self/mountinfo text. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "mount_tune.h"

static const char MOUNTINFO[] =
	"22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
	"40 22 0:21 / /proc rw,nosuid shared:12 - proc proc rw\n"
	"81 22 0:52 / /tmp/t/mnt rw,nosuid,nodev,relatime shared:40 - fuse.scfs scfs rw,user_id=0\n"
	"83 22 0:54 / /tmp/my\\040music rw,nosuid shared:42 - fuse.scfs scfs rw,user_id=0\n"
	"84 81 0:60 / /tmp/t/mnt rw,nosuid shared:43 - fuse.scfs scfs rw,user_id=0\n"
	"85 22 0:61 / /tmp/t/mnt2 rw shared:44 - fuse.scfs scfs rw";

static void test_mount_tune_finds_the_top_mount(void)
{
	char dev[32];

	CHECK_INT_EQ(mount_tune_find_dev(MOUNTINFO, "/proc", dev, sizeof(dev)), 0);
	CHECK_STR_EQ(dev, "0:21");
	/* Mounted twice: the later line is the one on top. */
	CHECK_INT_EQ(mount_tune_find_dev(MOUNTINFO, "/tmp/t/mnt", dev, sizeof(dev)), 0);
	CHECK_STR_EQ(dev, "0:60");
	/* The last line has no newline. */
	CHECK_INT_EQ(mount_tune_find_dev(MOUNTINFO, "/tmp/t/mnt2", dev, sizeof(dev)), 0);
	CHECK_STR_EQ(dev, "0:61");
}

static void test_mount_tune_unescapes_paths(void)
{
	char dev[32];

	CHECK_INT_EQ(mount_tune_find_dev(MOUNTINFO, "/tmp/my music", dev, sizeof(dev)), 0);
	CHECK_STR_EQ(dev, "0:54");
	CHECK_INT_EQ(mount_tune_find_dev(MOUNTINFO, "/tmp/my\\040music", dev, sizeof(dev)),
		     -ENOENT);
}

static void test_mount_tune_refuses_what_is_not_there(void)
{
	char dev[32] = "untouched", tiny[3];

	CHECK_INT_EQ(mount_tune_find_dev(MOUNTINFO, "/tmp/t", dev, sizeof(dev)), -ENOENT);
	CHECK_INT_EQ(mount_tune_find_dev(MOUNTINFO, "/tmp/t/mnt/", dev, sizeof(dev)), -ENOENT);
	CHECK_INT_EQ(mount_tune_find_dev("", "/", dev, sizeof(dev)), -ENOENT);
	CHECK_INT_EQ(mount_tune_find_dev("1 2 0:5\n", "/", dev, sizeof(dev)), -ENOENT);
	CHECK_STR_EQ(dev, "untouched");
	/* A device name that does not fit is not cut short. */
	CHECK_INT_EQ(mount_tune_find_dev(MOUNTINFO, "/proc", tiny, sizeof(tiny)), -ENOENT);
}

int main(void)
{
	RUN(test_mount_tune_finds_the_top_mount);
	RUN(test_mount_tune_unescapes_paths);
	RUN(test_mount_tune_refuses_what_is_not_there);
	return CHECK_DONE();
}
