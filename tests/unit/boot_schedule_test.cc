// Scheduling reverts for boot (--at-next-boot, --at-every-boot, --cancel,
// --list-scheduled) and running them (--boot), on the fake LVM of
// lvm_form_fixture.h.
#include <fstream>

#include "lvmext/boot_tags.h"
#include "tests/unit/json_output.h"
#include "tests/unit/lvm_form_fixture.h"

namespace lvmrevert::cli {
namespace {

using namespace testing_lvm;  // NOLINT: the fixture and its helpers
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class FakeBootImage final : public BootImage {
 public:
  std::optional<std::string> why;
  std::optional<std::string> WhyNotReady() override { return why; }
};

class BootScheduleTest : public LvmFormTest {
 protected:
  void SetUp() override {
    LvmFormTest::SetUp();
    boot_image_ = &image_;
    SetCmdline("BOOT_IMAGE=/vmlinuz root=/dev/mapper/vg-lv ro quiet");
  }

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
  EXPECT_EQ(Run({"--cancel", "vg/snap", "vg/lv"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("vg/lv is not a snapshot of vg/snap"));
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
                                        R"([{"origin":"vg/lv","snapshot":"vg/snap","when":"next-boot"}])"));
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

TEST_F(BootScheduleTest, BootRevertsANextBootScheduleAndDropsItsTag) {
  Tag("lvm_revert_next_boot");
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(lvm_.changes, ElementsAre("tags vg/snap -lvm_revert_next_boot"));
  EXPECT_EQ(err_.str(), "lvm-revert: reverted vg/lv to vg/snap: wrote 0.02 MiB in 3 runs\n");
  EXPECT_THAT(Log(), HasSubstr("== vg/lv <- vg/snap (next-boot)\n"));
  EXPECT_THAT(Log(), HasSubstr("Reverted " + Path("vg-lv") + ": wrote 20480 bytes"));
  EXPECT_THAT(Log(), HasSubstr("== exit 0\n"));
}

TEST_F(BootScheduleTest, BootKeepsAnEveryBootTag) {
  Tag("lvm_revert_every_boot");
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(lvm_.changes, IsEmpty());
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

TEST_F(BootScheduleTest, BootFailureWhileWritingExitsFiveKeepsTheTagAndGivesTheCommand) {
  Tag("lvm_revert_next_boot");
  make_engine_ = [] { return std::make_unique<lvmrevert::testing::ThrowingEngine>(IoOp::kWrite); };
  EXPECT_EQ(Run({"--boot"}), kExitFailedWriting);
  EXPECT_THAT(lvm_.changes, IsEmpty());
  EXPECT_THAT(err_.str(), HasSubstr("lvm-revert: FAILED while reverting vg/lv to vg/snap: "));
  EXPECT_THAT(err_.str(), HasSubstr("vg/lv is partly reverted and must not be mounted. Once the "
                                    "cause is fixed, run: lvm-revert -y vg/lv vg/snap\n"));
  EXPECT_FALSE(dm_.AnySuspended());
  // Fixed, the same boot runs it again and completes it.
  make_engine_ = [] { return std::make_unique<PsyncEngine>(); };
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(lvm_.changes, ElementsAre("tags vg/snap -lvm_revert_next_boot"));
}

TEST_F(BootScheduleTest, BootOffOnTheCommandLineSkipsEverything) {
  Tag("lvm_revert_next_boot");
  SetCmdline("root=/dev/mapper/vg-lv lvmrevert=off quiet");
  EXPECT_EQ(Run({"--boot"}), kExitDone);
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  EXPECT_THAT(lvm_.changes, IsEmpty());
  EXPECT_EQ(err_.str(), "lvm-revert: lvmrevert=off on the kernel command line: no revert runs at "
                        "this boot\n");
}

TEST_F(BootScheduleTest, BootRevertsAPairGivenOnTheCommandLineWithoutATag) {
  SetCmdline("root=/dev/mapper/vg-lv lvmrevert=vg/lv:vg/snap,bad-value");
  lvm_.tagged_json = LvsJson({});
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(lvm_.changes, IsEmpty());
  EXPECT_THAT(err_.str(), HasSubstr("ignoring lvmrevert=bad-value on the kernel command line"));
  EXPECT_THAT(Log(), HasSubstr("(command line)"));
}

TEST_F(BootScheduleTest, BootActivatesAnInactiveOriginAndDeactivatesItAfter) {
  Tag("lvm_revert_next_boot");
  std::map<std::string, FakeDmDevice> active;
  for (const char* name : {"vg-lv", "vg-lv-real", "vg-snap", "vg-snap-cow"}) {
    active[name] = dm_.devices[name];
    dm_.devices.erase(name);
  }
  lvm_.on_set_active = [&](const LvRef&, bool on) {
    for (const auto& [name, d] : active) {
      if (on) {
        dm_.devices[name] = d;
      } else {
        dm_.devices.erase(name);
      }
    }
  };
  EXPECT_EQ(Run({"--boot"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(lvm_.changes, ElementsAre("activate vg/lv", "tags vg/snap -lvm_revert_next_boot",
                                        "deactivate vg/lv"));
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

}  // namespace
}  // namespace lvmrevert::cli
