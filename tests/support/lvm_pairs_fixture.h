// Two pairs in the fake VG "vg" of lvm_fixture.h, for sets: "lv" with "snap",
// and "lv2" with "snap2" (lvs_[2] and lvs_[3], the devices vg-lv2,
// vg-lv2-real, vg-snap2 and vg-snap2-cow).
#pragma once

#include "tests/support/lvm_fixture.h"

namespace lvmrevert::lvmext::testing_lvm {

using ::testing::IsEmpty;
using lvmrevert::testing::PatternImage;
using lvmrevert::testing::RevertedImage;

class TwoPairsTest : public LvmFormTest {
 protected:
  void SetUp() override {
    LvmFormTest::SetUp();
    lvs_.push_back({"lv2", "LV2LV2-5555", "owi-XXs---", "", "linear"});
    lvs_.push_back({"snap2", "SN2SN2-6666", "swi-XXs---", "lv2", "linear"});
    StoreBuilder snap2(8);
    for (uint64_t c : {0, 1, 7, 50}) snap2.Add(c);
    snap2.SetStoreChunks(64);
    WriteFile(Path("vg-snap2-cow"), snap2.Build());
    origin2_ = PatternImage(23, kOriginChunks * kChunk, kChunk);
    WriteFile(Path("vg-lv2"), origin2_);
    WriteFile(Path("vg-snap2"), origin2_);
    expected2_ = RevertedImage(origin2_, snap2);
    AddDevice("vg-lv2", 6, "LVM-" + Uuid("LV2LV2-5555"), 0, "snapshot-origin", MajorMinor(Dev(7)));
    AddDevice("vg-lv2-real", 7, "LVM-" + Uuid("LV2LV2-5555") + "-real", 2, "linear", "254:0 4096");
    AddDevice("vg-snap2", 8, "LVM-" + Uuid("SN2SN2-6666"), 0, "snapshot",
              MajorMinor(Dev(7)) + " " + MajorMinor(Dev(9)) + " P 8");
    dm_.devices["vg-snap2"].status = {{0, kOriginChunks * 8, "snapshot", "48/512 16"}};
    AddDevice("vg-snap2-cow", 9, "LVM-" + Uuid("SN2SN2-6666") + "-cow", 1, "linear", "254:0 7777");
  }

  void ExpectBothUnchanged() {
    EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
    EXPECT_EQ(ReadFile(Path("vg-lv2")), origin2_);
    EXPECT_FALSE(dm_.AnySuspended());
    EXPECT_THAT(lvm_.changes, IsEmpty());
  }

  // The tags may change; the devices may not.
  void ExpectBothUnchangedButTags() {
    EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
    EXPECT_EQ(ReadFile(Path("vg-lv2")), origin2_);
    EXPECT_FALSE(dm_.AnySuspended());
    EXPECT_THAT(dm_.calls, IsEmpty());
  }

  // The snapshot LV `lv` renamed to `name`, its devices with it.
  void RenameSnapshot(size_t lv, const std::string& name, const std::string& dm_name) {
    const std::string old_dm = "vg-" + lvs_[lv].name;
    lvs_[lv].name = name;
    for (const std::string suffix : {"", "-cow"}) {
      FakeDmDevice device = dm_.devices.at(old_dm + suffix);
      dm_.devices.erase(old_dm + suffix);
      device.info.name = dm_name + suffix;
      dm_.devices[dm_name + suffix] = device;
      WriteFile(Path(dm_name + suffix), ReadFile(Path(old_dm + suffix)));
    }
  }

  std::vector<std::byte> origin2_;
  std::vector<std::byte> expected2_;
};

}  // namespace lvmrevert::lvmext::testing_lvm
