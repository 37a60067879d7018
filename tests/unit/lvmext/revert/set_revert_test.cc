// A set reverted as one, in-process: "vg/lv" with "vg/snap" and a second
// origin "vg/lv2" with "vg/snap2". All or nothing: a refusal of either
// member leaves both origins byte-identical, nothing suspended and no tag.
#include "lvmext/revert/set_members.h"
#include "tests/support/json_output.h"
#include "tests/support/lvm_pairs_fixture.h"

namespace lvmrevert::lvmext {
namespace {

using namespace testing_lvm;  // NOLINT: the fixture and its helpers
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using lvmrevert::testing::FailingWriteEngine;

using SetRevertTest = TwoPairsTest;

TEST_F(SetRevertTest, TwoSnapshotsAreRevertedAsOneEachSuspendedOnlyWhileItIsCopied) {
  EXPECT_EQ(Run({"-y", "vg/snap2", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(ReadFile(Path("vg-lv2")), expected2_);
  // In the order of their origins, whatever the command line's.
  EXPECT_THAT(dm_.calls, ElementsAre("suspend vg-snap", "resume vg-snap", "suspend vg-snap2",
                                     "resume vg-snap2"));
  EXPECT_FALSE(dm_.AnySuspended());
  const std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("Set: 2 members, "));
  EXPECT_LT(out.find("Plan: 3 runs"), out.find("Plan: 3 runs", out.find("Plan: 3 runs") + 1))
      << out;
  EXPECT_THAT(out, HasSubstr("Reverted " + Path("vg-lv") + ": wrote 20480 bytes"));
  EXPECT_THAT(out, HasSubstr("Reverted " + Path("vg-lv2") + ": wrote 16384 bytes"));
  EXPECT_THAT(out, HasSubstr("Reverted the set: 2 members, wrote 36864 bytes"));
  // Each mark set and cleared under the set's lock; nothing is left.
  EXPECT_THAT(lvm_.changes,
              ElementsAre("tags vg/snap +lvm_revert_incomplete [our lock]",
                          "tags vg/snap -lvm_revert_incomplete [our lock]",
                          "tags vg/snap2 +lvm_revert_incomplete [our lock]",
                          "tags vg/snap2 -lvm_revert_incomplete [our lock]"));
  struct stat st {};
  EXPECT_NE(::stat((config_dir_ + "/V_vg").c_str(), &st), 0) << "lock file left behind";
}

// The second pair in its own VG, "vg2": its LVs, devices and images.
class TwoVgsSetTest : public TwoPairsTest {
 protected:
  void SetUp() override {
    TwoPairsTest::SetUp();
    lvs_[2].vg = lvs_[3].vg = "vg2";
    for (const std::string name : {"lv2", "lv2-real", "snap2", "snap2-cow"}) {
      FakeDmDevice device = dm_.devices.at("vg-" + name);
      dm_.devices.erase("vg-" + name);
      device.info.name = "vg2-" + name;
      dm_.devices["vg2-" + name] = device;
      if (name != "lv2-real") WriteFile(Path("vg2-" + name), ReadFile(Path("vg-" + name)));
    }
  }
};

TEST_F(TwoVgsSetTest, ASetAcrossTwoVgsReadsThemInOneLvs) {
  EXPECT_EQ(Run({"-y", "vg/snap", "vg2/snap2"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(ReadFile(Path("vg2-lv2")), expected2_);
  EXPECT_EQ(lvm_.reports_of_several_vgs, 1);
  EXPECT_EQ(lvm_.reports, 1);  // and no VG read alone
  EXPECT_EQ(lvm_.configs, 1);
  EXPECT_THAT(lvm_.changes,
              ElementsAre("tags vg/snap +lvm_revert_incomplete [our lock]",
                          "tags vg/snap -lvm_revert_incomplete [our lock]",
                          "tags vg2/snap2 +lvm_revert_incomplete [our lock]",
                          "tags vg2/snap2 -lvm_revert_incomplete [our lock]"));
}

// When the one lvs fails (a VG missing or unreadable), each VG is read
// alone, so that each member gets its own VG's answer.
TEST_F(TwoVgsSetTest, WhenTheOneLvsFailsEachVgIsReadAlone) {
  lvm_.fail_report_vgs = Status::IOError("lvs failed (exit 5): Volume group \"vg2\" not found");
  const int reports_before = lvm_.reports;
  EXPECT_EQ(Run({"-y", "vg/snap", "vg2/snap2"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(ReadFile(Path("vg2-lv2")), expected2_);
  EXPECT_EQ(lvm_.reports_of_several_vgs, 1);
  EXPECT_EQ(lvm_.reports - reports_before, 1 + 2);
}

TEST_F(SetRevertTest, AnOriginAndItsSnapshotStayAPair) {
  EXPECT_EQ(Run({"-y", "vg/lv2", "vg/snap2"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv2")), expected2_);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(out_.str(), Not(HasSubstr("Set:")));
}

TEST_F(SetRevertTest, OneMemberInUseRefusesTheWholeSetAndNamesIt) {
  dm_.devices["vg-lv2"].info.open_count = 1;
  EXPECT_EQ(Run({"-y", "vg/snap", "vg/snap2"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: member vg/lv2 (vg/snap2): "));
  EXPECT_THAT(err_.str(), Not(HasSubstr("member vg/lv (vg/snap)")));
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: 1 of 2 members of the set refused; nothing was "
                                    "written to any member\n"));
  ExpectBothUnchanged();
  EXPECT_THAT(dm_.calls, IsEmpty());
}

TEST_F(SetRevertTest, EveryRefusedMemberIsNamedAtOnce) {
  dm_.devices["vg-lv2"].info.open_count = 1;
  dm_.devices["vg-snap"].status = {{0, kOriginChunks * 8, "snapshot", "Invalid"}};
  EXPECT_EQ(Run({"-y", "--json", "vg/snap", "vg/snap2"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: member vg/lv (vg/snap): "));
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: member vg/lv2 (vg/snap2): "));
  EXPECT_THAT(err_.str(), HasSubstr("2 of 2 members of the set refused"));
  ExpectBothUnchanged();
  const nlohmann::json j = OneJsonObject(out_.str());
  EXPECT_EQ(j["exit_status"], 4);
  ASSERT_EQ(j["members"].size(), 2u);
  EXPECT_EQ(j["members"][0]["origin"], "vg/lv");
  EXPECT_EQ(j["members"][0]["result"], "refused");
  EXPECT_EQ(j["members"][1]["result"], "refused");
  EXPECT_EQ(j["members"][1]["error"]["kind"], "refused");
}

TEST_F(SetRevertTest, AFailureWhileWritingTheSecondMemberExitsFiveAndARerunCompletes) {
  // The first engine is the pair reading's (two snapshots are found to be
  // a set before anything is read), then one per member.
  int engines = 0;
  make_engine_ = [&engines]() -> std::unique_ptr<IoEngine> {
    if (++engines == 3) return std::make_unique<FailingWriteEngine>(1);
    return std::make_unique<PsyncEngine>();
  };
  EXPECT_EQ(Run({"-y", "vg/snap", "vg/snap2"}), kExitFailedWriting);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: member 2 of 2, vg/lv2 (vg/snap2), failed while "
                                    "writing: "));
  EXPECT_THAT(err_.str(), HasSubstr("; done: vg/lv; not started: none\n"));
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_NE(ReadFile(Path("vg-lv2")), expected2_);
  EXPECT_FALSE(dm_.AnySuspended());
  // The second member keeps its mark: a re-run (or the boot) completes it.
  EXPECT_EQ(lvm_.changes.back(), "tags vg/snap2 +lvm_revert_incomplete [our lock]");

  make_engine_ = [] { return std::make_unique<PsyncEngine>(); };
  EXPECT_EQ(Run({"-y", "vg/snap", "vg/snap2"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(ReadFile(Path("vg-lv2")), expected2_);
  EXPECT_EQ(lvm_.changes.back(), "tags vg/snap2 -lvm_revert_incomplete [our lock]");
}

TEST_F(SetRevertTest, ADryRunInJsonListsTheMembersAndWritesNothing) {
  EXPECT_EQ(Run({"--dry-run", "--json", "vg/snap2", "vg/snap"}), kExitDone) << err_.str();
  ExpectBothUnchanged();
  EXPECT_THAT(dm_.calls, IsEmpty());
  const nlohmann::json j = OneJsonObject(out_.str());
  EXPECT_EQ(j["result"], "dry-run");
  EXPECT_TRUE(j["origin"].is_null());
  EXPECT_TRUE(j["snapshot"].is_null());
  EXPECT_EQ(j["runs"], 6);
  EXPECT_EQ(j["bytes"], 36864);
  ASSERT_EQ(j["members"].size(), 2u);
  EXPECT_EQ(j["members"][0]["origin"], "vg/lv");
  EXPECT_EQ(j["members"][0]["snapshot"], "vg/snap");
  EXPECT_EQ(j["members"][0]["result"], "dry-run");
  EXPECT_EQ(j["members"][0]["bytes"], 20480);
  EXPECT_EQ(j["members"][1]["origin"], "vg/lv2");
  EXPECT_EQ(j["members"][1]["bytes_written"], 0);
}

TEST_F(SetRevertTest, CompareCountsOverTheSetAndVerifyReadsBackEveryMember) {
  EXPECT_EQ(Run({"--compare", "vg/snap", "vg/snap2"}), kExitDiffers) << err_.str();
  ExpectBothUnchanged();
  EXPECT_EQ(Run({"-y", "--verify", "vg/snap", "vg/snap2"}), kExitDone) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("Verified 20480 bytes"));
  EXPECT_THAT(out_.str(), HasSubstr("Verified 16384 bytes"));
  EXPECT_EQ(Run({"--compare", "--json", "vg/snap", "vg/snap2"}), kExitDone) << err_.str();
  const nlohmann::json j = OneJsonObject(out_.str());
  EXPECT_EQ(j["compare"]["differing_chunks"], 0);
  EXPECT_EQ(j["compare"]["chunks"], 9);
  EXPECT_EQ(j["members"][1]["result"], "compared");
}

TEST_F(SetRevertTest, OnePromptForTheWholeSet) {
  stdin_is_terminal_ = true;
  answers_ = {"n"};
  EXPECT_EQ(Run({"vg/snap", "vg/snap2"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("Really revert 2 volumes to their snapshots (vg/lv to vg/snap, "
                                    "vg/lv2 to vg/snap2; 0.04 MiB in 6 runs)?"));
  ExpectBothUnchanged();
  answers_ = {"y"};
  EXPECT_EQ(Run({"vg/snap", "vg/snap2"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(ReadFile(Path("vg-lv2")), expected2_);
}

TEST_F(SetRevertTest, ATagNamesTheSet) {
  lvs_[1].tags = "upgrade";
  lvs_[3].tags = "upgrade";
  EXPECT_EQ(Run({"-y", "@upgrade"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(ReadFile(Path("vg-lv2")), expected2_);
  // LVM's configuration once, and the VG once under its lock, for both
  // members (lvs -S for the tag is not counted here).
  EXPECT_EQ(lvm_.configs, 1);
  EXPECT_EQ(lvm_.reports, 1);
}

TEST_F(SetRevertTest, AnEmptyOrPartlyUnreadableTagIsRefused) {
  EXPECT_EQ(Run({"-y", "@nosuch"}), kExitRefused);
  EXPECT_EQ(err_.str(), "lvm-revert: no snapshot carries the tag @nosuch\n");
  lvs_[1].tags = "upgrade";
  lvm_.tagged_problems = {"Volume group \"vgx\" has missing PVs."};
  EXPECT_EQ(Run({"-y", "@upgrade"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("not every volume group could be read, and a member of the "
                                    "set may be in one"));
  ExpectBothUnchanged();
}

TEST_F(SetRevertTest, SnapmsSnapsetNamesTheSet) {
  RenameSnapshot(1, "lv-snapset_upgrade_1733300000_-", "vg-lv--snapset_upgrade_1733300000_--");
  RenameSnapshot(3, "lv2-snapset_upgrade_1733300000_-var",
                 "vg-lv2--snapset_upgrade_1733300000_--var");
  EXPECT_EQ(Run({"-y", "--snapset", "upgrade"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(ReadFile(Path("vg-lv2")), expected2_);
  // Another timestamp under the same name: two sets of one name.
  lvs_[3].name = "lv2-snapset_upgrade_1733300001_-var";
  EXPECT_EQ(Run({"-y", "--snapset", "upgrade"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("disagree on its timestamp"));
  EXPECT_EQ(Run({"-y", "--snapset", "other"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("no snapshot of snapshot set other"));
}

TEST_F(SetRevertTest, ASetNamingAMemberTwiceOrTwoSnapshotsOfAnOriginIsABadCommandLine) {
  EXPECT_EQ(Run({"-y", "vg/snap", "vg/snap2", "/dev/vg/snap"}), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: vg/snap is named twice\n");
  AddSibling(64, {1});
  EXPECT_EQ(Run({"-y", "vg/snap", "vg/sib"}), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: vg/sib and vg/snap are both snapshots of vg/lv: a set "
                        "reverts each origin to one snapshot\n");
  ExpectBothUnchanged();
}

TEST_F(SetRevertTest, OptionsOfOneOriginAreABadCommandLineOnASet) {
  EXPECT_EQ(Run({"-y", "--backup", dir_.File("b"), "vg/snap", "vg/snap2"}), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: --backup works on one origin, not on a set of snapshots\n");
  EXPECT_EQ(Run({"--format", "dd", "vg/snap", "vg/snap2"}), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: --format dd works on one origin, not on a set of snapshots\n");
  EXPECT_EQ(Run({"-y", "--backup-snapshot", "undo", "vg/snap", "vg/snap2"}), kExitBadCommandLine);
  EXPECT_EQ(err_.str(),
            "lvm-revert: --backup-snapshot works on one origin, not on a set of snapshots\n");
  ExpectBothUnchanged();
  struct stat st {};
  EXPECT_NE(::stat(dir_.File("b").c_str(), &st), 0);
}

TEST_F(SetRevertTest, ASetIsScheduledWithItsTagAndCancelledAsOne) {
  EXPECT_EQ(Run({"--at-next-boot", "vg/snap", "vg/snap2"}), kExitDone) << err_.str();
  EXPECT_THAT(lvm_.changes,
              ElementsAre("tags vg/snap +lvm_revert_next_boot +lvm_revert_set_vg/lv [our lock]",
                          "tags vg/snap2 +lvm_revert_next_boot +lvm_revert_set_vg/lv [our lock]"));
  EXPECT_THAT(out_.str(), HasSubstr("To cancel: lvm-revert --cancel vg/snap vg/snap2\n"));
  ExpectBothUnchangedButTags();
  lvm_.changes.clear();
  EXPECT_EQ(Run({"--cancel", "vg/snap", "vg/snap2"}), kExitDone) << err_.str();
  EXPECT_THAT(lvm_.changes,
              ElementsAre("tags vg/snap -lvm_revert_next_boot -lvm_revert_set_vg/lv",
                          "tags vg/snap2 -lvm_revert_next_boot -lvm_revert_set_vg/lv"));
}

// A thin snapshot may itself have snapshots: a first name that is a
// snapshot is still a pair with its own snapshot.
TEST(NamesASetTest, TwoSnapshotsAreASetUnlessTheFirstIsTheSecondsOrigin) {
  StatusOr<LvmView> view =
      LvmView::Parse(LvsJson({{"base", "B", "Vwi-XXtz--", "", "thin"},
                              {"lv", "L", "Vwi-XXtz-k", "base", "thin"},
                              {"snap", "S", "Vwi-XXtz-k", "lv", "thin"},
                              {"other", "O", "Vwi-XXtz-k", "base", "thin"}}));
  ASSERT_TRUE(view.ok()) << view.status().message();
  EXPECT_FALSE(NamesASet(*view, {"vg", "base"}, {"vg", "lv"}));
  EXPECT_FALSE(NamesASet(*view, {"vg", "lv"}, {"vg", "snap"}));
  EXPECT_TRUE(NamesASet(*view, {"vg", "lv"}, {"vg", "other"}));
  EXPECT_TRUE(NamesASet(*view, {"vg", "lv"}, {"vg", "nosuch"}));
}

}  // namespace
}  // namespace lvmrevert::lvmext
