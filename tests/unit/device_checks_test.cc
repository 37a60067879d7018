#include "safety/device_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/fake_system_view.h"

namespace lvmrevert::safety {
namespace {

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

}  // namespace
}  // namespace lvmrevert::safety
