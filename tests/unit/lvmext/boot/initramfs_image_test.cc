// What a boot image's listing lacks for a scheduled revert, as lsinitramfs
// and lsinitrd print it.
#include "lvmext/boot/initramfs_image.h"

#include <gtest/gtest.h>

namespace lvmrevert::lvmext {
namespace {

const std::string kImage = "/boot/initrd.img-6.1.0-57-amd64";
const std::string kRebuild = "update-initramfs -u -k 6.1.0-57-amd64";

std::optional<std::string> Why(const std::string& listing, bool needs_thin) {
  return WhyImageNotReady(listing, kImage, kRebuild, needs_thin);
}

const std::string kLsinitramfsThin =
    "usr/sbin/lvm-revert\nusr/sbin/thin_check\n"
    "usr/lib/modules/6.1.0-57-amd64/kernel/drivers/md/dm-thin-pool.ko\n";
// lsinitrd: ls -l lines; thin_check is a link to pdata_tools.
const std::string kLsinitrdThin =
    "-rwxr-xr-x   1 root root 1234 Dec  5 02:00 usr/sbin/lvm-revert\n"
    "lrwxrwxrwx   1 root root   11 Dec  5 02:00 usr/sbin/thin_check -> pdata_tools\n"
    "-rw-r--r--   1 root root 9999 Dec  5 02:00 "
    "usr/lib/modules/6.1.0-57-amd64/kernel/drivers/md/dm-thin-pool.ko.xz\n";

TEST(InitramfsImageTest, AnImageWithTheToolAndTheThinToolsIsReady) {
  EXPECT_EQ(Why(kLsinitramfsThin, true), std::nullopt);
  EXPECT_EQ(Why(kLsinitrdThin, true), std::nullopt);
}

TEST(InitramfsImageTest, WithoutTheToolNothingRevertsAtBoot) {
  EXPECT_EQ(Why("usr/sbin/lvm\n", false),
            kImage + " has no lvm-revert in it, so nothing will revert at the next boot: run " +
                kRebuild + " first");
}

TEST(InitramfsImageTest, AThinRevertNeedsThinCheckAndTheModule) {
  const std::string tool_only = "usr/sbin/lvm-revert\n";
  EXPECT_EQ(Why(tool_only, false), std::nullopt);
  EXPECT_EQ(Why(tool_only, true),
            kImage + " has no thin_check in it, so the boot cannot activate the thin pool: "
                     "install thin-provisioning-tools and run " + kRebuild);
  EXPECT_EQ(Why("usr/sbin/lvm-revert\nusr/sbin/thin_check\n", true),
            kImage + " has no dm-thin-pool module in it, so the boot cannot activate the thin "
                     "pool: install thin-provisioning-tools and run " + kRebuild);
}

}  // namespace
}  // namespace lvmrevert::lvmext
