// The pre-flight refusals from LVM's metadata and device-mapper's open
// counts, on views and topologies built by hand: each refusal and its
// passing counterpart.
#include "lvmext/lvm/preflight.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lvmrevert::lvmext {
namespace {

using ::testing::HasSubstr;

LvmView View(const std::string& lvs) {
  StatusOr<LvmView> view = LvmView::Parse(R"({"report":[{"lv":[)" + lvs + "]}]}");
  EXPECT_TRUE(view.ok()) << view.status().message();
  return view.ok() ? *view : LvmView();
}

std::string Lv(const std::string& name, const std::string& attr, const std::string& origin = "",
               const std::string& segtype = "linear", const std::string& merging = "",
               const std::string& lock_type = "") {
  return R"({"vg_name":"vg","vg_lock_type":")" + lock_type + R"(","lv_name":")" + name +
         R"(","lv_attr":")" + attr + R"(","origin":")" + origin + R"(","segtype":")" + segtype +
         R"(","lv_merging":")" + merging + R"("})";
}

const LvRef kOrigin{"vg", "lv"};
const LvRef kSnap{"vg", "snap"};

Status Pair(const std::string& lvs) { return CheckPairState(View(lvs), kOrigin, kSnap); }

void ExpectRefused(const Status& s, const std::string& message) {
  EXPECT_EQ(s.code(), StatusCode::kRefused) << s.message();
  EXPECT_EQ(s.message(), message);
}

TEST(PreflightTest, AnIdleOriginAndItsSnapshotPass) {
  EXPECT_TRUE(Pair(Lv("lv", "owi-XXs---") + "," + Lv("snap", "swi-XXs---", "lv")).ok());
  EXPECT_TRUE(CheckRestoreState(View(Lv("lv", "-wi-XX----")), kOrigin).ok());
}

TEST(PreflightTest, MissingVolumesAreNamed) {
  ExpectRefused(Pair(Lv("snap", "swi-XXs---", "lv")), "logical volume vg/lv not found");
  ExpectRefused(Pair(Lv("lv", "owi-XXs---")), "logical volume vg/snap not found");
  ExpectRefused(CheckRestoreState(View(Lv("x", "-wi-XX----")), kOrigin),
                "logical volume vg/lv not found");
}

TEST(PreflightTest, TheSnapshotMustBeAnOldStyleSnapshotOfThatOrigin) {
  // (A thin snapshot with its origin is a thin member, thin_steps_test.cc.)
  ExpectRefused(Pair(Lv("lv", "owi-XXs---") + "," + Lv("snap", "Vwi-XXt---", "", "thin")),
                "vg/snap is a thin volume without an origin, no snapshot of vg/lv");
  ExpectRefused(Pair(Lv("lv", "-wi-XX----") + "," + Lv("snap", "-wi-XX----")),
                "vg/snap is not a snapshot (its type is linear)");
  ExpectRefused(Pair(Lv("lv", "owi-XXs---") + "," + Lv("snap", "swi-XXs---", "other")),
                "vg/snap is not a snapshot of vg/lv (its origin is vg/other)");
}

// Shared VGs are decided from lvmlockd's state (shared_vg_test.cc), not here.
TEST(PreflightTest, ASharedVgIsNotRefusedByLvmsViewAlone) {
  EXPECT_TRUE(Pair(Lv("lv", "owi-XXs---", "", "linear", "", "sanlock") + "," +
                   Lv("snap", "swi-XXs---", "lv", "linear", "", "sanlock"))
                  .ok());
}

// lv_attr letters: permissions (2nd) and health (9th).
TEST(PreflightTest, AReadOnlyOrPartialOriginIsRefused) {
  ExpectRefused(Pair(Lv("lv", "ori-XXs---") + "," + Lv("snap", "swi-XXs---", "lv")),
                "vg/lv is read-only in LVM (lv_attr ori-XXs---): make it writable first "
                "(lvchange --permission rw vg/lv)");
  ExpectRefused(Pair(Lv("lv", "owi-XXs-p-") + "," + Lv("snap", "swi-XXs---", "lv")),
                "vg/lv is partial (lv_attr owi-XXs-p-): a physical volume it lives on is missing");
  ExpectRefused(CheckRestoreState(View(Lv("lv", "-ri-XX----")), kOrigin),
                "vg/lv is read-only in LVM (lv_attr -ri-XX----): make it writable first "
                "(lvchange --permission rw vg/lv)");
  // A read-only snapshot is fine: it is only read.
  EXPECT_TRUE(Pair(Lv("lv", "owi-XXs---") + "," + Lv("snap", "sri-XXs---", "lv")).ok());
}

// One sentence for every merge found, whichever LV is marked.
TEST(PreflightTest, PendingMergesAreRefusedInOneSentence) {
  const std::string sentence =
      " is pending or running (lvconvert --merge): LVM completes it itself; lvm-revert leaves "
      "a merging volume alone";
  ExpectRefused(Pair(Lv("lv", "Owi-XXs---") + "," + Lv("snap", "Swi-XXs---", "lv")),
                "a merge of vg/snap into vg/lv" + sentence);
  ExpectRefused(Pair(Lv("lv", "Owi-XXs---") + "," + Lv("snap", "swi-XXs---", "lv") + "," +
                     Lv("sib", "Swi-XXs---", "lv")),
                "a merge of vg/sib into vg/lv" + sentence);
  ExpectRefused(Pair(Lv("lv", "owi-XXs---") + "," + Lv("snap", "swi-XXs---", "lv", "linear", "merging")),
                "a merge of vg/snap into vg/lv" + sentence);
  ExpectRefused(CheckRestoreState(View(Lv("lv", "Owi-XXs---") + "," + Lv("s", "Swi-XXs---", "lv")),
                                  kOrigin),
                "a merge of vg/s into vg/lv" + sentence);
  // lvs --readonly prints "unknown" where it cannot tell: that is no merge.
  EXPECT_TRUE(Pair(Lv("lv", "owi-XXs---", "", "linear", "unknown") + "," +
                   Lv("snap", "swi-XXs---", "lv", "linear", "unknown"))
                  .ok());
}

TEST(PreflightTest, RestoreRefusesASnapshot) {
  ExpectRefused(CheckRestoreState(View(Lv("lv", "swi-XXs---", "o")), kOrigin),
                "vg/lv is a snapshot: restore the volume it is a snapshot of");
}

TEST(PreflightTest, OriginIsInferredFromTheSnapshot) {
  const LvmView view = View(Lv("lv", "owi-XXs---") + "," + Lv("snap", "swi-XXs---", "lv"));
  StatusOr<LvRef> origin = InferOrigin(view, kSnap);
  ASSERT_TRUE(origin.ok()) << origin.status().message();
  EXPECT_EQ(*origin, kOrigin);
  ExpectRefused(InferOrigin(view, kOrigin).status(),
                "vg/lv is not an old-style snapshot, so it has no origin to revert (give VG/LV "
                "VG/SNAP)");
  ExpectRefused(InferOrigin(view, LvRef{"vg", "x"}).status(), "logical volume vg/x not found");
}

SnapshotTopology Idle(int siblings) {
  SnapshotTopology t;
  t.origin = {"vg-lv", 1, 0, false};
  t.real = {"vg-lv-real", 2, 2 + siblings, false};
  t.snapshot = {"vg-snap", 3, 0, false};
  t.cow = {"vg-snap-cow", 4, 1, false};
  for (int i = 0; i < siblings; ++i) t.siblings.push_back(SiblingSnapshot{});
  return t;
}

TEST(PreflightTest, OpenCountsOfAnIdleStackPass) {
  EXPECT_TRUE(CheckOpenCounts(Idle(0), kOrigin, kSnap, false).ok());
  EXPECT_TRUE(CheckOpenCounts(Idle(2), kOrigin, kSnap, false).ok());
}

TEST(PreflightTest, EachDeviceOpenedOnceMoreIsRefused) {
  SnapshotTopology t = Idle(1);
  t.origin.open_count = 1;
  EXPECT_THAT(CheckOpenCounts(t, kOrigin, kSnap, false).message(), HasSubstr("origin vg/lv"));
  t = Idle(1);
  t.snapshot.open_count = 1;
  EXPECT_THAT(CheckOpenCounts(t, kOrigin, kSnap, false).message(), HasSubstr("snapshot vg/snap"));
  t = Idle(1);
  t.real.open_count = 4;  // origin, snap, sib, and someone
  EXPECT_THAT(CheckOpenCounts(t, kOrigin, kSnap, false).message(),
              HasSubstr("origin data device vg-lv-real"));
  t = Idle(1);
  t.cow.open_count = 2;
  EXPECT_THAT(CheckOpenCounts(t, kOrigin, kSnap, false).message(),
              HasSubstr("snapshot store vg-snap-cow"));
  EXPECT_EQ(CheckOpenCounts(t, kOrigin, kSnap, false).code(), StatusCode::kRefused);
}

// --restore reads no snapshot: -real is held by the origin and every
// snapshot, and an origin with no snapshot has no -real at all.
TEST(PreflightTest, RestoreCountsEverySnapshotAsASibling) {
  SnapshotTopology t = Idle(2);
  t.snapshot = {};
  t.cow = {};
  t.real.open_count = 3;  // the origin and two snapshots
  EXPECT_TRUE(CheckOpenCounts(t, kOrigin, LvRef{}, true).ok());
  t.real.open_count = 4;
  EXPECT_EQ(CheckOpenCounts(t, kOrigin, LvRef{}, true).code(), StatusCode::kRefused);
  SnapshotTopology linear;
  linear.origin = {"vg-lv", 1, 0, false};
  EXPECT_TRUE(CheckOpenCounts(linear, kOrigin, LvRef{}, true).ok());
  linear.origin.open_count = 1;
  EXPECT_THAT(CheckOpenCounts(linear, kOrigin, LvRef{}, true).message(), HasSubstr("origin vg/lv"));
}

}  // namespace
}  // namespace lvmrevert::lvmext
