// Names, tables, status lines, lvs reports and lvmconfig output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/sysmacros.h>

#include <sstream>

#include "lvmext/cli/command_line.h"
#include "lvmext/lvm/dm_table.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/lvm_tools.h"
#include "lvmext/lvm/lvm_view.h"

namespace lvmrevert::lvmext {
namespace {

using ::testing::HasSubstr;

TEST(LvNameTest, DmNamesDoubleHyphensInsideNames) {
  EXPECT_EQ(DmName({"vg", "lv"}), "vg-lv");
  EXPECT_EQ(DmName({"my-vg", "data-1"}), "my--vg-data--1");
  EXPECT_EQ(DmName({"my-vg", "data-1"}, "real"), "my--vg-data--1-real");
  EXPECT_EQ(DmName({"a-b-c", "snap-a"}, "cow"), "a--b--c-snap--a-cow");
}

TEST(LvNameTest, DmUuidDropsHyphensAndAddsLayer) {
  EXPECT_EQ(DmUuid("gmj1Jh-hkxd-yA1V-ZejL-cpRU-J7yH-aTGNXS", "W0LjaJ-t84t-dexe-VBSK-nz5A-Xza2-msHs2J"),
            "LVM-gmj1JhhkxdyA1VZejLcpRUJ7yHaTGNXSW0LjaJt84tdexeVBSKnz5AXza2msHs2J");
  EXPECT_EQ(DmUuid("ab-cd", "ef", "cow"), "LVM-abcdef-cow");
}

TEST(LvNameTest, ParsesVgLvAndDevPaths) {
  EXPECT_EQ(*ParseLvRef("vg/lv"), (LvRef{"vg", "lv"}));
  EXPECT_EQ(*ParseLvRef("/dev/my-vg/lv_1.x+"), (LvRef{"my-vg", "lv_1.x+"}));
}

TEST(LvNameTest, RejectsWhatLvmRejects) {
  for (const char* bad : {"vg", "vg/", "/lv", "vg/lv/x", "vg/l v", "-vg/lv", "vg/..", "vg/l$v",
                          "/dev/vg"}) {
    EXPECT_FALSE(ParseLvRef(bad).ok()) << bad;
  }
  EXPECT_FALSE(IsValidLvmName(std::string(128, 'a')));
  EXPECT_TRUE(IsValidLvmName(std::string(127, 'a')));
}

// The spellings of an LV that LVM accepts, as the command line takes them.
TEST(LvNameTest, CommandLineTakesVgLvDevAndDevMapperNames) {
  const auto parse = [](std::vector<const char*> args) {
    args.insert(args.begin(), "lvm-revert");
    std::ostringstream out, err;
    return ParseCommandLine(static_cast<int>(args.size()), args.data(), out, err);
  };
  const ParsedCommandLine mapper = parse({"/dev/mapper/my--vg-data--1", "my-vg/snap"});
  ASSERT_TRUE(mapper.options) << mapper.error;
  EXPECT_EQ(*mapper.options->origin_lv, (LvRef{"my-vg", "data-1"}));
  EXPECT_EQ(*mapper.options->snapshot_lv, (LvRef{"my-vg", "snap"}));
  const ParsedCommandLine dev = parse({"/dev/my-vg/data-1", "/dev/mapper/my--vg-s--1"});
  ASSERT_TRUE(dev.options) << dev.error;
  EXPECT_EQ(*dev.options->origin_lv, (LvRef{"my-vg", "data-1"}));
  EXPECT_EQ(*dev.options->snapshot_lv, (LvRef{"my-vg", "s-1"}));
  const ParsedCommandLine alone = parse({"/dev/mapper/my--vg-s--1"});
  ASSERT_TRUE(alone.options) << alone.error;
  EXPECT_FALSE(alone.options->origin_lv);
  EXPECT_EQ(*alone.options->snapshot_lv, (LvRef{"my-vg", "s-1"}));
  const ParsedCommandLine layer = parse({"/dev/mapper/my--vg-data--1-cow", "my-vg/snap"});
  EXPECT_FALSE(layer.options);
  EXPECT_EQ(layer.exit_code, 3);
  EXPECT_EQ(layer.error, "'/dev/mapper/my--vg-data--1-cow' is not the device of an LV (/dev/mapper/VG-LV)");
}

TEST(DmTableTest, ParsesSnapshotTables) {
  auto t = ParseSnapshotParams("253:1 253:2 P 8");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->origin_dev, makedev(253, 1));
  EXPECT_EQ(t->cow_dev, makedev(253, 2));
  EXPECT_TRUE(t->persistent);
  EXPECT_EQ(t->chunk_size_sectors, 8u);
  auto po = ParseSnapshotParams("253:1 253:4 PO 1024 2 discard_zeroes_cow discard_passdown_origin");
  ASSERT_TRUE(po.ok());
  EXPECT_TRUE(po->persistent);
  EXPECT_EQ(po->chunk_size_sectors, 1024u);
  auto transient = ParseSnapshotParams("253:1 253:2 N 8");
  ASSERT_TRUE(transient.ok());
  EXPECT_FALSE(transient->persistent);
}

TEST(DmTableTest, RejectsBrokenTables) {
  EXPECT_FALSE(ParseSnapshotParams("253:1 253:2 P").ok());
  EXPECT_FALSE(ParseSnapshotParams("253:1 2532 P 8").ok());
  EXPECT_FALSE(ParseSnapshotParams("253:1 253:2 P x8").ok());
  EXPECT_FALSE(ParseOriginParams("253:1 253:2").ok());
  EXPECT_EQ(*ParseOriginParams("253:1"), makedev(253, 1));
}

TEST(DmTableTest, ParsesSnapshotStatus) {
  auto s = ParseSnapshotStatus("25600/32768 112");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->invalid);
  EXPECT_EQ(s->used_sectors, 25600u);
  EXPECT_EQ(s->total_sectors, 32768u);
  EXPECT_EQ(s->metadata_sectors, 112u);
  EXPECT_TRUE(ParseSnapshotStatus("Invalid")->invalid);
  EXPECT_TRUE(ParseSnapshotStatus("Overflow")->overflow);
  EXPECT_TRUE(ParseSnapshotStatus("Merge failed")->merge_failed);
  EXPECT_TRUE(ParseSnapshotStatus("16/8192")->total_sectors == 8192);  // old two-number form
  EXPECT_FALSE(ParseSnapshotStatus("Unknown").ok());
}

// What `lvs --readonly --reportformat json` printed in the VM (LVM 2.03.16).
constexpr const char* kRealLvs = R"(  {
      "report": [
          {
              "lv": [
                  {"vg_name":"pvg", "vg_uuid":"gmj1Jh-hkxd-yA1V-ZejL-cpRU-J7yH-aTGNXS", "vg_lock_type":"", "lv_name":"data", "lv_uuid":"W0LjaJ-t84t-dexe-VBSK-nz5A-Xza2-msHs2J", "lv_attr":"owi-XXs---", "origin":"", "segtype":"linear", "lv_merging":"", "chunk_size":"0", "lv_size":"16777216"},
                  {"vg_name":"pvg", "vg_uuid":"gmj1Jh-hkxd-yA1V-ZejL-cpRU-J7yH-aTGNXS", "vg_lock_type":"", "lv_name":"snap", "lv_uuid":"dutFJX-nQew-jfCw-vUym-zE2N-DPwZ-FZA9cB", "lv_attr":"swi-XXs---", "origin":"data", "segtype":"linear", "lv_merging":"", "chunk_size":"4096", "lv_size":"8388608"},
                  {"vg_name":"pvg", "vg_uuid":"gmj1Jh-hkxd-yA1V-ZejL-cpRU-J7yH-aTGNXS", "vg_lock_type":"", "lv_name":"[thin_tmeta]", "lv_uuid":"x", "lv_attr":"ewi-------", "origin":"", "segtype":"linear", "lv_merging":"unknown", "chunk_size":"0", "lv_size":"4194304"}
              ]
          }
      ]
  }
)";

// A set's one lvs of several VGs, as each VG's own report.
TEST(LvmViewTest, SplitsAReportOfSeveralVgsByVg) {
  const std::string two_vgs = R"({"report": [{"lv": [
      {"vg_name":"vg1", "lv_name":"a", "lv_attr":"owi-a-s---"},
      {"vg_name":"vg2", "lv_name":"b", "lv_attr":"-wi-a-----"},
      {"vg_name":"vg1", "lv_name":"a_snap", "lv_attr":"swi-a-s---", "origin":"a"}]}]})";
  StatusOr<std::map<std::string, std::string>> by_vg = ReportsByVg(two_vgs);
  ASSERT_TRUE(by_vg.ok()) << by_vg.status().message();
  ASSERT_EQ(by_vg->size(), 2u);
  StatusOr<LvmView> vg1 = LvmView::Parse(by_vg->at("vg1"));
  ASSERT_TRUE(vg1.ok());
  ASSERT_EQ(vg1->lvs().size(), 2u);
  EXPECT_EQ(vg1->lvs()[0].name, "a");
  EXPECT_EQ(vg1->lvs()[1].name, "a_snap");
  EXPECT_EQ(vg1->SnapshotsOf("a").size(), 1u);
  StatusOr<LvmView> vg2 = LvmView::Parse(by_vg->at("vg2"));
  ASSERT_TRUE(vg2.ok());
  ASSERT_EQ(vg2->lvs().size(), 1u);
  EXPECT_EQ(vg2->lvs()[0].vg_name, "vg2");
  EXPECT_EQ(ReportsByVg("{\"report\": 1}").status().message(),
            "reading lvs output: no \"report\" array");
}

TEST(LvmViewTest, ParsesTheReadonlyReport) {
  auto view = LvmView::Parse(kRealLvs);
  ASSERT_TRUE(view.ok()) << view.status().message();
  ASSERT_EQ(view->lvs().size(), 3u);
  const LvRecord* snap = view->Find("snap");
  ASSERT_NE(snap, nullptr);
  EXPECT_TRUE(snap->is_old_style_snapshot());
  EXPECT_FALSE(snap->is_thin());
  EXPECT_EQ(snap->origin, "data");
  EXPECT_EQ(snap->chunk_size_bytes, 4096u);
  EXPECT_EQ(snap->size_bytes, 8388608u);
  EXPECT_FALSE(snap->merging);
  EXPECT_FALSE(view->Find("data")->is_old_style_snapshot());
  EXPECT_NE(view->Find("thin_tmeta"), nullptr);  // brackets of hidden LVs dropped
  EXPECT_FALSE(view->Find("thin_tmeta")->merging);  // "unknown" is not set
  EXPECT_EQ(view->SnapshotsOf("data").size(), 1u);
}

TEST(LvmViewTest, RejectsWhatIsNotAReport) {
  EXPECT_FALSE(LvmView::Parse("").ok());
  EXPECT_FALSE(LvmView::Parse("{\"x\":1}").ok());
  EXPECT_FALSE(LvmView::Parse("{\"report\":[{\"lv\":[{\"lv_name\":\"a\"}]}").ok());
}

TEST(LvmViewTest, ReadsEscapesAndRejectsGarbage) {
  auto view = LvmView::Parse(
      R"({"report":[{"lv":[{"lv_name":"a\u0041", "lv_tags":"x\"y,z\\w", "lv_size":"1"}]},1,{}]})");
  ASSERT_TRUE(view.ok()) << view.status().message();
  ASSERT_EQ(view->lvs().size(), 1u);
  EXPECT_EQ(view->lvs()[0].name, "aA");
  EXPECT_TRUE(view->lvs()[0].has_tag("x\"y"));
  EXPECT_TRUE(view->lvs()[0].has_tag("z\\w"));
  EXPECT_THAT(LvmView::Parse("{\"report\":[{\"lv\":[{\"lv_name\":\"\\u12\"}]}]}").status().message(),
              HasSubstr("reading lvs output: JSON: "));
  EXPECT_FALSE(LvmView::Parse("{\"report\":[]} x").ok());
  EXPECT_THAT(LvmView::Parse(std::string(100, '[')).status().message(),
              HasSubstr("nesting deeper than 64 levels"));
}

TEST(LvmConfigTest, ReadsLvmconfigOutput) {
  const LvmConfig c = ParseLvmConfig(
      "locking_dir=\"/var/lock/lvm\"\nudev_sync=0\nudev_rules=1\nverify_udev_operations=1\n");
  EXPECT_EQ(c.locking_dir, "/var/lock/lvm");
  EXPECT_FALSE(c.udev_sync);
  EXPECT_TRUE(c.udev_rules);
  EXPECT_TRUE(c.verify_udev_operations);
  EXPECT_EQ(ParseLvmConfig("").locking_dir, "/run/lock/lvm");
}

TEST(LvmConfigTest, ReadsExtraSystemIds) {
  EXPECT_EQ(ParseLvmConfig("extra_system_ids=[\"hosta\",\"hostc\"]\n").host.extra_system_ids,
            (std::vector<std::string>{"hosta", "hostc"}));
  EXPECT_EQ(ParseLvmConfig("extra_system_ids=\"hosta\"\n").host.extra_system_ids,
            (std::vector<std::string>{"hosta"}));
  EXPECT_TRUE(ParseLvmConfig("extra_system_ids=[]\n").host.extra_system_ids.empty());
}

}  // namespace
}  // namespace lvmrevert::lvmext
