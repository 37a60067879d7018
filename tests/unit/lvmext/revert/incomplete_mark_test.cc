// The mark of a revert under way: committed under our lock (with the
// schedule tag it consumes, in one commit), not again when already there,
// refused with nothing written when LVM cannot, and its removal failing is
// a run that is not done.
#include "lvmext/revert/incomplete_mark.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/fake_device_mapper.h"

namespace lvmrevert::lvmext {
namespace {

using ::testing::HasSubstr;
using lvmrevert::testing::FakeLvmTools;

const LvRef kSnap{"vg", "snap"};

TEST(IncompleteMarkTest, SetAndClearInOneCommitEachUnderOurLock) {
  FakeLvmTools lvm;
  IncompleteMark mark(lvm, kSnap, nullptr, "lvm_revert_next_boot", VgLocking::kCallerHoldsLock);
  ASSERT_TRUE(mark.Set().ok());
  EXPECT_TRUE(mark.is_set());
  EXPECT_TRUE(mark.consumed());
  ASSERT_TRUE(mark.Clear("done").ok());
  EXPECT_FALSE(mark.is_set());
  EXPECT_EQ(lvm.changes, (std::vector<std::string>{
                             "tags vg/snap +lvm_revert_incomplete -lvm_revert_next_boot [our lock]",
                             "tags vg/snap -lvm_revert_incomplete [our lock]"}));
}

TEST(IncompleteMarkTest, AMarkAlreadyThereIsNotCommittedAgain) {
  FakeLvmTools lvm;
  LvRecord record;
  record.tags = {"lvm_revert_incomplete"};
  IncompleteMark mark(lvm, kSnap, &record, "", VgLocking::kCallerHoldsLock);
  ASSERT_TRUE(mark.Set().ok());
  EXPECT_TRUE(mark.is_set());
  EXPECT_FALSE(mark.committed());
  EXPECT_TRUE(lvm.changes.empty());
}

TEST(IncompleteMarkTest, LvmFailingIsARefusalWithNothingWritten) {
  FakeLvmTools lvm;
  lvm.fail_changes = Status::IOError("lvchange failed");
  IncompleteMark mark(lvm, kSnap, nullptr, "", VgLocking::kCallerHoldsLock);
  const Status s = mark.Set();
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(), "cannot record that the revert starts (tag lvm_revert_incomplete on "
                         "vg/snap): lvchange failed; nothing was written");
  EXPECT_FALSE(mark.is_set());
}

TEST(IncompleteMarkTest, AMarkThatCannotBeRemovedLeavesTheRunIncomplete) {
  FakeLvmTools lvm;
  IncompleteMark mark(lvm, kSnap, nullptr, "", VgLocking::kCallerHoldsLock);
  ASSERT_TRUE(mark.Set().ok());
  lvm.fail_changes = Status::IOError("lvchange failed");
  const Status s = mark.Clear("the revert is complete");
  EXPECT_EQ(s.code(), StatusCode::kIncomplete);
  EXPECT_THAT(s.message(), HasSubstr("lvchange --deltag lvm_revert_incomplete vg/snap"));
  EXPECT_TRUE(mark.is_set());
}

TEST(IncompleteMarkTest, ClearingAMarkNeverSetChangesNothing) {
  FakeLvmTools lvm;
  IncompleteMark mark(lvm, kSnap, nullptr, "", VgLocking::kCallerHoldsLock);
  EXPECT_TRUE(mark.Clear("nothing was written").ok());
  EXPECT_TRUE(lvm.changes.empty());
}

}  // namespace
}  // namespace lvmrevert::lvmext
