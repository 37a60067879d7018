// A shared VG (lvmlockd) through the LVM form: written only while this host
// holds the origin's lock ex, refused otherwise with nothing suspended,
// tagged or written; the mark goes through lvmlockd's VG lock; another
// host's change to the VG during the copy is named (exit 5); scheduling for
// boot is refused.
#include "tests/support/lvm_fixture.h"

namespace lvmrevert::lvmext::testing_lvm {
namespace {

using ::testing::ElementsAre;

class SharedVgSessionTest : public LvmFormTest {
 protected:
  void SetUp() override {
    LvmFormTest::SetUp();
    vg_.lock_type = "sanlock";
    vg_.attr = "wz--ns";
    vg_.seqno = 7;
    Hold("ex");
  }

  // lvmlockd runs, vg's lockspace is started, and the origin's lock is in `mode`.
  void Hold(const std::string& mode) {
    Lockspace ls{"vg", "sanlock", true, {}};
    if (!mode.empty()) ls.lv_lock_modes["LVLVLV-1111"] = mode;
    lvm_.lockd = LockdState{true, "", {ls}};
  }

  void ExpectUntouched(const std::vector<std::string>& args, const std::string& message) {
    ExpectRefusedUnchanged(args, message);
    EXPECT_TRUE(lvm_.changes.empty()) << lvm_.changes.front();
    EXPECT_EQ(lvs_[1].tags, "");
  }

  // Another host adds a tag to vg/lv as the `n`th report of the VG starts.
  void AnotherHostTagsAt(int n) {
    lvm_.on_report_vg = [this, n](int reports) {
      if (reports != n) return;
      lvs_[0].tags = "theirs";
      ++vg_.seqno;
      lvm_.lvs_json = LvsJson(lvs_, vg_);
    };
  }
};

TEST_F(SharedVgSessionTest, AnOriginHeldExclusivelyHereIsReverted) {
  EXPECT_EQ(Run({"-y", "-v", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: note: volume group vg: system ID none, lock type "
                                    "sanlock; this host's system ID none\n"));
  // The mark is committed under lvmlockd's VG lock as well as ours.
  EXPECT_THAT(lvm_.changes,
              ElementsAre("tags vg/snap +lvm_revert_incomplete [our lock, lvmlockd's]",
                          "tags vg/snap -lvm_revert_incomplete [our lock, lvmlockd's]"));
  EXPECT_EQ(lvm_.lockd_reads, 1);
  EXPECT_FALSE(dm_.AnySuspended());
}

TEST_F(SharedVgSessionTest, ALocalVgNeverAsksLvmlockd) {
  vg_.lock_type = "";
  vg_.attr = "wz--n-";
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_EQ(lvm_.lockd_reads, 0);
  EXPECT_THAT(lvm_.changes, ElementsAre("tags vg/snap +lvm_revert_incomplete [our lock]",
                                        "tags vg/snap -lvm_revert_incomplete [our lock]"));
}

TEST_F(SharedVgSessionTest, WithoutLvmlockdTheRevertAndItsDryRunAreRefused) {
  lvm_.lockd = LockdState{false, "lvmlockctl --info: Cannot connect to lvmlockd.", {}};
  const std::string message =
      "lvm-revert: volume group vg is shared (lock type sanlock) and lvmlockd is not running "
      "here (lvmlockctl --info: Cannot connect to lvmlockd.): start lvmlockd, then run vgchange "
      "--lockstart vg and lvchange -aey vg/lv\n";
  ExpectUntouched({"-y", "vg/lv", "vg/snap"}, message);
  ExpectUntouched({"--dry-run", "vg/lv", "vg/snap"}, message);
  EXPECT_TRUE(dm_.calls.empty());
}

TEST_F(SharedVgSessionTest, WithoutTheLockspaceItIsRefused) {
  lvm_.lockd = LockdState{true, "", {}};
  ExpectUntouched({"-y", "vg/lv", "vg/snap"},
                  "lvm-revert: volume group vg is shared (lock type sanlock) and its lockspace is "
                  "not started on this host: run vgchange --lockstart vg, then lvchange -aey "
                  "vg/lv\n");
}

TEST_F(SharedVgSessionTest, AnOriginActiveSharedIsRefused) {
  Hold("sh");
  ExpectUntouched({"-y", "vg/lv", "vg/snap"}, "lvm-revert: vg/lv is active shared (lvmlockd "
                                              "holds its lock sh");
}

TEST_F(SharedVgSessionTest, ARestoreNeedsTheOriginExclusiveToo) {
  Hold("");
  ExpectUntouched({"-y", "--restore", dir_.File("backup"), "vg/lv"},
                  "lvm-revert: vg/lv is not active on this host under lvmlockd (shared volume "
                  "group vg): activate it exclusively first (lvchange -aey vg/lv)\n");
}

TEST_F(SharedVgSessionTest, SchedulingForBootIsRefusedEvenWhenHeld) {
  ExpectUntouched({"--at-next-boot", "vg/lv", "vg/snap"},
                  "lvm-revert: volume group vg is shared (lock type sanlock), and the initramfs "
                  "runs no lvmlockd to hold its locks, so nothing in it is reverted at boot; "
                  "revert while the system runs, with the origin active exclusively here "
                  "(lvchange -aey)\n");
}

// Reports: 1 LVM's view, 2 right after the mark, 3 after the copy.
TEST_F(SharedVgSessionTest, AChangeByAnotherHostDuringTheCopyIsNamed) {
  AnotherHostTagsAt(3);
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitFailedWriting);
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: volume group vg changed while lvm-revert wrote "
                                    "vg/lv (metadata seqno 8 -> 9; another host?): vg/lv tags "
                                    "none -> theirs\n"));
  // Not known to be done: the mark stays, for the admin to look and re-run.
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_incomplete");
  EXPECT_FALSE(dm_.AnySuspended());
}

TEST_F(SharedVgSessionTest, AChangeBeforeTheFirstWriteRefusesWithNothingWritten) {
  AnotherHostTagsAt(2);
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: volume group vg changed after lvm-revert read "
                                    "it (another host?): vg/lv tags none -> theirs; nothing was "
                                    "written\n"));
  EXPECT_EQ(lvs_[1].tags, "");  // the mark was taken back
  EXPECT_FALSE(dm_.AnySuspended());
}

TEST_F(SharedVgSessionTest, NoChangeMeansNoComplaint) {
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_EQ(lvm_.reports, 3);
  // Right after the mark the snapshot is suspended: LVM must not wait for it.
  EXPECT_EQ(lvm_.reports_while_suspended, 1);
  EXPECT_EQ(lvs_[1].tags, "");
}

}  // namespace
}  // namespace lvmrevert::lvmext::testing_lvm
