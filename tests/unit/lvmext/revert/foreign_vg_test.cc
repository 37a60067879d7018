// Another host's VG, an exported or a clustered one: refused in
// lvm-revert's own words before anything is locked, suspended, tagged or
// written; extra_system_ids lets the revert through as LVM would.
#include "tests/support/lvm_fixture.h"

namespace lvmrevert::lvmext::testing_lvm {
namespace {

class ForeignVgTest : public LvmFormTest {
 protected:
  void SetUp() override {
    LvmFormTest::SetUp();
    vg_.systemid = "hosta";
    lvm_.config.host.system_id = "hostb";
  }

  void ExpectUntouched(const std::vector<std::string>& args, const std::string& message) {
    ExpectRefusedUnchanged(args, message);
    EXPECT_TRUE(lvm_.changes.empty()) << lvm_.changes.front();
    EXPECT_TRUE(dm_.calls.empty());
    EXPECT_EQ(lvs_[1].tags, "");
  }
};

constexpr const char* kOwned =
    "lvm-revert: vg belongs to host \"hosta\"; this host is \"hostb\" (LVM system ID)\n";

TEST_F(ForeignVgTest, RevertIsRefusedNamingOwnerAndHost) {
  ExpectUntouched({"-y", "vg/lv", "vg/snap"}, kOwned);
}

TEST_F(ForeignVgTest, DryRunIsRefusedToo) { ExpectUntouched({"--dry-run", "vg/lv", "vg/snap"}, kOwned); }

TEST_F(ForeignVgTest, SchedulingIsRefusedAndTagsNothing) {
  ExpectUntouched({"--at-next-boot", "vg/lv", "vg/snap"}, kOwned);
}

TEST_F(ForeignVgTest, ExtraSystemIdsLetItThrough) {
  lvm_.config.host.extra_system_ids = {"hosta"};
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
}

TEST_F(ForeignVgTest, TheOwnerMayRevert) {
  lvm_.config.host.system_id = "hosta";
  EXPECT_EQ(Run({"-y", "-v", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: note: volume group vg: system ID hosta, lock "
                                    "type none; this host's system ID hosta\n"));
}

TEST_F(ForeignVgTest, AnExportedVgIsRefused) {
  vg_.systemid = "";
  vg_.attr = "wzx-n-";
  ExpectUntouched({"-y", "vg/lv", "vg/snap"},
                  "lvm-revert: volume group vg is exported (vgexport): import it first "
                  "(vgimport vg)\n");
}

// lvs refuses an exported VG itself; vgs still reports it.
TEST_F(ForeignVgTest, AnExportedVgThatLvsRefusesIsExplained) {
  lvm_.fail_report_vg = Status::IOError("lvs vg failed (exit 5): Volume group vg is exported");
  lvm_.vg_identity = VgIdentity{"vg", "", "", "wzx-n-"};
  ExpectUntouched({"-y", "vg/lv", "vg/snap"},
                  "lvm-revert: volume group vg is exported (vgexport): import it first "
                  "(vgimport vg)\n");
}

TEST_F(ForeignVgTest, AnLvsFailureOfAVgOfThisHostIsPassedOn) {
  lvm_.config.host.system_id = "hosta";
  lvm_.fail_report_vg = Status::IOError("lvs vg failed (exit 5): something else");
  lvm_.vg_identity = VgIdentity{"vg", "hosta", "", "wz--n-"};
  ExpectUntouched({"-y", "vg/lv", "vg/snap"}, "lvm-revert: lvs vg failed (exit 5): something else\n");
}

TEST_F(ForeignVgTest, AClusteredVgIsRefused) {
  vg_.systemid = "";
  vg_.attr = "wz--nc";
  ExpectUntouched({"-y", "vg/lv", "vg/snap"}, "lvm-revert: volume group vg is still marked "
                                               "clustered (clvmd, gone since LVM 2.03)");
}

}  // namespace
}  // namespace lvmrevert::lvmext::testing_lvm
