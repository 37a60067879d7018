// Which members a set's names resolve to: several snapshots, @TAG, snapm's
// snapset names; the bad command lines and refusals; the lock order.
#include "lvmext/revert/set_members.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lvmrevert::lvmext {
namespace {

using ::testing::ElementsAre;

LvRecord Lv(const std::string& vg, const std::string& name, const std::string& origin = "",
            std::vector<std::string> tags = {}) {
  LvRecord r;
  r.vg_name = vg;
  r.name = name;
  r.origin = origin;
  r.attr = origin.empty() ? "owi-XXs---" : "swi-XXs---";
  r.tags = std::move(tags);
  return r;
}

const std::vector<LvRecord> kLvs = {
    Lv("vg0", "root"),
    Lv("vg0", "root-snapset_upgrade_1700000000_-", "root", {"pre"}),
    Lv("vg0", "root-old", "root"),
    Lv("vg1", "var"),
    Lv("vg1", "var-snapset_upgrade_1700000000_-var", "var", {"pre"}),
    Lv("vg1", "home"),
    Lv("vg1", "home-snapset_other_1600000000_-home", "home", {"other"}),
    Lv("vg1", "plain", "", {"stray"}),
};

SetMember M(const std::string& vg, const std::string& origin, const std::string& snap) {
  return {{vg, origin}, {vg, snap}};
}

TEST(SetMembersTest, SeveralSnapshotsAcrossVgsSortedByOrigin) {
  SetSpec spec{SetSpec::Kind::kSnapshots, {{"vg1", "var-snapset_upgrade_1700000000_-var"},
                                           {"vg0", "root-old"}}, ""};
  StatusOr<std::vector<SetMember>> set = ResolveSet(spec, kLvs);
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_THAT(*set, ElementsAre(M("vg0", "root", "root-old"),
                                M("vg1", "var", "var-snapset_upgrade_1700000000_-var")));
  EXPECT_THAT(LockOrder(*set), ElementsAre("vg0", "vg1"));
}

TEST(SetMembersTest, ATagSelectsEverySnapshotCarryingIt) {
  StatusOr<std::vector<SetMember>> set = ResolveSet({SetSpec::Kind::kTag, {}, "pre"}, kLvs);
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_THAT(*set, ElementsAre(M("vg0", "root", "root-snapset_upgrade_1700000000_-"),
                                M("vg1", "var", "var-snapset_upgrade_1700000000_-var")));
}

TEST(SetMembersTest, ASnapsetIsFoundBySnapmsNames) {
  StatusOr<std::vector<SetMember>> set = ResolveSet({SetSpec::Kind::kSnapset, {}, "upgrade"}, kLvs);
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_THAT(*set, ElementsAre(M("vg0", "root", "root-snapset_upgrade_1700000000_-"),
                                M("vg1", "var", "var-snapset_upgrade_1700000000_-var")));
}

TEST(SetMembersTest, AMemberNamedTwiceIsABadCommandLine) {
  SetSpec spec{SetSpec::Kind::kSnapshots, {{"vg0", "root-old"}, {"vg0", "root-old"}}, ""};
  const Status s = ResolveSet(spec, kLvs).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "vg0/root-old is named twice");
}

TEST(SetMembersTest, TwoSnapshotsOfOneOriginAreABadCommandLine) {
  SetSpec spec{SetSpec::Kind::kSnapshots,
               {{"vg0", "root-old"}, {"vg0", "root-snapset_upgrade_1700000000_-"}}, ""};
  const Status s = ResolveSet(spec, kLvs).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "vg0/root-old and vg0/root-snapset_upgrade_1700000000_- are both "
                         "snapshots of vg0/root: a set reverts each origin to one snapshot");
}

TEST(SetMembersTest, MissingAndNonSnapshotMembersAreRefused) {
  Status s = ResolveSet({SetSpec::Kind::kSnapshots, {{"vg0", "nosuch"}}, ""}, kLvs).status();
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(), "logical volume vg0/nosuch not found");
  s = ResolveSet({SetSpec::Kind::kSnapshots, {{"vg1", "home"}}, ""}, kLvs).status();
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(), "vg1/home is not a snapshot, so it has no origin to revert");
  s = ResolveSet({SetSpec::Kind::kTag, {}, "stray"}, kLvs).status();
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(), "tag @stray: vg1/plain is not a snapshot, so it has no origin to revert");
}

TEST(SetMembersTest, AnEmptySetIsRefused) {
  EXPECT_EQ(ResolveSet({SetSpec::Kind::kTag, {}, "nosuch"}, kLvs).status().message(),
            "no snapshot carries the tag @nosuch");
  const Status s = ResolveSet({SetSpec::Kind::kSnapset, {}, "nosuch"}, kLvs).status();
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(), "no snapshot of snapshot set nosuch (snapm: <origin>-snapset_nosuch_"
                         "<timestamp>_<mount point>) was found");
}

TEST(SetMembersTest, ASnapsetWhoseMembersDisagreeOnTheTimestampIsRefused) {
  std::vector<LvRecord> lvs = kLvs;
  lvs.push_back(Lv("vg1", "home2"));
  lvs.push_back(Lv("vg1", "home2-snapset_upgrade_1700000099_-home2", "home2"));
  const Status s = ResolveSet({SetSpec::Kind::kSnapset, {}, "upgrade"}, lvs).status();
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.message(), "the snapshots of snapshot set upgrade disagree on its timestamp "
                         "(vg0/root-snapset_upgrade_1700000000_-: 1700000000, "
                         "vg1/home2-snapset_upgrade_1700000099_-home2: 1700000099): two sets of "
                         "one name?");
}

}  // namespace
}  // namespace lvmrevert::lvmext
