// The LVM form in-process: fake device-mapper and LVM tools, image files as
// the devices. Every refusal leaves the origin byte-identical and nothing
// suspended.
#include "tests/support/json_output.h"
#include "tests/support/lvm_fixture.h"

namespace lvmrevert::lvmext {
namespace {

using namespace testing_lvm;  // NOLINT: the fixture and its helpers
using ::testing::ElementsAre;
using lvmrevert::testing::ThrowingEngine;

TEST_F(LvmFormTest, RevertsThroughTheOriginWithTheSnapshotSuspended) {
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(dm_.calls, ElementsAre("suspend vg-snap", "resume vg-snap"));
  EXPECT_FALSE(dm_.AnySuspended());
  EXPECT_THAT(out_.str(), HasSubstr("Reverted " + Path("vg-lv") + ": wrote 20480 bytes"));
  struct stat st {};
  EXPECT_NE(::stat((config_dir_ + "/V_vg").c_str(), &st), 0) << "lock file left behind";
}

TEST_F(LvmFormTest, DefaultLockDirReadsTheViewOnce) {
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_EQ(lvm_.configs, 1);
  EXPECT_EQ(lvm_.reports, 1);
}

TEST_F(LvmFormTest, ConfiguredLockDirElsewhereLocksThereAndReadsAgain) {
  lvm_.default_dir = dir_.File("default-lock");
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_EQ(lvm_.reports, 2);  // the first report was not read under LVM's lock
  struct stat st {};
  EXPECT_NE(::stat(dir_.File("default-lock/V_vg").c_str(), &st), 0);
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
}

TEST_F(LvmFormTest, DevPathFormWorks) {
  EXPECT_EQ(Run({"-y", "/dev/vg/lv", "/dev/vg/snap"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
}

TEST_F(LvmFormTest, DevMapperNamesWork) {
  EXPECT_EQ(Run({"-y", "/dev/mapper/vg-lv", "/dev/mapper/vg-snap"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
}

TEST_F(LvmFormTest, DevMapperNamesOfLayersAreABadCommandLine) {
  EXPECT_EQ(Run({"-y", "/dev/mapper/vg-lv-real", "vg/snap"}), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: '/dev/mapper/vg-lv-real' is not the device of an LV "
                        "(/dev/mapper/VG-LV)\n");
  EXPECT_EQ(Run({"-y", "/dev/mapper/vglv", "vg/snap"}), kExitBadCommandLine);
  EXPECT_TRUE(dm_.calls.empty());
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

// As lvconvert --merge VG/SNAP: the origin is the one LVM records.
TEST_F(LvmFormTest, SnapshotAloneInfersItsOrigin) {
  EXPECT_EQ(Run({"-y", "--json", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  const nlohmann::json j = OneJsonObject(out_.str());
  EXPECT_EQ(j["origin"], "vg/lv");
  EXPECT_EQ(j["snapshot"], "vg/snap");
}

TEST_F(LvmFormTest, OneNameThatIsNoSnapshotIsRefused) {
  ExpectRefusedUnchanged({"-y", "vg/lv"}, "vg/lv is not an old-style snapshot, so it has no origin "
                                          "to revert (give VG/LV VG/SNAP)");
  ExpectRefusedUnchanged({"-y", "vg/nosuch"}, "logical volume vg/nosuch not found");
  EXPECT_EQ(Run({"-y", "--json", "vg/nosuch"}), kExitRefused);
  const nlohmann::json j = OneJsonObject(out_.str());
  EXPECT_EQ(j["origin"], nullptr);  // not known
  EXPECT_EQ(j["snapshot"], "vg/nosuch");
}

TEST_F(LvmFormTest, OwnSnapshotIsABadCommandLine) {
  EXPECT_EQ(Run({"-y", "vg/snap", "/dev/vg/snap"}), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: vg/snap cannot be its own snapshot\n");
  EXPECT_TRUE(dm_.calls.empty());
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

TEST_F(LvmFormTest, NotRootSaysSoBeforeTouchingLvm) {
  is_root_ = false;
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_EQ(err_.str(), "lvm-revert: must be run as root: the LVM form takes LVM's lock and works "
                        "on device-mapper devices (the offline form, --cow/--origin, works on "
                        "image files as any user)\n");
  EXPECT_EQ(lvm_.reports, 0);
  EXPECT_TRUE(dm_.calls.empty());
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

TEST_F(LvmFormTest, VerboseNamesTheLockFileAndDeviceNumbers) {
  EXPECT_EQ(Run({"-y", "-v", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  const std::string err = err_.str();
  EXPECT_THAT(err, HasSubstr("lvm-revert: note: holding " + config_dir_ + "/V_vg\n"));
  EXPECT_THAT(err, HasSubstr("lvm-revert: note: origin " + Path("vg-lv") + ": file, inode "));
  EXPECT_THAT(err, HasSubstr("lvm-revert: note: store " + Path("vg-snap-cow") + ": file, inode "));
  EXPECT_THAT(err, HasSubstr("lvm-revert: note: I/O engine psync, queue depth 1\n"));
  EXPECT_THAT(err, HasSubstr("lvm-revert: note: suspended vg-snap\n"));
}

TEST_F(LvmFormTest, EmptySnapshotSaysNothingToRevertWithoutAPrompt) {
  WriteFile(Path("vg-snap-cow"), StoreBuilder(8).Build());
  stdin_is_terminal_ = true;  // a prompt would read no answer and refuse
  EXPECT_EQ(Run({"vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("Nothing to revert: the store holds no saved chunks, so " +
                                    Path("vg-lv") + " already shows what it holds."));
  EXPECT_EQ(err_.str(), "");
  EXPECT_TRUE(dm_.calls.empty());
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

TEST_F(LvmFormTest, DryRunSuspendsAndWritesNothing) {
  AddSibling(200, {3});
  EXPECT_EQ(Run({"--dry-run", "--json", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_TRUE(dm_.calls.empty());
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
  const nlohmann::json j = OneJsonObject(out_.str());
  EXPECT_EQ(j["result"], "dry-run");
  EXPECT_EQ(j["mode"], "lvm");
  EXPECT_EQ(j["snapshot"], "vg/snap");
  EXPECT_EQ(j["store"], Path("vg-snap-cow"));
  EXPECT_EQ(j["io_engine"], nullptr);
  EXPECT_EQ(j["siblings"], nlohmann::json::parse(R"([{"name":"vg/sib","chunk_size":4096,
      "new_chunks":4,"free_chunks":197,"would_overflow":false}])"));
}

TEST_F(LvmFormTest, SiblingReportedInText) {
  AddSibling(200, {3});
  EXPECT_EQ(Run({"--dry-run", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("Sibling snapshot vg/sib: the revert makes it save 4 chunks "
                                    "of 4096 bytes; it has room for 197."));
}

TEST_F(LvmFormTest, SiblingThatWouldOverflowIsRefused) {
  AddSibling(6, {});  // header, area, four data chunks: room for 4, needs 5
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"},
                         "sibling snapshot vg/sib would overflow: the revert makes it save 5 more "
                         "chunks but it has room for 4; the kernel would invalidate it. Extend it "
                         "first (lvextend -L +1M vg/sib) or pass --allow-invalidate");
  // With -y the store is read under suspension; the refusal resumes it.
  EXPECT_THAT(dm_.calls, ElementsAre("suspend vg-snap", "resume vg-snap"));
}

TEST_F(LvmFormTest, SiblingOverflowDryRunIsRefusedToo) {
  AddSibling(6, {});
  ExpectRefusedUnchanged({"--dry-run", "vg/lv", "vg/snap"}, "would overflow");
}

TEST_F(LvmFormTest, AllowInvalidateGoesAheadWithAWarning) {
  AddSibling(6, {});
  EXPECT_EQ(Run({"-y", "--allow-invalidate", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("WARNING: sibling snapshot vg/sib would overflow"));
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
}

TEST_F(LvmFormTest, VolumeGroupMissingIsRefused) {
  lvm_.vg_missing = true;
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, "volume group vg not found");
}

TEST_F(LvmFormTest, OriginMissingIsRefused) {
  ExpectRefusedUnchanged({"-y", "vg/nope", "vg/snap"}, "logical volume vg/nope not found");
}

TEST_F(LvmFormTest, SnapshotMissingIsRefused) {
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/nope"}, "logical volume vg/nope not found");
}

// A thin snapshot is reset by LVM's merge (thin_revert_test.cc): what only
// a copy from an exception store can do is refused for it.
TEST_F(LvmFormTest, ThinSnapshotRefusesWhatOnlyACopyDoes) {
  lvs_[0] = {"lv", "LVLVLV-1111", "Vwi-a-tz--", "", "thin"};
  lvs_[1] = {"snap", "SNSNSN-2222", "Vwi---tz-k", "lv", "thin"};
  ExpectRefusedUnchanged({"-y", "--remove-snapshot", "vg/lv", "vg/snap"},
                         "vg/snap is a thin snapshot, which lvm-revert resets with LVM's merge: "
                         "--backup, --backup-snapshot, --remove-snapshot and --format dd work on "
                         "old-style snapshots");
  EXPECT_TRUE(lvm_.removed.empty());
}

TEST_F(LvmFormTest, PlainLvIsNotASnapshot) {
  lvs_.push_back({"other", "OTHER-4444", "-wi-XX----", "", "linear"});
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/other"}, "vg/other is not a snapshot");
}

TEST_F(LvmFormTest, SnapshotOfAnotherOriginIsRefused) {
  lvs_.push_back({"lv2", "LV2-5555", "owi-XXs---", "", "linear"});
  ExpectRefusedUnchanged({"-y", "vg/lv2", "vg/snap"},
                         "vg/snap is not a snapshot of vg/lv2 (its origin is vg/lv)");
}

TEST_F(LvmFormTest, PendingMergeInMetadataIsRefused) {
  lvs_[1].attr = "Swi-XXs---";
  lvs_[0].attr = "Owi-XXs---";
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, "is pending or running (lvconvert --merge)");
}

TEST_F(LvmFormTest, PendingMergeOfASiblingNamesTheSibling) {
  AddSibling(200, {});
  lvs_[2].attr = "Swi-XXs---";
  lvs_[0].attr = "Owi-XXs---";
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"},
                         "a merge of vg/sib into vg/lv is pending or running");
}

TEST_F(LvmFormTest, MergeRunningInTheKernelIsRefused) {
  dm_.devices["vg-lv"].table[0].type = "snapshot-merge";
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, "pending or running");
}

// A merge found in the kernel (the origin's table, the snapshot's error
// table, a failed merge's status) is said as one found in LVM's metadata.
TEST_F(LvmFormTest, MergesInTheKernelAreRefusedInTheMetadataSentence) {
  const std::string sentence =
      "lvm-revert: a merge of vg/snap into vg/lv is pending or running (lvconvert --merge): LVM "
      "completes it itself; lvm-revert leaves a merging volume alone\n";
  dm_.devices["vg-lv"].table[0].type = "snapshot-merge";
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, sentence);
  dm_.devices["vg-lv"].table[0].type = "snapshot-origin";
  dm_.devices["vg-snap"].status[0].params = "Merge failed";
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, sentence);
  dm_.devices["vg-snap"].table[0].type = "error";
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, sentence);
  lvs_[1].attr = "Swi-XXs---";
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, sentence);
}

TEST_F(LvmFormTest, InvalidSnapshotIsRefused) {
  dm_.devices["vg-snap"].status[0].params = "Invalid";
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, "snapshot vg/snap is invalid");
}

TEST_F(LvmFormTest, InactiveOriginIsRefusedWithAHint) {
  for (const char* name : {"vg-lv", "vg-lv-real", "vg-snap", "vg-snap-cow"}) dm_.devices.erase(name);
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"},
                         "vg/lv is not active: activate it first (lvchange -ay vg/lv");
}

TEST_F(LvmFormTest, OpenOriginIsRefused) {
  dm_.devices["vg-lv"].info.open_count = 1;
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"},
                         "origin vg/lv is open (open count 1, expected 0)");
}

TEST_F(LvmFormTest, OpenSnapshotIsRefused) {
  dm_.devices["vg-snap"].info.open_count = 2;
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, "snapshot vg/snap is open (open count 2");
}

TEST_F(LvmFormTest, RealDeviceOpenedBySomeoneIsRefused) {
  dm_.devices["vg-lv-real"].info.open_count = 3;
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"},
                         "origin data device vg-lv-real is open (open count 3, expected 2)");
}

TEST_F(LvmFormTest, MountedOriginIsRefused) {
  view_.mounts_by_path[Path("vg-lv")] = {"/srv"};
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, "is mounted on /srv: unmount it first");
}

TEST_F(LvmFormTest, MountedSnapshotIsRefused) {
  view_.mounts_by_path[Path("vg-snap")] = {"/mnt/snap"};
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, "snapshot " + Path("vg-snap") +
                                                         " is mounted on /mnt/snap");
}

TEST_F(LvmFormTest, OriginWithADeviceStackedOnItIsRefused) {
  view_.holders[Dev(0)] = {"dm-9"};
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"},
                         "origin vg/lv is held by dm-9 (a device stacked on it): remove that first");
}

TEST_F(LvmFormTest, SnapshotWithADeviceStackedOnItIsRefused) {
  view_.holders[Dev(2)] = {"dm-7"};
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, "snapshot vg/snap is held by dm-7");
}

TEST_F(LvmFormTest, ActiveSwapIsRefused) {
  view_.swaps = {Path("vg-lv")};
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, "is an active swap area: swapoff it first");
}

TEST_F(LvmFormTest, MountedOriginIsNamedByItsFilesystem) {
  view_.mounts_by_path[Path("vg-lv")] = {"/srv"};
  view_.filesystems[Path("vg-lv")] = {"ext4", "1111", "data"};
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"},
                         "origin " + Path("vg-lv") + " (ext4 \"data\") is mounted on /srv");
}

TEST_F(LvmFormTest, DifferentFilesystemUuidsAreWarnedAbout) {
  view_.filesystems[Path("vg-lv")] = {"ext4", "1111-aaaa", ""};
  view_.filesystems[Path("vg-snap")] = {"ext4", "2222-bbbb", ""};
  EXPECT_EQ(Run({"-y", "--json", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("WARNING: the snapshot's ext4 UUID 2222-bbbb differs from the "
                                    "origin's 1111-aaaa: after the revert the origin carries "
                                    "2222-bbbb"));
  EXPECT_THAT(out_.str(), HasSubstr("\"warnings\":[\"the snapshot's ext4 UUID 2222-bbbb"));
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
}

TEST_F(LvmFormTest, SameFilesystemUuidIsNotWarnedAbout) {
  view_.filesystems[Path("vg-lv")] = {"ext4", "1111-aaaa", ""};
  view_.filesystems[Path("vg-snap")] = {"ext4", "1111-aaaa", ""};
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitDone);
  EXPECT_EQ(err_.str(), "");
}

TEST_F(LvmFormTest, UuidMismatchIsRefused) {
  dm_.devices["vg-lv"].info.uuid = "LVM-somethingelse";
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, "has UUID LVM-somethingelse");
}

TEST_F(LvmFormTest, ChunkSizeMismatchIsRefused) {
  dm_.devices["vg-snap"].table[0].params = MajorMinor(Dev(1)) + " " + MajorMinor(Dev(3)) + " P 16";
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"},
                         "says 8-sector chunks but the kernel's table says 16");
}

// Names in two VGs are a set of snapshots, and an origin is none.
TEST_F(LvmFormTest, AnOriginAndASnapshotInTwoVolumeGroupsAreRefusedAsASet) {
  EXPECT_EQ(Run({"-y", "vg/lv", "other/snap"}), kExitRefused);
  EXPECT_EQ(err_.str(), "lvm-revert: vg/lv is not a snapshot, so it has no origin to revert\n");
  EXPECT_TRUE(dm_.calls.empty());
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

TEST_F(LvmFormTest, WithYesTheStoreIsReadUnderSuspension) {
  // Whatever the store holds once the snapshot is suspended is what gets
  // reverted: here an exception added just before the suspend took effect.
  dm_.on_suspend = [this](const std::string&) {
    StoreBuilder changed = snap_store_;
    changed.Add(20);
    WriteFile(Path("vg-snap-cow"), changed.Build());
  };
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  FillChunk(kSnapshotDataSeed, 20, std::span(expected_).subspan(20 * kChunk, kChunk));
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
  EXPECT_THAT(dm_.calls, ElementsAre("suspend vg-snap", "resume vg-snap"));
}

TEST_F(LvmFormTest, PromptedRevertSuspendsAfterTheAnswer) {
  stdin_is_terminal_ = true;
  answers_ = {"y"};
  EXPECT_EQ(Run({"vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("Really revert vg/lv to vg/snap (0.02 MiB in 3 runs)? [y/n]: "));
  EXPECT_THAT(dm_.calls, ElementsAre("suspend vg-snap", "resume vg-snap"));
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
}

TEST_F(LvmFormTest, PromptAnsweredNoSuspendsNothing) {
  stdin_is_terminal_ = true;
  answers_ = {"n"};
  ExpectRefusedUnchanged({"vg/lv", "vg/snap"}, "revert aborted at the prompt");
  EXPECT_TRUE(dm_.calls.empty());
}

TEST_F(LvmFormTest, StoreChangedWhileWaitingIsRefusedAndResumed) {
  // Between the prompt and the suspend, something added an exception.
  stdin_is_terminal_ = true;
  answers_ = {"y"};
  dm_.on_suspend = [this](const std::string&) {
    StoreBuilder changed = snap_store_;
    changed.Add(20);
    WriteFile(Path("vg-snap-cow"), changed.Build());
  };
  EXPECT_EQ(Run({"vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_THAT(err_.str(), HasSubstr("the snapshot's exception store changed after it was read"));
  EXPECT_THAT(dm_.calls, ElementsAre("suspend vg-snap", "resume vg-snap"));
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

class FailSecondWrite final : public IoEngine {
 public:
  const char* name() const override { return "failing"; }
  size_t queue_depth() const override { return 1; }
  Status Submit(const IoRequest& r) override {
    if (r.op == IoOp::kWrite && ++writes_ == 2) {
      done_.push_back({r.tag, -EIO});
      return Status::Ok();
    }
    return inner_.Submit(r);
  }
  Status Reap(size_t min, std::vector<IoCompletion>* out) override {
    if (!done_.empty()) {
      out->insert(out->end(), done_.begin(), done_.end());
      done_.clear();
      return Status::Ok();
    }
    return inner_.Reap(min, out);
  }
  Status Flush(int fd) override { return inner_.Flush(fd); }

 private:
  PsyncEngine inner_;
  int writes_ = 0;
  std::vector<IoCompletion> done_;
};

TEST_F(LvmFormTest, WriteFailureResumesAndExitsFive) {
  make_engine_ = [] { return std::make_unique<FailSecondWrite>(); };
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitFailedWriting);
  EXPECT_THAT(err_.str(), HasSubstr("Input/output error"));
  EXPECT_THAT(err_.str(), HasSubstr("running the same command again completes the revert"));
  EXPECT_THAT(dm_.calls, ElementsAre("suspend vg-snap", "resume vg-snap"));
  EXPECT_FALSE(dm_.AnySuspended());
}

// Raises SIGTERM from inside the copy, as `kill` would mid-way.
class SignalDuringCopy final : public IoEngine {
 public:
  const char* name() const override { return "signal"; }
  size_t queue_depth() const override { return 1; }
  Status Submit(const IoRequest& r) override {
    if (r.op == IoOp::kWrite) std::raise(SIGTERM);
    return inner_.Submit(r);
  }
  Status Reap(size_t min, std::vector<IoCompletion>* out) override { return inner_.Reap(min, out); }
  Status Flush(int fd) override { return inner_.Flush(fd); }

 private:
  PsyncEngine inner_;
};

TEST_F(LvmFormTest, SigtermMidCopyStopsResumesAndExitsFive) {
  make_engine_ = [] { return std::make_unique<SignalDuringCopy>(); };
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitFailedWriting);
  EXPECT_THAT(err_.str(), HasSubstr("interrupted by signal 15"));
  EXPECT_THAT(dm_.calls, ElementsAre("suspend vg-snap", "resume vg-snap"));
  // After the signal the run is over; the re-run completes it.
  make_engine_ = [] { return std::make_unique<PsyncEngine>(); };
  dm_.calls.clear();
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
}

TEST_F(LvmFormTest, AnExceptionAfterWritingBeganResumesAndExitsFive) {
  make_engine_ = [] { return std::make_unique<ThrowingEngine>(IoOp::kWrite); };
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitFailedWriting);
  EXPECT_THAT(err_.str(), HasSubstr("internal error (out of memory) while copying"));
  EXPECT_THAT(dm_.calls, ElementsAre("suspend vg-snap", "resume vg-snap"));
  EXPECT_FALSE(dm_.AnySuspended());
}

TEST_F(LvmFormTest, AnExceptionBeforeAnyWriteResumesAndLeavesTheOriginUnchanged) {
  make_engine_ = [] { return std::make_unique<ThrowingEngine>(IoOp::kRead); };
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"},
                         "internal error (out of memory); nothing was written");
  EXPECT_THAT(dm_.calls, ElementsAre("suspend vg-snap", "resume vg-snap"));
}

TEST_F(LvmFormTest, AnExceptionOutOfTheSuspendItselfStillResumes) {
  dm_.on_suspend = [](const std::string&) { throw std::bad_alloc(); };
  ExpectRefusedUnchanged({"-y", "vg/lv", "vg/snap"}, "internal error (out of memory)");
  EXPECT_THAT(dm_.calls, ElementsAre("suspend vg-snap", "resume vg-snap"));
}

TEST_F(LvmFormTest, ASnapshotLeftSuspendedIsRefusedWithTheCommandThatResumesIt) {
  dm_.devices["vg-snap"].info.suspended = true;
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_EQ(err_.str(),
            "lvm-revert: device-mapper device vg-snap is suspended (an lvm-revert killed while "
            "copying leaves it so, as can other tools): every read of it waits. Resume it "
            "first: dmsetup resume vg-snap\n");
  EXPECT_TRUE(dm_.calls.empty());  // not ours to resume
  EXPECT_EQ(ReadFile(Path("vg-lv")), origin_);
}

TEST_F(LvmFormTest, ASuspendedStoreOrDataDeviceIsRefusedToo) {
  for (const char* name : {"vg-snap-cow", "vg-lv-real", "vg-lv"}) {
    SCOPED_TRACE(name);
    dm_.devices[name].info.suspended = true;
    EXPECT_EQ(Run({"--dry-run", "vg/lv", "vg/snap"}), kExitRefused);
    EXPECT_THAT(err_.str(), HasSubstr(std::string("Resume it first: dmsetup resume ") + name));
    dm_.devices[name].info.suspended = false;
  }
  EXPECT_TRUE(dm_.calls.empty());
}

TEST_F(LvmFormTest, ResumeFailureSaysHowToResume) {
  dm_.fail_resume = true;
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap"}), kExitFailedWriting);
  EXPECT_THAT(err_.str(), HasSubstr("run: dmsetup resume vg-snap"));
}

TEST_F(LvmFormTest, RemoveSnapshotAfterTheRevert) {
  EXPECT_EQ(Run({"-y", "--remove-snapshot", "--json", "vg/lv", "vg/snap"}), kExitDone) << err_.str();
  EXPECT_THAT(lvm_.removed, ElementsAre("vg/snap"));
  EXPECT_THAT(out_.str(), HasSubstr("\"snapshot_removed\":true"));
  EXPECT_EQ(ReadFile(Path("vg-lv")), expected_);
}

TEST_F(LvmFormTest, RefusalDoesNotRemoveTheSnapshot) {
  dm_.devices["vg-lv"].info.open_count = 1;
  EXPECT_EQ(Run({"-y", "--remove-snapshot", "vg/lv", "vg/snap"}), kExitRefused);
  EXPECT_TRUE(lvm_.removed.empty());
}

TEST_F(LvmFormTest, NoTerminalNoYesIsRefused) {
  ExpectRefusedUnchanged({"vg/lv", "vg/snap"}, "standard input is not a terminal");
}

TEST_F(LvmFormTest, BadNamesAreABadCommandLine) {
  EXPECT_EQ(Run({"-y", "vg/l v", "vg/snap"}), kExitBadCommandLine);
  EXPECT_THAT(err_.str(), HasSubstr("is not a valid VG/LV name"));
  EXPECT_EQ(Run({"-y", "justaname", "vg/snap"}), kExitBadCommandLine);
  EXPECT_THAT(err_.str(), HasSubstr("'justaname' is not of the form VG/LV"));
  EXPECT_EQ(Run({"-y", "vg/snap", "vg/snap", "vg/x"}), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: vg/snap is named twice\n");
  EXPECT_EQ(Run({"-y", "@a b"}), kExitBadCommandLine);
  EXPECT_EQ(err_.str(), "lvm-revert: '@a b' is not an LV tag (LVM tags use A-Z a-z 0-9 _ + . - / = "
                        "! : & #)\n");
  EXPECT_EQ(Run({"-y", "vg/lv", "vg/snap", "--cow", "x", "--origin", "y"}), kExitBadCommandLine);
  EXPECT_THAT(err_.str(), HasSubstr("not both"));
  EXPECT_TRUE(dm_.calls.empty());
}

TEST_F(LvmFormTest, LvmOnlyOptionsNeedTheLvmForm) {
  EXPECT_EQ(Run({"--allow-invalidate", "--cow", "x", "--origin", "y"}), kExitBadCommandLine);
  EXPECT_THAT(err_.str(), HasSubstr("belong to the LVM form"));
}

}  // namespace
}  // namespace lvmrevert::lvmext
