#include "lvmext/lvm/vg_changes.h"

#include <gtest/gtest.h>

namespace lvmrevert::lvmext {
namespace {

LvmView View(const std::string& lvs) {
  StatusOr<LvmView> view = LvmView::Parse(R"({"report":[{"lv":[)" + lvs + "]}]}");
  EXPECT_TRUE(view.ok()) << view.status().message();
  return view.ok() ? *view : LvmView();
}

std::string Lv(const std::string& name, const std::string& attr, const std::string& origin,
               const std::string& size, const std::string& tags) {
  return R"({"lv_name":")" + name + R"(","lv_attr":")" + attr + R"(","origin":")" + origin +
         R"(","lv_size":")" + size + R"(","lv_tags":")" + tags + R"("})";
}

const std::string kData = Lv("data", "owi-XXs---", "", "8388608", "");
const std::string kSnap = Lv("snap", "swi-XXs---", "data", "8388608", "lvm_revert_incomplete");

TEST(VgChangesTest, NothingChanged) {
  EXPECT_TRUE(DescribeVgChanges("vgs", View(kData + "," + kSnap), View(kData + "," + kSnap)).empty());
}

TEST(VgChangesTest, EachKindOfChangeIsNamed) {
  const LvmView before = View(kData + "," + kSnap);
  const LvmView after = View(Lv("data", "-wi-XX----", "", "16777216", "a,b") + "," +
                             Lv("new", "-wi-XX----", "", "4194304", ""));
  const std::vector<std::string> expected = {
      "vgs/data size (bytes) 8388608 -> 16777216", "vgs/data lv_attr owi-XXs--- -> -wi-XX----",
      "vgs/data tags none -> a,b", "vgs/snap removed", "vgs/new added"};
  EXPECT_EQ(DescribeVgChanges("vgs", before, after), expected);
}

TEST(VgChangesTest, OurOwnTagsAreLeftOut) {
  const LvmView before = View(kData + "," + Lv("snap", "swi-XXs---", "data", "8388608", ""));
  const LvmView after = View(kData + "," + kSnap);
  EXPECT_TRUE(DescribeVgChanges("vgs", before, after, "snap").empty());
  EXPECT_EQ(DescribeVgChanges("vgs", before, after),
            std::vector<std::string>{"vgs/snap tags none -> lvm_revert_incomplete"});
}

}  // namespace
}  // namespace lvmrevert::lvmext
