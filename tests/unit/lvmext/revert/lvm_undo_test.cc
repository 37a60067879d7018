// Undo in the LVM form: --restore FILE VG/LV and --backup-snapshot NAME, on
// the fake LVM of tests/support/lvm_fixture.h.
#include "lvmext/revert/backup_snapshot.h"
#include "tests/support/lvm_fixture.h"

namespace lvmrevert::lvmext {
namespace {

using namespace testing_lvm;  // NOLINT: the fixture and its helpers
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class LvmUndoTest : public LvmFormTest {};

TEST_F(LvmUndoTest, BackupThenRestoreThroughTheOriginGivesItBack) {
  const std::string backup = dir_.File("backup.img");
  EXPECT_EQ(Run({"-y", "--backup", backup, "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  dm_.calls.clear();
  EXPECT_EQ(Run({"-y", "--restore", backup, "vg/lv"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(dm_.calls, IsEmpty());  // no snapshot is read, none suspended
  // The snapshot is now another snapshot of the origin: its cost is counted.
  EXPECT_THAT(out_.str(), HasSubstr("Sibling snapshot vg/snap: the revert makes it save"));
}

TEST_F(LvmUndoTest, RestoreRefusesAnOpenOrigin) {
  const std::string backup = dir_.File("backup.img");
  EXPECT_EQ(Run({"-y", "--backup", backup, "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  const std::vector<std::byte> reverted = ReadFile(Path("vg-lv"));
  dm_.devices["vg-lv"].info.open_count = 1;
  EXPECT_EQ(Run({"-y", "--restore", backup, "vg/lv"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("origin vg/lv is open (open count 1"));
  EXPECT_EQ(ReadFile(Path("vg-lv")), reverted);
}

TEST_F(LvmUndoTest, RestoreOfAnOriginWithoutSnapshotsWritesItDirectly) {
  const std::string backup = dir_.File("backup.img");
  EXPECT_EQ(Run({"-y", "--backup", backup, "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  lvs_ = {{"lv", "LVLVLV-1111", "-wi-a-----", "", "linear"}};
  dm_.devices.erase("vg-snap");
  dm_.devices.erase("vg-snap-cow");
  dm_.devices.erase("vg-lv-real");
  dm_.devices["vg-lv"].table = {{0, 64 * 8, "linear", "8:0 2048"}};
  EXPECT_EQ(Run({"-y", "--restore", backup, "vg/lv"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

TEST_F(LvmUndoTest, BackupSnapshotIsSizedForThePlanAndCountedAsASibling) {
  lvm_.on_create = [this](const LvRef&, const std::string&, uint64_t, uint64_t) {
    AddSibling(1024, {});  // the new, empty snapshot "sib"
    lvm_.lvs_json = LvsJson(lvs_);
  };
  EXPECT_EQ(Run({"-y", "--json", "--backup-snapshot", "sib", "vg/lv", "vg/snap"}), kExitDone)
      << err_.str();
  EXPECT_THAT(lvm_.changes, ElementsAre("create vg/sib of vg/lv chunk 4096 size 4194304",
                                        "tags vg/snap +lvm_revert_incomplete [our lock]",
                                        "tags vg/snap -lvm_revert_incomplete [our lock]"));
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(out_.str(), HasSubstr("\"siblings\":[{\"name\":\"vg/sib\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"backup_snapshot\":\"vg/sib\""));
}

TEST_F(LvmUndoTest, BackupSnapshotWithoutRoomInTheVgIsRefusedBeforeAnything) {
  lvm_.space = {1 << 20, 4 << 20};
  EXPECT_EQ(Run({"-y", "--backup-snapshot", "sib", "vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("volume group vg has 1048576 bytes (1.00 MiB) free, the backup "
                                    "snapshot vg/sib needs 4194304 bytes"));
  EXPECT_THAT(lvm_.changes, IsEmpty());
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

TEST_F(LvmUndoTest, ABackupSnapshotThatSavedNothingIsRemovedAgain) {
  lvm_.on_create = [this](const LvRef&, const std::string&, uint64_t, uint64_t) {
    AddSibling(6, {});  // too small: the revert is refused
    lvm_.lvs_json = LvsJson(lvs_);
  };
  EXPECT_EQ(Run({"-y", "--backup-snapshot", "sib", "vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_THAT(lvm_.removed, ElementsAre("vg/sib"));
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

TEST(BackupSnapshotBytesTest, DataMetadataAndMarginRoundedToExtents) {
  // 1000 chunks of 4 KiB: 256 per area, so 3 areas + the zeroed one + header,
  // plus 100 chunks of margin: 1105 chunks, 4526080 bytes; 2 extents of 4 MiB.
  EXPECT_EQ(BackupSnapshotBytes(1000, 4096, 0), (1 + 1000 / 256 + 2 + 1000 + 100) * 4096u);
  EXPECT_EQ(BackupSnapshotBytes(1000, 4096, 4 << 20), 8u << 20);
  EXPECT_EQ(BackupSnapshotBytes(0, 4096, 0), 4u * 4096);
}

}  // namespace
}  // namespace lvmrevert::lvmext
