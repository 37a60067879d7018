#include "safety/device_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/fake_system_view.h"

namespace lvmrevert::safety {
namespace {

using ::testing::HasSubstr;
using lvmrevert::testing::FakeSystemView;

TEST(DeviceChecksTest, UnmountedDevicePasses) {
  FakeSystemView view;
  EXPECT_TRUE(CheckNotMountedOrSwap(view, "origin", "/dev/vg/lv", 0).ok());
}

TEST(DeviceChecksTest, MountedDeviceIsRefusedNamingFilesystemAndMountPoint) {
  FakeSystemView view;
  view.mounts_by_path["/dev/vg/lv"] = {"/srv", "/mnt/x"};
  view.filesystems["/dev/vg/lv"] = {"ext4", "1234", "data"};
  const Status s = CheckNotMountedOrSwap(view, "origin", "/dev/vg/lv", 0);
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(),
            "origin /dev/vg/lv (ext4 \"data\") is mounted on /srv, /mnt/x: unmount it first");
}

TEST(DeviceChecksTest, ActiveSwapIsRefused) {
  FakeSystemView view;
  view.swaps = {"/dev/vg/swap"};
  const Status s = CheckNotMountedOrSwap(view, "origin", "/dev/vg/swap", 0);
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(), "origin /dev/vg/swap is an active swap area: swapoff it first");
}

TEST(DeviceChecksTest, UnreadableMountTableIsAnErrorNotAPass) {
  FakeSystemView view;
  view.fail_mount_table = true;
  const Status s = CheckNotMountedOrSwap(view, "origin", "/dev/vg/lv", 0);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "checking whether /dev/vg/lv is mounted: mountinfo unreadable");
}

// An open count may pass (udev's probe opens a device for a moment); a mount,
// a swap or a holder does not. The boot run retries by this reason.
TEST(DeviceChecksTest, AnOpenCountAboveTheExpectedIsRefusedAsDeviceOpen) {
  const Status s = CheckOpenCount("origin", "vg/lv", 1, 0);
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.reason(), RefusalReason::kDeviceOpen);
  EXPECT_EQ(s.message(), "origin vg/lv is open (open count 1, expected 0): close whatever uses "
                         "it first (see fuser -vm, lsof)");
  EXPECT_FALSE(IsLastingRefusal(s.reason()));
}

TEST(DeviceChecksTest, AnOpenCountTheStackExplainsPasses) {
  EXPECT_TRUE(CheckOpenCount("origin data device", "vg-lv-real", 2, 2).ok());
  EXPECT_TRUE(CheckOpenCount("snapshot", "vg/snap", 0, 0).ok());
}

TEST(DeviceChecksTest, MountsSwapsAndHoldersAreInUseNotDeviceOpen) {
  FakeSystemView view;
  view.mounts_by_path["/dev/vg/lv"] = {"/srv"};
  view.swaps = {"/dev/vg/swap"};
  view.holders[7] = {"dm-9"};
  for (const Status& s : {CheckNotMountedOrSwap(view, "origin", "/dev/vg/lv", 0),
                          CheckNotMountedOrSwap(view, "origin", "/dev/vg/swap", 0),
                          CheckNoHolders(view, "origin", "vg/lv", 7)}) {
    EXPECT_EQ(s.code(), StatusCode::kRefused) << s.message();
    EXPECT_EQ(s.reason(), RefusalReason::kInUse) << s.message();
    EXPECT_FALSE(IsLastingRefusal(s.reason()));
  }
}

// --- other names for one file ---------------------------------------------------

DeviceFile Image(const std::string& path, dev_t dev, ino_t ino) {
  DeviceFile f;
  f.path = path;
  f.dev = dev;
  f.ino = ino;
  return f;
}

DeviceFile Block(const std::string& path, dev_t rdev) {
  DeviceFile f;
  f.path = path;
  f.is_block_device = true;
  f.rdev = rdev;
  return f;
}

constexpr dev_t kFs = 0x801;
const FileIdentity kOriginFile = FileIdentity::File(kFs, 12);
const FileIdentity kStoreFile = FileIdentity::File(kFs, 34);
constexpr dev_t kLoop0 = (7 << 8) | 0;
constexpr dev_t kLoop1 = (7 << 8) | 1;

TEST(NoAliasesTest, TwoDifferentImagesPass) {
  FakeSystemView view;
  EXPECT_TRUE(CheckNoAliases(view, Image("/o.img", kFs, 12), Image("/s.img", kFs, 34)).ok());
}

TEST(NoAliasesTest, AHardLinkOfTheStoreIsTheStore) {
  FakeSystemView view;
  const Status s = CheckNoAliases(view, Image("/o.img", kFs, 34), Image("/s.img", kFs, 34));
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(), "the origin and the snapshot store are the same file (/o.img and /s.img)");
}

TEST(NoAliasesTest, TwoLoopDevicesOfOneFileAreOneFile) {
  FakeSystemView view;
  view.loops = {{"/dev/loop0", kLoop0, kStoreFile, "/s.img"},
                {"/dev/loop1", kLoop1, kStoreFile, "/s.img"}};
  const Status s = CheckNoAliases(view, Block("/dev/loop0", kLoop0), Block("/dev/loop1", kLoop1));
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(),
            "the origin and the snapshot store are the same file (/dev/loop0 and /dev/loop1, "
            "through a loop device)");
}

TEST(NoAliasesTest, ALoopDeviceOfTheStoreImageIsTheStore) {
  FakeSystemView view;
  view.loops = {{"/dev/loop0", kLoop0, kStoreFile, "/s.img"}};
  const Status s = CheckNoAliases(view, Block("/dev/loop0", kLoop0), Image("/s.img", kFs, 34));
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_THAT(s.message(), HasSubstr("are the same file"));
}

TEST(NoAliasesTest, OriginImageBoundToALoopDeviceIsRefusedWhateverItsNameSays) {
  FakeSystemView view;
  // sysfs would say "/old\nname (deleted)"; the driver's inode is what counts.
  view.loops = {{"/dev/loop1", kLoop1, kOriginFile, "/old\nname (deleted)"}};
  const Status s = CheckNoAliases(view, Image("/hardlink.img", kFs, 12), Image("/s.img", kFs, 34));
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(),
            "origin image /hardlink.img is the backing file of /dev/loop1: detach it first "
            "(losetup -d /dev/loop1)");
}

TEST(NoAliasesTest, OriginLoopDeviceWhoseFileAnotherLoopDeviceAlsoUsesIsRefused) {
  FakeSystemView view;
  // loop0 may be mounted; loop1 is the origin: both write the same image.
  view.loops = {{"/dev/loop0", kLoop0, kOriginFile, "/fs.img"},
                {"/dev/loop1", kLoop1, kOriginFile, "/fs.img"}};
  const Status s = CheckNoAliases(view, Block("/dev/loop1", kLoop1), Image("/s.img", kFs, 34));
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(),
            "origin /dev/loop1 is a loop device of /fs.img, which /dev/loop0 is bound to as well: "
            "detach it first (losetup -d /dev/loop0)");
}

TEST(NoAliasesTest, TheOriginsOwnLoopDeviceAloneIsFine) {
  FakeSystemView view;
  view.loops = {{"/dev/loop1", kLoop1, kOriginFile, "/fs.img"}};
  EXPECT_TRUE(CheckNoAliases(view, Block("/dev/loop1", kLoop1), Image("/s.img", kFs, 34)).ok());
}

TEST(NoAliasesTest, StoreImageBoundToALoopDeviceIsRefused) {
  FakeSystemView view;
  view.loops = {{"/dev/loop0", kLoop0, kStoreFile, "/s.img"}};
  const Status s = CheckNoAliases(view, Image("/o.img", kFs, 12), Image("/s.img", kFs, 34));
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(),
            "snapshot store image /s.img is the backing file of /dev/loop0: detach it first "
            "(losetup -d /dev/loop0)");
}

TEST(NoAliasesTest, ALoopDeviceThatCannotBeAskedIsARefusalNotAPass) {
  FakeSystemView view;
  view.fail_loops = true;
  const Status s = CheckNoAliases(view, Image("/o.img", kFs, 12), Image("/s.img", kFs, 34));
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(), "checking loop devices: cannot ask /dev/loop0 what it is bound to");
}

TEST(NoAliasesTest, NamesWithControlCharactersAreQuoted) {
  FakeSystemView view;
  const Status s = CheckNoAliases(view, Image("/o\n.img", kFs, 34), Image("/s.img", kFs, 34));
  EXPECT_EQ(s.message(),
            "the origin and the snapshot store are the same file ('/o'$'\\n''.img' and /s.img)");
}

}  // namespace
}  // namespace lvmrevert::safety
