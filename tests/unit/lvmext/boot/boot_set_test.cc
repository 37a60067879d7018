// Sets at boot (--boot): snapshots that share an lvm_revert_set_NAME tag, or
// lvmrevert=@TAG on the kernel command line, are one unit: both reverted, or
// neither, and the boot goes on or stops as for one volume.
#include <filesystem>
#include <fstream>
#include <map>

#include "tests/support/json_output.h"
#include "tests/support/lvm_pairs_fixture.h"

namespace lvmrevert::lvmext {
namespace {

using namespace testing_lvm;  // NOLINT: the fixture and its helpers
using ::testing::IsEmpty;
using lvmrevert::testing::FailingWriteEngine;

class BootSetTest : public TwoPairsTest {
 protected:
  void SetUp() override {
    TwoPairsTest::SetUp();
    SetCmdline("BOOT_IMAGE=/vmlinuz root=/dev/mapper/vg-lv ro quiet");
  }
  void SetCmdline(const std::string& text) { std::ofstream(dir_.File("cmdline")) << text << "\n"; }
  void TagBoth(const std::string& tags) {
    lvs_[1].tags = tags;
    lvs_[3].tags = tags;
  }
  std::string Log() {
    std::ifstream in(dir_.File("run/boot.log"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

TEST_F(BootSetTest, AScheduledSetIsRevertedAsOne) {
  TagBoth("lvm_revert_next_boot,lvm_revert_set_upgrade");
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(ReadFile(Path("vg-lv2")), expected2_);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: reverted vg/lv to vg/snap: wrote 0.02 MiB in 3 "
                                    "runs\n"));
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: reverted vg/lv2 to vg/snap2: wrote 0.02 MiB in 3 "
                                    "runs\n"));
  // The next-boot tag goes with the mark, as for one volume; the set's stays.
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_set_upgrade");
  EXPECT_EQ(lvs_[3].tags, "lvm_revert_set_upgrade");
  EXPECT_THAT(Log(), HasSubstr("== set upgrade: vg/snap vg/snap2 (next-boot)\n"));
  EXPECT_FALSE(dm_.AnySuspended());
}

TEST_F(BootSetTest, OneInvalidMemberRefusesTheWholeSetAndTagsEveryMemberRefused) {
  TagBoth("lvm_revert_next_boot,lvm_revert_set_upgrade");
  dm_.devices["vg-snap2"].status[0].params = "Invalid";
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_EQ(ReadFile(Path("vg-lv2")), origin2_);
  EXPECT_THAT(dm_.calls, IsEmpty());
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: refused to revert vg/lv2 to vg/snap2: snapshot "));
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: refused to revert vg/lv to vg/snap: another "
                                    "member of the set was refused (vg/lv2), and a set is "
                                    "reverted all or nothing\n"));
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_set_upgrade,lvm_revert_refused");
  EXPECT_EQ(lvs_[3].tags, "lvm_revert_set_upgrade,lvm_revert_refused");
  EXPECT_THAT(err_.str(), HasSubstr("the boot goes on"));
}

// A refusal that may pass (a member in use) keeps the whole set scheduled.
TEST_F(BootSetTest, AMemberInUseKeepsTheSetScheduled) {
  TagBoth("lvm_revert_next_boot,lvm_revert_set_upgrade");
  view_.mounts_by_path[Path("vg-lv2")] = {"/home"};
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_EQ(ReadFile(Path("vg-lv2")), origin2_);
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_next_boot,lvm_revert_set_upgrade");
  EXPECT_EQ(lvs_[3].tags, "lvm_revert_next_boot,lvm_revert_set_upgrade");
  EXPECT_THAT(err_.str(), HasSubstr("stays scheduled (next-boot) and the next boot tries again"));
}

TEST_F(BootSetTest, AFailureWhileWritingStopsTheBoot) {
  TagBoth("lvm_revert_next_boot,lvm_revert_set_upgrade");
  int engines = 0;
  make_engine_ = [&engines]() -> std::unique_ptr<IoEngine> {
    if (++engines == 2) return std::make_unique<FailingWriteEngine>(1);
    return std::make_unique<PsyncEngine>();
  };
  EXPECT_EQ(Run({"--boot"}), kExitFailedWriting);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: FAILED while reverting the set upgrade: member 2 "
                                    "of 2, vg/lv2 (vg/snap2), failed while writing: "));
  EXPECT_THAT(err_.str(), HasSubstr("must not be mounted. Once the cause is fixed, run: lvm-revert "
                                    "-y vg/snap vg/snap2\n"));
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(lvs_[3].tags, "lvm_revert_set_upgrade,lvm_revert_incomplete");
  EXPECT_FALSE(dm_.AnySuspended());
}

// A member the initramfs left inactive is activated for the set and
// deactivated after it.
TEST_F(BootSetTest, AnInactiveMemberIsActivatedForTheSetAndDeactivatedAfter) {
  TagBoth("lvm_revert_next_boot,lvm_revert_set_upgrade");
  std::map<std::string, FakeDmDevice> inactive;
  for (const char* name : {"vg-lv2", "vg-lv2-real", "vg-snap2", "vg-snap2-cow"}) {
    inactive[name] = dm_.devices.at(name);
    dm_.devices.erase(name);
  }
  lvm_.on_set_active = [this, &inactive](const LvRef&, bool on) {
    for (const auto& [name, d] : inactive) {
      if (on) {
        dm_.devices[name] = d;
      } else {
        dm_.devices.erase(name);
      }
    }
  };
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(ReadFile(Path("vg-lv2")), expected2_);
  EXPECT_EQ(lvm_.changes.front(), "activate vg/lv2");
  EXPECT_EQ(lvm_.changes.back(), "deactivate vg/lv2");
  EXPECT_EQ(dm_.devices.count("vg-lv2"), 0u);
}

TEST_F(BootSetTest, ATagOnTheKernelCommandLineRevertsItsSetAsOne) {
  TagBoth("upgrade");
  SetCmdline("root=/dev/mapper/vg-lv lvmrevert=@upgrade");
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(ReadFile(Path("vg-lv2")), expected2_);
  EXPECT_THAT(Log(), HasSubstr("== set @upgrade: vg/snap vg/snap2 (command line)\n"));
  SetCmdline("root=/dev/mapper/vg-lv lvmrevert=@nosuch");
  std::filesystem::remove_all(dir_.File("run"));
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: lvmrevert=@nosuch on the kernel command line: no "
                                    "LV carries the tag nosuch; nothing of it runs\n"));
}

TEST_F(BootSetTest, ListScheduledShowsASetAsOne) {
  TagBoth("lvm_revert_next_boot,lvm_revert_set_upgrade");
  EXPECT_EQ(Run({"--list-scheduled"}), kExitDone);
  EXPECT_EQ(out_.str(), "set upgrade, reverted as one:\n"
                        "  vg/lv <- vg/snap  next-boot\n"
                        "  vg/lv2 <- vg/snap2  next-boot\n");
  EXPECT_EQ(Run({"--list-scheduled", "--json"}), kExitDone);
  const nlohmann::json j = OneJsonObject(out_.str());
  ASSERT_EQ(j["scheduled_reverts"].size(), 2u);
  EXPECT_EQ(j["scheduled_reverts"][1]["set"], "upgrade");
  EXPECT_EQ(j["scheduled_reverts"][1]["snapshot"], "vg/snap2");
}

}  // namespace
}  // namespace lvmrevert::lvmext
