#include "lvmext/lvm/live_snapshot_check.h"

#include <gtest/gtest.h>
#include <sys/sysmacros.h>

#include "tests/support/fake_device_mapper.h"
#include "tests/support/fake_system_view.h"

namespace lvmrevert::lvmext {
namespace {

using lvmrevert::testing::FakeDeviceMapper;
using lvmrevert::testing::FakeSystemView;

dev_t Dm(unsigned minor_number) { return makedev(253, minor_number); }
const FileIdentity kImage = FileIdentity::File(0x801, 99);

// vg/lv with its snapshot vg/snap, active: dm-0 vg-lv (snapshot-origin),
// dm-1 vg-lv-real, dm-2 vg-snap (snapshot), dm-3 vg-snap-cow; dm-4 a plain
// linear LV vg-plain.
class LiveSnapshotCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Add(0, "vg-lv", "snapshot-origin", "253:1");
    Add(1, "vg-lv-real", "linear", "8:0 2048");
    Add(2, "vg-snap", "snapshot", "253:1 253:3 P 8");
    Add(3, "vg-snap-cow", "linear", "8:0 9999");
    Add(4, "vg-plain", "linear", "8:0 99999");
    view_.holders[Dm(1)] = {"dm-0", "dm-2"};
    view_.holders[Dm(3)] = {"dm-2"};
  }

  void Add(unsigned minor_number, const std::string& name, const std::string& type,
           const std::string& params) {
    const std::string kernel = "dm-" + std::to_string(minor_number);
    view_.kernel_names[Dm(minor_number)] = kernel;
    view_.dm_names[kernel] = name;
    dm_.devices[name].info.exists = true;
    dm_.devices[name].table = {{0, 1024, type, params}};
  }

  Status Check(const FileIdentity& origin, const FileIdentity& store) {
    return CheckNotLiveSnapshotDevices(view_, &dm_, origin, store);
  }

  FakeSystemView view_;
  FakeDeviceMapper dm_;
};

TEST_F(LiveSnapshotCheckTest, TheSnapshotOriginDeviceIsRefusedNamingTheLvmForm) {
  const Status s = Check(FileIdentity::Block(Dm(0)), kImage);
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(),
            "origin vg-lv is the origin of an active snapshot: writing it offline would bypass "
            "LVM's lock and the snapshot's suspend; use the LVM form instead: lvm-revert vg/lv "
            "vg/SNAP");
}

TEST_F(LiveSnapshotCheckTest, TheRealDeviceIsRefused) {
  const Status s = Check(FileIdentity::Block(Dm(1)), kImage);
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(),
            "origin vg-lv-real is the data device under the active snapshot vg-lv: writing it "
            "offline would bypass LVM's lock and the snapshot's suspend; use the LVM form "
            "instead: lvm-revert vg/lv vg/SNAP");
}

TEST_F(LiveSnapshotCheckTest, TheStoreOfAnActiveSnapshotIsRefusedNamingBothLvs) {
  const Status s = Check(kImage, FileIdentity::Block(Dm(3)));
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(),
            "snapshot store is the exception store of the active snapshot vg-snap: writing it "
            "offline would bypass LVM's lock and the snapshot's suspend; use the LVM form "
            "instead: lvm-revert vg/lv vg/snap");
}

TEST_F(LiveSnapshotCheckTest, PlainDevicesAndImagesPass) {
  EXPECT_TRUE(Check(FileIdentity::Block(Dm(4)), kImage).ok());
  EXPECT_TRUE(Check(kImage, kImage).ok());
  EXPECT_TRUE(Check(FileIdentity::Block(makedev(7, 0)), FileIdentity::Block(makedev(7, 1))).ok());
}

TEST_F(LiveSnapshotCheckTest, ADeviceMapperDeviceThatCannotBeReadIsRefused) {
  dm_.devices.erase("vg-lv");
  const Status s = Check(FileIdentity::Block(Dm(0)), kImage);
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(), "no device vg-lv");
}

}  // namespace
}  // namespace lvmrevert::lvmext
