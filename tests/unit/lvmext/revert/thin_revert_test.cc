// A thin member's reset (thin_revert.h) against fake LVM tools whose steps
// change the fake's view as LVM's would (thin-sets.md §1.5): the steps and
// their order, each check refusing with no LVM change, a re-run from every
// state a kill can leave, a merge LVM deferred, and a set mixing kinds.
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "lvmext/cli/tags.h"
#include "tests/support/lvm_fixture.h"

namespace lvmrevert::lvmext::testing_lvm {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;

class ThinRevertTest : public LvmFormTest {
 protected:
  void SetUp() override {
    LvmFormTest::SetUp();
    lvs_.push_back({"pool", "POOLPO-5555", "twi-aotz--", "", "thin-pool"});
    lvs_.push_back({"tlv", "TLVTLV-6666", "Vwi-a-tz--", "", "thin", "", "pool", "1"});
    lvs_.push_back({"tsnap", "TSNAPS-7777", "Vwi---tz-k", "tlv", "thin", "keep,other", "pool", "2"});
    AddDevice("vg-tlv", 6, "LVM-" + Uuid("TLVTLV-6666"), 0, "thin", "253:9 1");
    AddDevice("vg-pool-tpool", 9, "LVM-" + Uuid("POOLPO-5555") + "-tpool", 1, "thin-pool", "");
    dm_.devices["vg-pool-tpool"].status = {
        {0, 262144, "thin-pool", "5 100/1024 300/4096 - rw discard_passdown queue_if_no_space - 1024"}};
    lvm_.on_thin_step = [this](const std::string& entry) { Apply(entry); };
  }

  // What LVM's commit of a step makes of the VG.
  void Apply(const std::string& entry) {
    if (entry.starts_with("thin-copy vg/tsnap as tsnap_lvmrevert")) {
      LvSpec copy = *Find("tsnap");
      copy.name = "tsnap_lvmrevert";
      copy.uuid = "COPYCO-8888";
      copy.origin = "tsnap";
      copy.thin_id = "3";
      copy.tags = ChangedTags(copy.tags, {kTagThinCopy}, {});
      lvs_.push_back(copy);
    } else if (entry.starts_with("merge vg/tsnap")) {
      if (defer_merge_) {
        Find("tlv")->attr = "Owi-a-tz--";
        Find("tsnap")->attr = "Swi---tz-k";
      } else {
        Find("tlv")->thin_id = Find("tsnap")->thin_id;
        dm_.devices["vg-tlv"].table = {{0, kOriginChunks * 8, "thin", "253:9 " + Find("tlv")->thin_id}};
        Erase("tsnap");
        Find("tsnap_lvmrevert")->origin = "tlv";
      }
    } else if (entry.starts_with("rename vg/tsnap_lvmrevert tsnap")) {
      Find("tsnap_lvmrevert")->name = "tsnap";
    } else if (entry.starts_with("activate-k vg/tsnap")) {
      AddDevice("vg-tsnap", 7, "LVM-" + Uuid("TSNAPS-7777"), 0, "thin", "253:9 2");
    } else if (entry.starts_with("deactivate-k vg/tsnap")) {
      dm_.devices.erase("vg-tsnap");
    }
    lvm_.lvs_json = LvsJson(lvs_, vg_);
  }

  LvSpec* Find(const std::string& name) {
    for (LvSpec& lv : lvs_) {
      if (lv.name == name) return &lv;
    }
    return nullptr;
  }
  void Erase(const std::string& name) {
    lvs_.erase(std::remove_if(lvs_.begin(), lvs_.end(),
                              [&](const LvSpec& lv) { return lv.name == name; }),
               lvs_.end());
  }

  // Refused with exit 4 and nothing changed: no LVM command, the origin's data as it was.
  void ExpectRefusedNoChange(const std::vector<std::string>& args, const std::string& message) {
    const std::vector<LvSpec> before = lvs_;
    ExpectRefusedUnchanged(args, message);
    EXPECT_THAT(lvm_.changes, IsEmpty());
    EXPECT_EQ(lvs_.size(), before.size());
  }

  static constexpr const char* kLock = " [our lock, lvmlockd's]";
  bool defer_merge_ = false;
};

const std::vector<std::string> kAllSteps = {
    std::string("thin-copy vg/tsnap as tsnap_lvmrevert +") + kTagThinCopy + " +keep +other -k y" +
        " [our lock, lvmlockd's]",
    "merge vg/tsnap [our lock, lvmlockd's]", "rename vg/tsnap_lvmrevert tsnap [our lock, lvmlockd's]",
    std::string("tags vg/tsnap -") + kTagThinCopy + " [our lock, lvmlockd's]"};

TEST_F(ThinRevertTest, ResetRunsTheFourStepsAndKeepsTheSnapshot) {
  EXPECT_EQ(Run({"-y", "vg/tlv", "vg/tsnap"}), kExitDone) << err_.str();
  EXPECT_EQ(lvm_.changes, kAllSteps);
  // LVM read once before the steps (the old-style session that found the
  // snapshot thin handed over what it read), then after each of the first three.
  EXPECT_EQ(lvm_.configs, 1);
  EXPECT_EQ(lvm_.reports, 4);
  EXPECT_THAT(out_.str(), HasSubstr("Thin reset of vg/tlv to vg/tsnap (thin pool vg/pool), in 4 "
                                    "LVM steps:\n  lvcreate -s -n tsnap_lvmrevert --addtag "
                                    "lvm_revert_thin_copy --addtag keep --addtag other -ky "
                                    "vg/tsnap\n  lvconvert --merge vg/tsnap\n  lvrename vg "
                                    "tsnap_lvmrevert tsnap\n  lvchange --deltag "
                                    "lvm_revert_thin_copy vg/tsnap\n"));
  EXPECT_THAT(out_.str(), HasSubstr("Reset vg/tlv to thin snapshot vg/tsnap; the snapshot is "
                                    "kept, with a new LV UUID."));
  ASSERT_NE(Find("tsnap"), nullptr);
  EXPECT_EQ(Find("tsnap")->origin, "tlv");
  EXPECT_EQ(Find("tsnap")->tags, "keep,other");
  EXPECT_EQ(Find("tsnap_lvmrevert"), nullptr);
  EXPECT_EQ(Find("tlv")->uuid, "TLVTLV-6666");
  // The old-style pair next to it was not touched.
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

TEST_F(ThinRevertTest, TheSnapshotAloneNamesItsOrigin) {
  EXPECT_EQ(Run({"-y", "vg/tsnap"}), kExitDone) << err_.str();
  EXPECT_EQ(lvm_.changes, kAllSteps);
}

TEST_F(ThinRevertTest, ReadOnlyAndActivatedSnapshotsAreCopiedSo) {
  Find("tsnap")->attr = "Vri-a-tz--";
  Find("tsnap")->tags = "";
  EXPECT_EQ(Run({"-y", "vg/tlv", "vg/tsnap"}), kExitDone) << err_.str();
  EXPECT_EQ(lvm_.changes.front(), std::string("thin-copy vg/tsnap as tsnap_lvmrevert +") +
                                      kTagThinCopy + " -pr -k n" + kLock);
}

TEST_F(ThinRevertTest, WhatOnlyACopyDoesIsRefusedWithNoChange) {
  ExpectRefusedNoChange({"-y", "--backup-snapshot", "undo", "vg/tlv", "vg/tsnap"},
                        "vg/tsnap is a thin snapshot, which lvm-revert resets with LVM's merge: "
                        "--backup-snapshot works on old-style snapshots (to keep the origin's "
                        "content, take a thin snapshot of it first: lvcreate -s vg/tlv)");
  ExpectRefusedNoChange({"-y", "--backup", dir_.File("b"), "vg/tlv", "vg/tsnap"},
                        "--backup, --backup-snapshot, --remove-snapshot and --format dd work on "
                        "old-style snapshots");
  EXPECT_FALSE(std::filesystem::exists(dir_.File("b")));
}

TEST_F(ThinRevertTest, DryRunPrintsTheStepsAndChangesNothing) {
  EXPECT_EQ(Run({"--dry-run", "vg/tlv", "vg/tsnap"}), kExitDone) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("  lvconvert --merge vg/tsnap\n"));
  EXPECT_THAT(out_.str(), HasSubstr("Dry run: nothing was written."));
  EXPECT_THAT(lvm_.changes, IsEmpty());
}

TEST_F(ThinRevertTest, JsonNamesTheKind) {
  EXPECT_EQ(Run({"-y", "--format", "json", "vg/tlv", "vg/tsnap"}), kExitDone) << err_.str();
  const nlohmann::json j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["result"], "reverted");
  EXPECT_EQ(j["members"][0]["kind"], "thin");
  EXPECT_EQ(j["members"][0]["bytes_written"], 0);
}

TEST_F(ThinRevertTest, CompareReadsBothWholeActivatingTheSnapshotForIt) {
  std::vector<std::byte> snapshot = origin_;
  for (size_t i = 0; i < 3 * 65536; i += 4096) snapshot[i + 7] = std::byte{0x5a};
  WriteFile(Path("vg-tlv"), origin_);
  WriteFile(Path("vg-tsnap"), snapshot);
  EXPECT_EQ(Run({"--compare", "vg/tlv", "vg/tsnap"}), kExitDiffers) << err_.str();
  const uint64_t chunks = (origin_.size() + 65535) / 65536;
  EXPECT_THAT(out_.str(), HasSubstr("Differs: 3 of " + std::to_string(chunks) +
                                    " saved chunks (48 bytes) differ from the snapshot; the first "
                                    "at origin offset 7."));
  // Activated for the read (-K: skipped at activation), and deactivated again.
  EXPECT_EQ(lvm_.changes, (std::vector<std::string>{"activate-k vg/tsnap [our lock, lvmlockd's]",
                                                    "deactivate-k vg/tsnap [our lock, lvmlockd's]"}));
  WriteFile(Path("vg-tsnap"), origin_);
  EXPECT_EQ(Run({"--compare", "vg/tlv", "vg/tsnap"}), kExitDone) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("Same: the origin holds the snapshot's data in all"));
}

TEST_F(ThinRevertTest, VerifyReadsTheOriginAgainstTheSnapshotAfterTheReset) {
  WriteFile(Path("vg-tlv"), origin_);
  WriteFile(Path("vg-tsnap"), origin_);
  EXPECT_EQ(Run({"-y", "--verify", "vg/tlv", "vg/tsnap"}), kExitDone) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("Verified: the origin reads as vg/tsnap in all " +
                                    std::to_string(origin_.size()) + " bytes."));
  // A reset whose origin does not read as the snapshot afterwards failed.
  SetUp();
  std::vector<std::byte> other = origin_;
  other[4096] = std::byte{1};
  WriteFile(Path("vg-tsnap"), other);
  EXPECT_EQ(Run({"-y", "--verify", "vg/tlv", "vg/tsnap"}), kExitFailedWriting) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("verifying the reset: the origin differs from vg/tsnap in 1 "
                                    "chunks, the first at offset 4096"));
}

TEST_F(ThinRevertTest, AnOpenOriginIsRefusedPointingAtTheBoot) {
  dm_.devices["vg-tlv"].info.open_count = 1;
  ExpectRefusedNoChange({"-y", "vg/tlv", "vg/tsnap"},
                        "; or revert it at the next boot, before it is mounted: lvm-revert "
                        "--at-next-boot vg/tlv vg/tsnap");
  dm_.devices["vg-tlv"].info.open_count = 0;
  EXPECT_EQ(Run({"-y", "vg/tlv", "vg/tsnap"}), kExitDone) << err_.str();
}

TEST_F(ThinRevertTest, AnOpenSnapshotIsRefused) {
  AddDevice("vg-tsnap", 7, "LVM-" + Uuid("TSNAPS-7777"), 1, "thin", "253:9 2");
  ExpectRefusedNoChange({"-y", "vg/tlv", "vg/tsnap"}, "snapshot vg/tsnap");
}

TEST_F(ThinRevertTest, SiblingsAreRefusedUnlessAllowedToLoseTheirLink) {
  lvs_.push_back({"tsib", "TSIBTS-9999", "Vwi---tz-k", "tlv", "thin", "", "pool", "4"});
  ExpectRefusedNoChange({"-y", "vg/tlv", "vg/tsnap"},
                        "other thin snapshots of vg/tlv would lose their link to it: vg/tsib "
                        "(LVM's merge unlinks them, lvm2 #193); give --allow-unlink to reset "
                        "anyway");
  EXPECT_EQ(Run({"-y", "--allow-unlink", "vg/tlv", "vg/tsnap"}), kExitDone) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("vg/tsib loses its link to vg/tlv (--allow-unlink given)"));
  EXPECT_EQ(lvm_.changes, kAllSteps);
}

TEST_F(ThinRevertTest, APendingMergeIsRefused) {
  Find("tlv")->attr = "Owi-a-tz--";
  ExpectRefusedNoChange({"-y", "vg/tlv", "vg/tsnap"},
                        "a merge of vg/tsnap into vg/tlv is pending or running");
}

TEST_F(ThinRevertTest, AFullPoolIsRefusedAsLvmWould) {
  lvm_.config.thin_pool_autoextend_threshold_percent = 5;
  ExpectRefusedNoChange({"-y", "vg/tlv", "vg/tsnap"},
                        "thin pool vg/pool has 7.32% of its data in use, above "
                        "activation/thin_pool_autoextend_threshold (5%), so LVM would not create "
                        "the copy the reset needs; nothing was changed");
  dm_.devices["vg-pool-tpool"].status = {{0, 262144, "thin-pool", "Fail"}};
  lvm_.config.thin_pool_autoextend_threshold_percent = 100;
  ExpectRefusedNoChange({"-y", "vg/tlv", "vg/tsnap"}, "thin pool vg/pool has failed");
}

TEST_F(ThinRevertTest, TheCopysNameTakenIsRefused) {
  lvs_.push_back({"tsnap_lvmrevert", "OTHERO-0000", "-wi-a-----", "", "linear"});
  ExpectRefusedNoChange({"-y", "vg/tlv", "vg/tsnap"},
                        "vg/tsnap_lvmrevert, the name of the copy lvm-revert makes of vg/tsnap, "
                        "is taken by another LV");
}

TEST_F(ThinRevertTest, AnOriginWithAnOldStyleSnapshotIsRefused) {
  lvs_.push_back({"cow", "COWCOW-0000", "swi-a-s---", "tlv", "linear"});
  ExpectRefusedNoChange({"-y", "vg/tlv", "vg/tsnap"},
                        "vg/tlv also has an old-style snapshot (vg/cow), and LVM merges no thin "
                        "snapshot into an old-style snapshot's origin");
}

// A kill after each step: the same command goes on from LVM's view.
TEST_F(ThinRevertTest, ARerunFinishesFromEveryStateAKillLeaves) {
  for (size_t done = 1; done < kAllSteps.size(); ++done) {
    SCOPED_TRACE(done);
    lvm_.changes.clear();
    SetUp();
    lvm_.fail_changes_matching = kAllSteps[done].substr(0, kAllSteps[done].find(' ', 6));
    EXPECT_EQ(Run({"-y", "vg/tlv", "vg/tsnap"}), kExitFailedWriting) << err_.str();
    EXPECT_THAT(err_.str(), HasSubstr("run the same command again to finish"));
    lvm_.fail_changes_matching.clear();
    lvm_.changes.clear();
    EXPECT_EQ(Run({"-y", "vg/tsnap"}), kExitDone) << err_.str();
    EXPECT_EQ(lvm_.changes, std::vector<std::string>(kAllSteps.begin() + done, kAllSteps.end()));
    EXPECT_EQ(Find("tsnap")->tags, "keep,other");
    EXPECT_EQ(Find("tsnap_lvmrevert"), nullptr);
  }
}

TEST_F(ThinRevertTest, AFailedCopyChangedNothing) {
  lvm_.fail_changes_matching = "thin-copy";
  EXPECT_EQ(Run({"-y", "vg/tlv", "vg/tsnap"}), kExitRefused) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("stopped at its copy step"));
  EXPECT_THAT(err_.str(), HasSubstr("; nothing was changed"));
}

TEST_F(ThinRevertTest, AnOriginOpenedAfterTheChecksStopsBeforeTheMerge) {
  lvm_.on_thin_step = [this](const std::string& entry) {
    Apply(entry);
    dm_.devices["vg-tlv"].info.open_count = 1;  // mounted meanwhile
  };
  EXPECT_EQ(Run({"-y", "vg/tlv", "vg/tsnap"}), kExitFailedWriting) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("stopped at its merge step: origin vg/tlv is open"));
  EXPECT_THAT(err_.str(), HasSubstr("the origin is unchanged; run the same command again to "
                                    "finish"));
  EXPECT_EQ(lvm_.changes.size(), 1u);  // the copy only
}

TEST_F(ThinRevertTest, AMergeLvmDeferredIsNoSuccess) {
  defer_merge_ = true;
  EXPECT_EQ(Run({"-y", "vg/tlv", "vg/tsnap"}), kExitFailedWriting) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("LVM deferred the merge of vg/tsnap into vg/tlv"));
  EXPECT_EQ(lvm_.changes.size(), 2u);  // no rename after it
}

TEST_F(ThinRevertTest, ASetMixesThinAndOldStyleMembers) {
  EXPECT_EQ(Run({"-y", "--format", "json", "vg/snap", "vg/tsnap"}), kExitDone) << err_.str();
  const nlohmann::json j = nlohmann::json::parse(out_.str());
  ASSERT_EQ(j["members"].size(), 2u);
  EXPECT_EQ(j["members"][0]["kind"], "old-style");
  EXPECT_EQ(j["members"][1]["kind"], "thin");
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(Find("tsnap")->origin, "tlv");
  EXPECT_THAT(lvm_.changes, Contains("merge vg/tsnap [our lock, lvmlockd's]"));
}

TEST_F(ThinRevertTest, ASetWithARefusedThinMemberChangesNoMember) {
  dm_.devices["vg-tlv"].info.open_count = 1;
  EXPECT_EQ(Run({"-y", "vg/snap", "vg/tsnap"}), kExitRefused) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("1 of 2 members of the set refused"));
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(lvm_.changes, IsEmpty());
}

TEST_F(ThinRevertTest, SchedulingTagsTheThinSnapshot) {
  EXPECT_EQ(Run({"--at-next-boot", "vg/tlv", "vg/tsnap"}), kExitDone) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("vg/tlv will be reset to thin snapshot vg/tsnap"));
  EXPECT_EQ(Find("tsnap")->tags, std::string("keep,other,") + kTagNextBoot);
}

// The boot image scheduling checks: says what it was asked for.
struct FakeImage final : BootImage {
  std::optional<std::string> WhyNotReady(bool needs_thin) override {
    asked_for_thin = needs_thin;
    return needs_thin ? std::optional<std::string>("no thin_check in the image") : std::nullopt;
  }
  bool asked_for_thin = false;
};

// Half-way, the copy carries the snapshot's tags: scheduling or cancelling
// now would be undone by the rename.
TEST_F(ThinRevertTest, NoScheduleIsSetOrCancelledHalfWay) {
  Find("tsnap")->tags = kTagEveryBoot;
  lvm_.fail_changes_matching = "merge";
  EXPECT_EQ(Run({"-y", "vg/tlv", "vg/tsnap"}), kExitFailedWriting);
  lvm_.fail_changes_matching.clear();
  lvm_.changes.clear();
  const std::string half_way = "a reset of vg/tlv to vg/tsnap stopped half-way; finish it first: "
                               "lvm-revert vg/tlv vg/tsnap";
  ExpectRefusedNoChange({"--at-next-boot", "vg/tlv", "vg/tsnap"}, half_way);
  ExpectRefusedNoChange({"--cancel", "vg/tlv", "vg/tsnap"}, half_way);
  EXPECT_EQ(Run({"-y", "vg/tlv", "vg/tsnap"}), kExitDone) << err_.str();
  EXPECT_EQ(Run({"--cancel", "vg/tlv", "vg/tsnap"}), kExitDone) << err_.str();
  EXPECT_EQ(Find("tsnap")->tags, "");
}

TEST_F(ThinRevertTest, SchedulingWarnsWhenTheImageCannotActivateAThinPool) {
  FakeImage image;
  boot_image_ = &image;
  EXPECT_EQ(Run({"--at-every-boot", "vg/tlv", "vg/tsnap"}), kExitDone) << err_.str();
  EXPECT_TRUE(image.asked_for_thin);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: WARNING: no thin_check in the image\n"));
}

// At boot (--boot): a thin snapshot scheduled for the next boot is reset,
// its tag dropped with the copy's in the last step.
TEST_F(ThinRevertTest, TheBootResetsAScheduledThinSnapshotOnce) {
  std::ofstream(dir_.File("cmdline")) << "root=/dev/mapper/vg-tlv ro\n";
  Find("tsnap")->tags = std::string("keep,") + kTagNextBoot;
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: reset vg/tlv to thin snapshot vg/tsnap\n"));
  EXPECT_EQ(lvm_.changes.back(), std::string("tags vg/tsnap -") + kTagThinCopy + " -" +
                                     kTagNextBoot + kLock);
  EXPECT_EQ(Find("tsnap")->tags, "keep");
  EXPECT_EQ(Find("tsnap_lvmrevert"), nullptr);
}

TEST_F(ThinRevertTest, AnEveryBootScheduleStaysOnTheSnapshot) {
  std::ofstream(dir_.File("cmdline")) << "root=/dev/mapper/vg-tlv ro\n";
  Find("tsnap")->tags = kTagEveryBoot;
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(Find("tsnap")->tags, kTagEveryBoot);
  EXPECT_EQ(lvm_.changes.size(), 4u);
}

// A boot stopped after the merge: the copy carries the schedule, stands for
// the snapshot the merge took, and the next boot finishes the reset.
TEST_F(ThinRevertTest, AResetStoppedAfterTheMergeIsListedAndFinishedAtBoot) {
  Find("tsnap")->tags = std::string(kTagNextBoot);
  lvm_.fail_changes_matching = "rename";
  EXPECT_EQ(Run({"-y", "vg/tlv", "vg/tsnap"}), kExitFailedWriting);
  lvm_.fail_changes_matching.clear();
  ASSERT_EQ(Find("tsnap"), nullptr);
  EXPECT_EQ(Run({"--list-scheduled", "--json"}), kExitDone) << err_.str();
  const nlohmann::json j = nlohmann::json::parse(out_.str().substr(out_.str().find('{')));
  ASSERT_EQ(j["scheduled_reverts"].size(), 1u);
  EXPECT_EQ(j["scheduled_reverts"][0]["origin"], "vg/tlv");
  EXPECT_EQ(j["scheduled_reverts"][0]["snapshot"], "vg/tsnap");
  lvm_.changes.clear();
  std::ofstream(dir_.File("cmdline")) << "root=/dev/mapper/vg-tlv ro\n";
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(lvm_.changes, (std::vector<std::string>{
                              std::string("rename vg/tsnap_lvmrevert tsnap") + kLock,
                              std::string("tags vg/tsnap -") + kTagThinCopy + " -" + kTagNextBoot +
                                  kLock}));
}

}  // namespace
}  // namespace lvmrevert::lvmext::testing_lvm
