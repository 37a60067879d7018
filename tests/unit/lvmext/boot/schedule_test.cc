// Scheduling reverts for boot (--at-next-boot, --at-every-boot, --cancel,
// --list-scheduled) and running them (--boot), on the fake LVM of
// tests/support/lvm_fixture.h.
#include <filesystem>
#include <fstream>
#include <map>

#include "lvmext/cli/tags.h"
#include "tests/support/json_output.h"
#include "tests/support/lvm_fixture.h"

namespace lvmrevert::lvmext {
namespace {

using namespace testing_lvm;  // NOLINT: the fixture and its helpers
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

class FakeBootImage final : public BootImage {
 public:
  std::optional<std::string> why;
  std::optional<std::string> WhyNotReady(bool needs_thin) override {
    asked_for_thin = needs_thin;
    return why;
  }
  bool asked_for_thin = false;
};

class BootScheduleTest : public LvmFormTest {
 protected:
  void SetUp() override {
    LvmFormTest::SetUp();
    boot_image_ = &image_;
    SetCmdline("BOOT_IMAGE=/vmlinuz root=/dev/mapper/vg-lv ro quiet");
  }

  // A new boot: /run starts empty, so nothing counts as done at this boot.
  void NextBoot() { std::filesystem::remove_all(dir_.File("run")); }
  void SetCmdline(const std::string& text) { std::ofstream(dir_.File("cmdline")) << text << "\n"; }
  void Tag(const std::string& tags) { lvs_[1].tags = tags; }
  std::string Log() {
    std::ifstream in(dir_.File("run/boot.log"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // The origin in use, as a mounted root is.
  void MountOrigin() {
    view_.mounts_by_path[Path("vg-lv")] = {"/"};
    dm_.devices["vg-lv"].info.open_count = 1;
  }

  FakeBootImage image_;
  bool backup_complete_at_mark_ = false;
};

// --- scheduling ------------------------------------------------------------------

TEST_F(BootScheduleTest, AtNextBootWorksOnAMountedOriginAndOnlyTags) {
  MountOrigin();
  EXPECT_EQ(Run({"--at-next-boot", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_THAT(lvm_.changes, ElementsAre("tags vg/snap +lvm_revert_next_boot"));
  EXPECT_THAT(dm_.calls, IsEmpty());  // nothing suspended
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(out_.str(), HasSubstr("Scheduled: at the next boot, before the root filesystem is "
                                    "mounted, vg/lv will be reverted to vg/snap (0.02 MiB in 3 "
                                    "runs as of now; the snapshot stays)."));
  EXPECT_THAT(out_.str(), HasSubstr("To cancel: lvm-revert --cancel vg/lv vg/snap\n"));
  EXPECT_EQ(err_.str(), "");
}

TEST_F(BootScheduleTest, AtEveryBootReplacesAnotherScheduleTag) {
  Tag("lvm_revert_next_boot,keep_me");
  EXPECT_EQ(Run({"--at-every-boot", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_THAT(lvm_.changes,
              ElementsAre("tags vg/snap +lvm_revert_every_boot -lvm_revert_next_boot"));
  EXPECT_THAT(out_.str(), HasSubstr("at every boot"));
}

TEST_F(BootScheduleTest, SchedulingJsonSaysScheduled) {
  EXPECT_EQ(Run({"--at-next-boot", "--json", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\"result\":\"scheduled\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"scheduled\":\"next-boot\""));
}

TEST_F(BootScheduleTest, AnInvalidSnapshotIsNotScheduled) {
  MountOrigin();
  dm_.devices["vg-snap"].status[0].params = "Invalid";
  EXPECT_EQ(Run({"--at-next-boot", "vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("snapshot vg/snap is invalid"));
  EXPECT_THAT(lvm_.changes, IsEmpty());
}

TEST_F(BootScheduleTest, ASiblingThatWouldOverflowIsNotScheduled) {
  AddSibling(6, {});
  EXPECT_EQ(Run({"--at-next-boot", "vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("sibling snapshot vg/sib would overflow"));
  EXPECT_THAT(lvm_.changes, IsEmpty());
}

TEST_F(BootScheduleTest, AThinSnapshotIsNotScheduled) {
  lvs_[1].segtype = "thin";
  EXPECT_EQ(Run({"--at-next-boot", "vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_THAT(lvm_.changes, IsEmpty());
}

TEST_F(BootScheduleTest, ADryRunSchedulesNothing) {
  EXPECT_EQ(Run({"--at-next-boot", "--dry-run", "vg/lv", "vg/snap"}), kExitDone);
  EXPECT_THAT(out_.str(), HasSubstr("Dry run: nothing was scheduled."));
  EXPECT_THAT(lvm_.changes, IsEmpty());
}

TEST_F(BootScheduleTest, AnInitramfsWithoutLvmRevertIsWarnedAbout) {
  image_.why = "/boot/initrd.img-6.1.0 has no lvm-revert in it";
  EXPECT_EQ(Run({"--at-next-boot", "vg/lv", "vg/snap"}), kExitDone);
  EXPECT_EQ(err_.str(), "lvm-revert: WARNING: /boot/initrd.img-6.1.0 has no lvm-revert in it\n");
  EXPECT_THAT(lvm_.changes, ElementsAre("tags vg/snap +lvm_revert_next_boot"));
}

TEST_F(BootScheduleTest, AMountedOriginRefusalNamesAtNextBoot) {
  MountOrigin();
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("is mounted on /: unmount it first; or revert it at the next "
                                    "boot, before it is mounted: lvm-revert --at-next-boot vg/lv "
                                    "vg/snap\n"));
}

TEST_F(BootScheduleTest, AnOpenOriginRefusalNamesAtNextBoot) {
  dm_.devices["vg-lv"].info.open_count = 1;
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert --at-next-boot vg/lv vg/snap"));
}

TEST_F(BootScheduleTest, CancelRemovesEveryScheduleTag) {
  Tag("lvm_revert_every_boot,lvm_revert_refused,other");
  EXPECT_EQ(Run({"--cancel", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_THAT(lvm_.changes,
              ElementsAre("tags vg/snap -lvm_revert_every_boot -lvm_revert_refused"));
  EXPECT_EQ(out_.str(), "Cancelled: vg/lv will not be reverted to vg/snap at boot.\n");
}

TEST_F(BootScheduleTest, CancelWithNothingScheduledSaysSo) {
  EXPECT_EQ(Run({"--cancel", "vg/lv", "vg/snap"}), kExitDone);
  EXPECT_EQ(out_.str(), "Nothing was scheduled for vg/snap.\n");
  EXPECT_THAT(lvm_.changes, IsEmpty());
}

TEST_F(BootScheduleTest, CancelOfAPairThatIsNotOneIsRefused) {
  // A snapshot first: two snapshots would be a set, and vg/lv is none.
  EXPECT_EQ(Run({"--cancel", "vg/snap", "vg/lv"}), kExitRefused);
  EXPECT_EQ(err_.str(), "lvm-revert: vg/lv is not a snapshot, so it has no origin to revert\n");
  EXPECT_EQ(Run({"--cancel", "vg/nosuch"}), kExitRefused);
  EXPECT_EQ(err_.str(), "lvm-revert: logical volume vg/nosuch not found\n");
  EXPECT_EQ(Run({"--cancel", "vg/lv"}), kExitRefused);
  EXPECT_EQ(err_.str(), "lvm-revert: vg/lv is not an old-style snapshot, so it has no origin to "
                        "revert (give VG/LV VG/SNAP)\n");
}

TEST_F(BootScheduleTest, ListScheduledInTextAndJson) {
  Tag("lvm_revert_next_boot");
  EXPECT_EQ(Run({"--list-scheduled"}), kExitDone);
  EXPECT_EQ(out_.str(), "vg/lv <- vg/snap  next-boot\n");
  EXPECT_EQ(Run({"--list-scheduled", "--json"}), kExitDone);
  const nlohmann::json j = OneJsonObject(out_.str());
  EXPECT_EQ(j["result"], "listed");
  EXPECT_EQ(j["scheduled_reverts"], nlohmann::json::parse(
                                        R"([{"origin":"vg/lv","snapshot":"vg/snap","when":"next-boot","set":null}])"));
  Tag("");
  EXPECT_EQ(Run({"--list-scheduled"}), kExitDone);
  EXPECT_EQ(out_.str(), "No revert is scheduled for boot.\n");
}

TEST_F(BootScheduleTest, SchedulingOptionsAreABadCommandLineInTheWrongPlace) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--at-next-boot", "--cow", "a", "--origin", "b"},
        {"--at-next-boot", "--at-every-boot", "vg/lv", "vg/snap"},
        {"--at-next-boot", "--allow-invalidate", "vg/lv", "vg/snap"},
        {"--cancel", "--remove-snapshot", "vg/lv", "vg/snap"},
        {"--boot", "vg/lv", "vg/snap"},
        {"--list-scheduled", "--cow", "a", "--origin", "b"}}) {
    EXPECT_EQ(Run(args), kExitBadCommandLine) << args[0] << " " << args[1];
  }
  EXPECT_THAT(lvm_.changes, IsEmpty());
}

// --- at boot ---------------------------------------------------------------------

constexpr const char* kMarkNextBoot =
    "tags vg/snap +lvm_revert_incomplete -lvm_revert_next_boot [our lock]";
constexpr const char* kMark = "tags vg/snap +lvm_revert_incomplete [our lock]";
constexpr const char* kUnmark = "tags vg/snap -lvm_revert_incomplete [our lock]";

TEST_F(BootScheduleTest, BootRevertsANextBootScheduleAndDropsItsTagAsItStarts) {
  Tag("lvm_revert_next_boot");
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  // The schedule goes in the commit that marks the revert started.
  EXPECT_THAT(lvm_.changes, ElementsAre(kMarkNextBoot, kUnmark));
  EXPECT_EQ(lvs_[1].tags, "");
  EXPECT_EQ(err_.str(), "lvm-revert: reverted vg/lv to vg/snap: wrote 0.02 MiB in 3 runs\n");
  EXPECT_THAT(Log(), HasSubstr("== vg/lv <- vg/snap (next-boot)\n"));
  EXPECT_THAT(Log(), HasSubstr("Reverted " + Path("vg-lv") + ": wrote 20480 bytes"));
  EXPECT_THAT(Log(), HasSubstr("== exit 0\n"));
}

TEST_F(BootScheduleTest, BootKeepsAnEveryBootTag) {
  Tag("lvm_revert_every_boot");
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(lvm_.changes, ElementsAre(kMark, kUnmark));
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_every_boot");
}

TEST_F(BootScheduleTest, BootRefusalLeavesTheVolumeAndRetagsIt) {
  Tag("lvm_revert_every_boot");
  dm_.devices["vg-snap"].status[0].params = "Invalid";
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(lvm_.changes,
              ElementsAre("tags vg/snap +lvm_revert_refused -lvm_revert_next_boot "
                          "-lvm_revert_every_boot"));
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: refused to revert vg/lv to vg/snap: snapshot "
                                    "vg/snap is invalid"));
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: vg/lv is unchanged and the boot goes on; vg/snap "
                                    "is now tagged lvm_revert_refused"));
  EXPECT_FALSE(dm_.AnySuspended());
}

TEST_F(BootScheduleTest, BootRefusalSaysSoWhenTheRefusedTagCannotBeSet) {
  Tag("lvm_revert_every_boot");
  dm_.devices["vg-snap"].status[0].params = "Invalid";
  lvm_.fail_changes_matching = "+lvm_revert_refused";
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("vg/lv is unchanged and the boot goes on; tagging vg/snap "
                                    "lvm_revert_refused failed (lvchange (tags) vg/snap failed "
                                    "(exit 5): Cannot change VG vg while PVs are missing.), so it "
                                    "stays scheduled\n"));
  EXPECT_THAT(err_.str(), Not(HasSubstr("is now tagged")));
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_every_boot");
}

TEST_F(BootScheduleTest, BootFailureWhileWritingExitsFiveLeavesTheMarkAndGivesTheCommand) {
  Tag("lvm_revert_next_boot");
  make_engine_ = [] { return std::make_unique<lvmrevert::testing::ThrowingEngine>(IoOp::kWrite); };
  EXPECT_EQ(Run({"--boot"}), kExitFailedWriting);
  EXPECT_THAT(lvm_.changes, ElementsAre(kMarkNextBoot));
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_incomplete");  // never a next-boot revert again
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: FAILED while reverting vg/lv to vg/snap: "));
  EXPECT_THAT(err_.str(), HasSubstr("vg/lv is partly reverted and must not be mounted. Once the "
                                    "cause is fixed, run: lvm-revert -y vg/lv vg/snap\n"));
  EXPECT_FALSE(dm_.AnySuspended());
  // Fixed, the same boot runs it again (after the shell) and completes it.
  make_engine_ = [] { return std::make_unique<PsyncEngine>(); };
  lvm_.changes.clear();
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(lvm_.changes, ElementsAre(kUnmark));
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: completing the revert of vg/lv to vg/snap, which "
                                    "started and did not finish (tag lvm_revert_incomplete)\n"));
  EXPECT_EQ(lvs_[1].tags, "");
}

// A power cut in the middle of a revert (at boot or not) leaves the mark; no
// kernel command line keeps the next boot from completing it.
TEST_F(BootScheduleTest, BootCompletesAnIncompleteRevertWhateverTheCommandLineSays) {
  for (const char* cmdline : {"root=/dev/mapper/vg-lv", "root=/dev/mapper/vg-lv lvmrevert=off",
                              "lvmrevert=OFF", "lvmrevert=vg/lv:vg/other", "lvmrevert=junk"}) {
    SCOPED_TRACE(cmdline);
    WriteFile(Path("vg-lv"), origin_);
    NextBoot();
    Tag("lvm_revert_incomplete");
    SetCmdline(cmdline);
    lvm_.changes.clear();
    const int code = Run({"--boot"});
    EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
    EXPECT_THAT(lvm_.changes, ElementsAre(kUnmark));  // already marked: no second mark
    EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: reverted vg/lv to vg/snap: wrote 0.02 MiB"));
    // The pair on the command line competes with the one under way: refused.
    EXPECT_EQ(code, std::string(cmdline).find("vg/other") != std::string::npos ||
                            std::string(cmdline).find("junk") != std::string::npos
                        ? kExitRefused
                        : kExitDone) << err_.str();
  }
}

TEST_F(BootScheduleTest, BootStopsWhenAnIncompleteRevertIsRefusedAndTriesAgainAfterTheShell) {
  Tag("lvm_revert_incomplete");
  dm_.devices["vg-snap"].status[0].params = "Invalid";
  EXPECT_EQ(Run({"--boot"}), kExitFailedWriting);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(lvm_.changes, IsEmpty());  // no lvm_revert_refused: it must not be mounted
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: refused to complete the revert of vg/lv to "
                                    "vg/snap: snapshot vg/snap is invalid"));
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: vg/lv is half-reverted and must not be mounted. "
                                    "Once the cause is fixed, run: lvm-revert -y vg/lv vg/snap (to "
                                    "use the volume as it is: lvchange --deltag "
                                    "lvm_revert_incomplete vg/snap)\n"));
  EXPECT_EQ(Run({"--boot"}), kExitFailedWriting);  // not taken for done
  Tag("");  // the admin's lvchange --deltag
  EXPECT_EQ(Run({"--boot"}), kExitDone);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

TEST_F(BootScheduleTest, BootStopsForAnInterruptedRestore) {
  lvs_[0].tags = "lvm_revert_incomplete";
  SetCmdline("lvmrevert=off");
  EXPECT_EQ(Run({"--boot"}), kExitFailedWriting);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: vg/lv is half-restored: a --restore from a "
                                    "backup file did not finish (tag lvm_revert_incomplete on "
                                    "vg/lv), and it must not be mounted. Run it again: lvm-revert "
                                    "--restore FILE vg/lv (with the same backup file); to use the "
                                    "volume as it is: lvchange --deltag lvm_revert_incomplete vg/lv\n"));
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

// A degraded VG refuses metadata changes: the revert cannot consume its
// next-boot tag, so it does not start (it could not be kept from repeating).
TEST_F(BootScheduleTest, BootDoesNotStartANextBootRevertWhoseTagCannotBeDropped) {
  Tag("lvm_revert_next_boot");
  lvm_.fail_changes_matching = "-lvm_revert_next_boot";
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_next_boot");
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: refused to revert vg/lv to vg/snap: cannot record "
                                    "that the revert starts (tag lvm_revert_incomplete on vg/snap): "
                                    "lvchange (tags) vg/snap failed (exit 5): Cannot change VG vg "
                                    "while PVs are missing.; nothing was written\n"));
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: vg/lv is unchanged and the boot goes on; this may "
                                    "pass, so vg/snap stays scheduled (next-boot) and the next boot "
                                    "tries again\n"));
  EXPECT_FALSE(dm_.AnySuspended());
}

TEST_F(BootScheduleTest, ANextBootRevertNeverRunsTwice) {
  Tag("lvm_revert_next_boot");
  EXPECT_EQ(Run({"--boot"}), kExitDone);
  WriteFile(Path("vg-lv"), origin_);  // used after that boot
  NextBoot();
  EXPECT_EQ(Run({"--boot"}), kExitDone);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_EQ(err_.str(), "");
}

// The revert is done but its mark cannot be dropped: the boot stops rather
// than mount a volume LVM says is half-reverted; the retry completes it.
TEST_F(BootScheduleTest, BootStopsWhenTheMarkCannotBeDroppedAfterTheRevert) {
  Tag("lvm_revert_next_boot");
  lvm_.fail_changes_matching = "-lvm_revert_incomplete";
  EXPECT_EQ(Run({"--boot"}), kExitFailedWriting);
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_incomplete");
  EXPECT_THAT(err_.str(), HasSubstr("the revert is complete, but the tag lvm_revert_incomplete could "
                                    "not be removed from vg/snap"));
  lvm_.fail_changes_matching.clear();
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(lvs_[1].tags, "");
}

TEST_F(BootScheduleTest, BootOffOnTheCommandLineSkipsTheSchedules) {
  for (const char* word : {"lvmrevert=off", "lvmrevert=OFF", "lvmrevert=False", "lvmrevert=\"off\"",
                           "lvmrevert=0", "lvmrevert=No"}) {
    SCOPED_TRACE(word);
    Tag("lvm_revert_next_boot");
    SetCmdline(std::string("root=/dev/mapper/vg-lv ") + word + " quiet");
    EXPECT_EQ(Run({"--boot"}), kExitDone);
    EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
    EXPECT_THAT(lvm_.changes, IsEmpty());
    EXPECT_THAT(err_.str(), HasSubstr(" on the kernel command line: no scheduled revert runs at "
                                      "this boot\n"));
  }
}

TEST_F(BootScheduleTest, BootWithAMalformedLvmrevertRevertsNothingAndSaysWhy) {
  Tag("lvm_revert_next_boot");
  SetCmdline("root=/dev/mapper/vg-lv lvmrevert=vg/lv:vg/snap,bad-value");
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(lvm_.changes, IsEmpty());
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: lvmrevert=vg/lv:vg/snap,bad-value on the kernel "
                                    "command line is neither on/off nor a list of VG/LV:VG/SNAP "
                                    "pairs and @TAG sets; no scheduled revert runs at this boot\n"));
}

TEST_F(BootScheduleTest, BootRevertsAPairGivenOnTheCommandLineWithoutATag) {
  SetCmdline("root=/dev/mapper/vg-lv lvmrevert=vg/lv:vg/snap");
  lvm_.tagged_json = LvsJson({});
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(lvm_.changes, ElementsAre(kMark, kUnmark));  // a power cut leaves the mark
  EXPECT_THAT(Log(), HasSubstr("(command line)"));
}

TEST_F(BootScheduleTest, TwoSchedulesForOneOriginAreBothRefusedBeforeEitherIsWritten) {
  AddSibling(64, {});
  Tag("lvm_revert_next_boot");
  lvs_[2].tags = "lvm_revert_every_boot";
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: refused to revert vg/lv to vg/snap: more than one "
                                    "revert of vg/lv is asked for at this boot (vg/sib, vg/snap): "
                                    "one origin takes one schedule, so neither runs; cancel all but "
                                    "one (lvm-revert --cancel)\n"));
  EXPECT_THAT(err_.str(), HasSubstr("refused to revert vg/lv to vg/sib: more than one"));
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_refused");
  EXPECT_EQ(lvs_[2].tags, "lvm_revert_refused");
}

TEST_F(BootScheduleTest, ACommandLinePairCompetingWithAScheduleIsRefusedWithIt) {
  AddSibling(64, {});
  lvs_[2].tags = "lvm_revert_every_boot";
  SetCmdline("lvmrevert=vg/lv:vg/snap");
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_EQ(lvs_[2].tags, "lvm_revert_refused");
}

TEST_F(BootScheduleTest, OneUnreadableVolumeGroupDoesNotCancelTheOthers) {
  Tag("lvm_revert_next_boot");
  lvm_.tagged_problems = {"Cannot access VG vgb with system ID hosta with local system ID hostb."};
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: could not read every volume group, so none of its "
                                    "reverts runs: Cannot access VG vgb with system ID hosta with "
                                    "local system ID hostb.\n"));
}

TEST_F(BootScheduleTest, WhenNoScheduleCanBeListedTheCommandLinePairsStillRun) {
  lvm_.fail_report_tagged = Status::IOError("lvs failed (exit 5): no lvm.conf");
  SetCmdline("lvmrevert=vg/lv:vg/snap");
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: listing the reverts scheduled for boot: lvs failed "
                                    "(exit 5): no lvm.conf; only those on the kernel command line "
                                    "run\n"));
}

// An every-boot reset must not stop for good over something that may pass.
TEST_F(BootScheduleTest, ATransientRefusalKeepsTheEveryBootSchedule) {
  Tag("lvm_revert_every_boot");
  dm_.devices["vg-lv"].info.open_count = 1;  // something holds it, twice
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(lvm_.changes, IsEmpty());
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_every_boot");
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: vg/lv is unchanged and the boot goes on; this may "
                                    "pass, so vg/snap stays scheduled (every-boot) and the next "
                                    "boot tries again\n"));
  dm_.devices["vg-lv"].info.open_count = 0;
  NextBoot();
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
}

// udev's probe may hold a device open for a moment after a change event:
// a revert refused over an open count runs once more, after udev is done.
TEST_F(BootScheduleTest, AnOpenCountAtBootIsTriedOnceMore) {
  Tag("lvm_revert_every_boot");
  dm_.devices["vg-snap"].info.open_count = 1;
  lvm_.on_report_vg = [this](int run) {
    if (run == 2) dm_.devices["vg-snap"].info.open_count = 0;  // the probe is done
  };
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(lvm_.reports, 2);
  EXPECT_THAT(Log(), HasSubstr("snapshot vg/snap is open (open count 1, expected 0)"));
  EXPECT_THAT(Log(), HasSubstr("== exit 0\n"));
}

// The origin's refusal carries the advice to revert at boot, and still the
// reason that makes the boot try once more.
TEST_F(BootScheduleTest, AnOpenOriginAtBootIsTriedOnceMore) {
  Tag("lvm_revert_every_boot");
  dm_.devices["vg-lv"].info.open_count = 1;
  lvm_.on_report_vg = [this](int run) {
    if (run == 2) dm_.devices["vg-lv"].info.open_count = 0;
  };
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(lvm_.reports, 2);
  EXPECT_THAT(Log(), HasSubstr("origin vg/lv is open (open count 1, expected 0)"));
}

TEST_F(BootScheduleTest, AnOpenCountThatStaysIsRefusedAfterTheSecondTry) {
  Tag("lvm_revert_every_boot");
  dm_.devices["vg-snap"].info.open_count = 1;
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_EQ(lvm_.reports, 2);
  EXPECT_THAT(err_.str(), HasSubstr("refused to revert vg/lv to vg/snap: snapshot vg/snap is open "
                                    "(open count 1, expected 0)"));
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_every_boot");  // it may pass at the next boot
}

// A mount does not go away by waiting: refused at the first try.
TEST_F(BootScheduleTest, AMountedSnapshotAtBootIsTriedOnce) {
  Tag("lvm_revert_every_boot");
  view_.mounts_by_path[Path("vg-snap")] = {"/mnt"};
  dm_.devices["vg-snap"].info.open_count = 1;
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_EQ(lvm_.reports, 1);
  EXPECT_THAT(err_.str(), HasSubstr("refused to revert vg/lv to vg/snap: snapshot "));
  EXPECT_THAT(err_.str(), HasSubstr(" is mounted on /mnt: unmount it first"));
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_every_boot");
}

// Another host's VG at boot: nothing activated, tagged or written; the boot
// goes on and the console names the owner.
TEST_F(BootScheduleTest, AnotherHostsVgIsLeftAloneAtBoot) {
  Tag("lvm_revert_next_boot");
  vg_.systemid = "hosta";
  lvm_.config.host.system_id = "hostb";
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(err_.str(), HasSubstr("refused to revert vg/lv to vg/snap: vg belongs to host "
                                    "\"hosta\"; this host is \"hostb\" (LVM system ID)"));
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_next_boot");
  EXPECT_TRUE(lvm_.changes.empty()) << lvm_.changes.front();
  EXPECT_TRUE(dm_.calls.empty());
}

TEST_F(BootScheduleTest, AHalfRevertedVolumeOfAnotherHostDoesNotStopTheBoot) {
  Tag("lvm_revert_incomplete");
  vg_.systemid = "hosta";
  lvm_.config.host.system_id = "hostb";
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(err_.str(), HasSubstr("left vg/lv alone, half-reverted as it is: vg belongs to "
                                    "host \"hosta\""));
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_incomplete");
  EXPECT_TRUE(lvm_.changes.empty()) << lvm_.changes.front();
}

// A shared VG at boot (tagged by hand: scheduling refuses it): the
// initramfs has no lvmlockd, so nothing is activated, tagged or written,
// the schedule stays and the boot goes on.
constexpr const char* kSharedAtBoot =
    "vg is shared (lock type sanlock), and the initramfs runs no lvmlockd to hold its locks, so "
    "nothing in it is reverted at boot; revert while the system runs, with the origin active "
    "exclusively here (lvchange -aey)";

TEST_F(BootScheduleTest, ASharedVgIsLeftAloneAtBoot) {
  Tag("lvm_revert_next_boot");
  vg_.lock_type = "sanlock";
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(err_.str(), HasSubstr(std::string("refused to revert vg/lv to vg/snap: volume "
                                                "group ") + kSharedAtBoot));
  EXPECT_THAT(err_.str(), HasSubstr("vg/snap stays scheduled (next-boot)"));
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_next_boot");
  EXPECT_TRUE(lvm_.changes.empty()) << lvm_.changes.front();
  EXPECT_TRUE(dm_.calls.empty());
}

TEST_F(BootScheduleTest, AHalfRevertedVolumeInASharedVgDoesNotStopTheBoot) {
  Tag("lvm_revert_incomplete");
  vg_.lock_type = "dlm";
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(err_.str(), HasSubstr("left vg/lv alone, half-reverted as it is: volume group vg "
                                    "is shared (lock type dlm)"));
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_incomplete");
  EXPECT_TRUE(lvm_.changes.empty()) << lvm_.changes.front();
}

TEST_F(BootScheduleTest, AFailedActivationKeepsTheSchedule) {
  Tag("lvm_revert_every_boot");
  for (const char* name : {"vg-lv", "vg-lv-real", "vg-snap", "vg-snap-cow"}) dm_.devices.erase(name);
  lvm_.fail_changes = Status::IOError("lvchange -ay vg/lv failed (exit 5): device busy");
  EXPECT_EQ(Run({"--boot"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("refused to revert vg/lv to vg/snap: cannot activate vg/lv: "
                                    "lvchange -ay vg/lv failed (exit 5): device busy\n"));
  EXPECT_THAT(err_.str(), HasSubstr("stays scheduled (every-boot)"));
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_every_boot");
}

class BootActivationTest : public BootScheduleTest {
 protected:
  // The initramfs left the origin (and so its snapshots) inactive.
  void Deactivate() {
    for (const char* name : {"vg-lv", "vg-lv-real", "vg-snap", "vg-snap-cow"}) {
      inactive_[name] = dm_.devices[name];
      dm_.devices.erase(name);
    }
    lvm_.on_set_active = [this](const LvRef&, bool on) {
      for (const auto& [name, d] : inactive_) {
        if (on) {
          dm_.devices[name] = d;
        } else {
          dm_.devices.erase(name);
        }
      }
      if (on && autoactivation_meanwhile_) VgOnline();
    };
  }
  // LVM's event autoactivation ran for the VG.
  void VgOnline() {
    std::filesystem::create_directories(dir_.File("lvm-run/vgs_online"));
    WriteFile(dir_.File("lvm-run/vgs_online/vg"), {});
  }
  std::map<std::string, FakeDmDevice> inactive_;
  bool autoactivation_meanwhile_ = false;
};

TEST_F(BootActivationTest, AnInactiveOriginIsActivatedAndDeactivatedAfter) {
  Tag("lvm_revert_next_boot");
  Deactivate();
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(lvm_.changes, ElementsAre("activate vg/lv", kMarkNextBoot, kUnmark, "deactivate vg/lv"));
}

// Autoactivation had run and left it out (--setautoactivation n): not meant
// to be active, so it is deactivated again.
TEST_F(BootActivationTest, AnOriginAutoactivationLeftOutIsDeactivatedAfter) {
  Tag("lvm_revert_next_boot");
  Deactivate();
  VgOnline();
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_THAT(lvm_.changes, ElementsAre("activate vg/lv", kMarkNextBoot, kUnmark, "deactivate vg/lv"));
}

// udev activated the VG while the revert ran: deactivating it now would
// leave it down, since the booted system sees the VG online already.
TEST_F(BootActivationTest, AnOriginAutoactivatedMeanwhileIsLeftActive) {
  Tag("lvm_revert_next_boot");
  Deactivate();
  autoactivation_meanwhile_ = true;
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(lvm_.changes, ElementsAre("activate vg/lv", kMarkNextBoot, kUnmark));
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: left vg/lv active: LVM's autoactivation of vg ran "
                                    "meanwhile\n"));
}

TEST_F(BootScheduleTest, BootDoesNotRedoWhatThisBootAlreadyDid) {
  Tag("lvm_revert_every_boot");
  EXPECT_EQ(Run({"--boot"}), kExitDone);
  WriteFile(Path("vg-lv"), origin_);
  EXPECT_EQ(Run({"--boot"}), kExitDone);  // after a shell, say
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

TEST_F(BootScheduleTest, BootWithNothingScheduledDoesNothing) {
  EXPECT_EQ(Run({"--boot"}), kExitDone);
  EXPECT_EQ(err_.str(), "");
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

// --- the mark of a revert under way, in the LVM form -------------------------------

TEST_F(BootScheduleTest, TheLvmFormMarksTheSnapshotBeforeWritingAndClearsItAfter) {
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_THAT(lvm_.changes, ElementsAre(kMark, kUnmark));
  EXPECT_EQ(lvs_[1].tags, "");
}

TEST_F(BootScheduleTest, AFailureWhileWritingLeavesTheMarkAndARerunClearsIt) {
  make_engine_ = [] { return std::make_unique<lvmrevert::testing::ThrowingEngine>(IoOp::kWrite); };
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitFailedWriting);
  EXPECT_EQ(lvs_[1].tags, "lvm_revert_incomplete");
  EXPECT_EQ(Run({"--list-scheduled"}), kExitDone);
  EXPECT_EQ(out_.str(), "vg/lv <- vg/snap  incomplete  (started and not finished: the next boot "
                        "completes it or stops)\n");
  make_engine_ = [] { return std::make_unique<PsyncEngine>(); };
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_EQ(lvs_[1].tags, "");
}

TEST_F(BootScheduleTest, ARevertThatCannotBeMarkedIsRefusedWithNothingWritten) {
  lvm_.fail_changes_matching = "+lvm_revert_incomplete";
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"},
                         "lvm-revert: cannot record that the revert starts (tag "
                         "lvm_revert_incomplete on vg/snap): lvchange (tags) vg/snap failed (exit "
                         "5): Cannot change VG vg while PVs are missing.; nothing was written\n");
  EXPECT_EQ(lvs_[1].tags, "");
}

TEST_F(BootScheduleTest, AMarkThatCannotBeClearedIsExitFive) {
  lvm_.fail_changes_matching = "-lvm_revert_incomplete";
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitFailedWriting);
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(err_.str(), HasSubstr("the revert is complete, but the tag lvm_revert_incomplete "
                                    "could not be removed from vg/snap (lvchange (tags) vg/snap "
                                    "failed (exit 5): Cannot change VG vg while PVs are missing.), "
                                    "so every boot would stop to complete the revert: run the same "
                                    "command again, or once LVM can change the VG: lvchange "
                                    "--deltag lvm_revert_incomplete vg/snap"));
}

// The mark comes last before the first write: a run refused before it (here
// the plan could not be printed) leaves none, or a boot would revert what
// the run said it did not.
TEST_F(BootScheduleTest, ARefusalBeforeTheCopyLeavesNoMark) {
  out_.setstate(std::ios::badbit);  // the plan cannot be printed
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(lvm_.changes, IsEmpty());
  EXPECT_EQ(lvs_[1].tags, "");
}

// A power cut while --backup writes its file must not leave a mark: the
// boot would complete the revert without the backup the admin asked for.
TEST_F(BootScheduleTest, TheMarkComesAfterTheBackupIsComplete) {
  lvm_.on_change_tags = [this](const LvRef&, const std::vector<std::string>& add,
                               const std::vector<std::string>&) {
    // The store header's valid field (bytes 4-7) says 1 once it is complete.
    if (add.empty()) return;
    const std::vector<std::byte> backup = ReadFile(dir_.File("backup.img"));
    backup_complete_at_mark_ = backup.size() > 8 && backup[4] == std::byte{1};
  };
  EXPECT_EQ(Run({"-y", "--backup", dir_.File("backup.img"), "vg/lv", "vg/snap"}), kExitDone)
      << err_.str();
  EXPECT_THAT(lvm_.changes, ElementsAre(kMark, kUnmark));
  EXPECT_TRUE(backup_complete_at_mark_);
}

TEST_F(BootScheduleTest, AnOriginHalfRevertedToAnotherSnapshotIsRefused) {
  AddSibling(64, {});
  lvs_[2].tags = "lvm_revert_incomplete";
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"},
                         "lvm-revert: vg/lv is half-reverted to vg/sib (tag lvm_revert_incomplete "
                         "on vg/sib): complete that revert first (lvm-revert vg/lv vg/sib)\n");
  ExpectRefusedUnchanged({"--at-next-boot", "vg/lv", "vg/snap"}, "vg/lv is half-reverted to vg/sib");
  EXPECT_THAT(lvm_.changes, IsEmpty());
}

TEST_F(BootScheduleTest, CancelOfARevertUnderWayIsRefused) {
  Tag("lvm_revert_incomplete");
  EXPECT_EQ(Run({"--cancel", "vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_EQ(err_.str(), "lvm-revert: vg/lv is half-reverted to vg/snap (tag lvm_revert_incomplete): "
                        "a revert that started cannot be cancelled, and every boot completes it "
                        "before the volume is mounted; complete it now: lvm-revert vg/lv vg/snap\n");
  EXPECT_THAT(lvm_.changes, IsEmpty());
}

TEST_F(BootScheduleTest, ASecondScheduleForOneOriginIsRefusedAndNamesTheFirst) {
  AddSibling(64, {});
  lvs_[2].tags = "lvm_revert_every_boot";
  MountOrigin();
  EXPECT_EQ(Run({"--at-next-boot", "vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_EQ(err_.str(), "lvm-revert: vg/lv is already scheduled to be reverted to vg/sib at boot "
                        "(tag lvm_revert_every_boot on vg/sib); one origin takes one schedule: "
                        "cancel that first (lvm-revert --cancel vg/lv vg/sib)\n");
  EXPECT_THAT(lvm_.changes, IsEmpty());
  // Rescheduling the same snapshot is not a second schedule.
  EXPECT_EQ(Run({"--at-every-boot", "vg/lv", "vg/sib"}), kExitDone) << err_.str();
}

}  // namespace
}  // namespace lvmrevert::lvmext
