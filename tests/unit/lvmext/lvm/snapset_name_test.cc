// snapm's names, as snapm formats them (format_snapshot_name and
// encode_mount_point in snapm/manager/plugins/_plugin.py).
#include "lvmext/lvm/snapset_name.h"

#include <gtest/gtest.h>

namespace lvmrevert::lvmext {
namespace {

void ExpectName(const std::string& lv, const std::string& origin, const std::string& set,
                uint64_t timestamp, const std::string& mount_point) {
  const std::optional<SnapsetName> name = ParseSnapsetName(lv, origin);
  ASSERT_TRUE(name.has_value()) << lv;
  EXPECT_EQ(name->set, set);
  EXPECT_EQ(name->timestamp, timestamp);
  EXPECT_EQ(name->mount_point, mount_point);
}

TEST(SnapsetNameTest, TheRootAndOtherMountPoints) {
  ExpectName("root-snapset_before-upgrade_1727437200_-", "root", "before-upgrade", 1727437200, "/");
  ExpectName("var-snapset_before-upgrade_1727437200_-var", "var", "before-upgrade", 1727437200,
             "/var");
  ExpectName("lv_home-snapset_s1_17_-srv-my--data", "lv_home", "s1", 17, "/srv/my-data");
  ExpectName("data-snapset_s1_17_-mnt-a..b.20c", "data", "s1", 17, "/mnt/a.b c");
}

TEST(SnapsetNameTest, OtherNamesAreNotSnapsetNames) {
  EXPECT_FALSE(ParseSnapsetName("root-snap", "root"));
  EXPECT_FALSE(ParseSnapsetName("root-snapset_s1_17_-", "var"));       // another origin's
  EXPECT_FALSE(ParseSnapsetName("root-snapset_s1_x7_-", "root"));      // no timestamp
  EXPECT_FALSE(ParseSnapsetName("root-snapset__17_-", "root"));        // no set name
  EXPECT_FALSE(ParseSnapsetName("root-snapset_s1_17_", "root"));       // no mount point
  EXPECT_FALSE(ParseSnapsetName("root-snapset_s1_17_-mnt.zz", "root"));  // bad escape
  EXPECT_FALSE(ParseSnapsetName("root_ripu", "root"));                 // infra.lvm_snapshots'
}

}  // namespace
}  // namespace lvmrevert::lvmext
