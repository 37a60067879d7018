// The thin reset's next step, read from LVM's view alone: every state a kill
// can leave between two steps leads on, and any other state is refused.
#include "lvmext/revert/thin_steps.h"

#include "tests/support/lvm_fixture.h"

namespace lvmrevert::lvmext {
namespace {

using testing_lvm::LvsJson;
using testing_lvm::LvSpec;

const LvRef kOrigin{"vg", "root"};
const LvRef kSnap{"vg", "pre"};

LvSpec Origin(const std::string& attr = "Vwi-XXtz--") { return {"root", "R", attr, "", "thin"}; }
LvSpec Thin(const std::string& name, const std::string& origin, const std::string& tags = "") {
  return {name, name + "-uuid", "Vwi-XXtz-k", origin, "thin", tags};
}

StatusOr<ThinStep> Next(const std::vector<LvSpec>& lvs) {
  StatusOr<LvmView> view = LvmView::Parse(LvsJson(lvs));
  if (!view.ok()) return view.status();
  return NextThinStep(*view, kOrigin, kSnap);
}

TEST(ThinStepsTest, EachStateAKillCanLeaveLeadsToTheNextStep) {
  EXPECT_EQ(*Next({Origin(), Thin("pre", "root", "keep")}), ThinStep::kCopy);
  EXPECT_EQ(*Next({Origin(), Thin("pre", "root", "keep"),
                   Thin("pre_lvmrevert", "pre", "keep,lvm_revert_thin_copy")}),
            ThinStep::kMerge);
  // The merge took "pre"; the copy now hangs off the origin.
  EXPECT_EQ(*Next({Origin(), Thin("pre_lvmrevert", "root", "keep,lvm_revert_thin_copy")}),
            ThinStep::kRename);
  EXPECT_EQ(*Next({Origin(), Thin("pre", "root", "keep,lvm_revert_thin_copy")}), ThinStep::kUntag);
}

TEST(ThinStepsTest, AMergeLvmDeferredIsLeftToLvm) {
  StatusOr<ThinStep> next =
      Next({Origin("Owi-XXtz--"), Thin("pre_lvmrevert", "pre", "lvm_revert_thin_copy")});
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().reason(), RefusalReason::kMergePending);
  EXPECT_EQ(next.status().message(),
            "a merge of vg/pre into vg/root is pending or running (lvconvert --merge): LVM "
            "completes it itself; lvm-revert leaves a merging volume alone");
}

TEST(ThinStepsTest, AnyOtherStateIsRefused) {
  const auto message = [](const std::vector<LvSpec>& lvs) { return Next(lvs).status().message(); };
  EXPECT_EQ(message({Origin(), Thin("pre", "root"), Thin("pre_lvmrevert", "pre")}),
            "vg/pre_lvmrevert, the name of the copy lvm-revert makes of vg/pre, is taken by "
            "another LV; lvm-revert changes nothing it did not leave so itself");
  EXPECT_EQ(message({Origin(), Thin("pre", "other")}),
            "vg/pre is not a snapshot of vg/root; lvm-revert changes nothing it did not leave so "
            "itself");
  EXPECT_EQ(message({Origin(), Thin("pre_lvmrevert", "root")}),
            "vg/pre is gone and vg/pre_lvmrevert is not the copy lvm-revert made of it; lvm-revert "
            "changes nothing it did not leave so itself");
  EXPECT_EQ(message({Origin()}),
            "logical volume vg/pre not found; lvm-revert changes nothing it did not leave so itself");
  EXPECT_EQ(message({Thin("pre", "root")}),
            "logical volume vg/root not found; lvm-revert changes nothing it did not leave so "
            "itself");
}

TEST(ThinStepsTest, TheCopysNameIsTheSnapshotsWithASuffixWithinLvmsLimit) {
  EXPECT_EQ(*ThinCopyName("pre"), "pre_lvmrevert");
  EXPECT_TRUE(ThinCopyName(std::string(117, 'a')).ok());
  EXPECT_EQ(ThinCopyName(std::string(118, 'a')).status().code(), StatusCode::kRefused);
}

}  // namespace
}  // namespace lvmrevert::lvmext
