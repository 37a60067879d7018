#include "lvmext/revert/offline_revert.h"

#include "core/device_file.h"
#include "core/quoting.h"
#include "lvmext/lvm/live_snapshot_check.h"
#include "lvmext/cli/plan_output.h"
#include "lvmext/revert/revert_session.h"
#include "safety/device_checks.h"

namespace lvmrevert::lvmext {
namespace {

class OfflineRevert final : public RevertSession {
 public:
  OfflineRevert(const Options& options, Console& console, Environment& env)
      : RevertSession(options, console, env) {
    report_.origin = options.origin_path;
    report_.store = options.cow_path;
  }

 private:
  Status Prepare() override {
    StatusOr<FileIdentity> origin_id = IdentifyPath(options_.origin_path);
    if (!origin_id.ok()) return origin_id.status().WithPrefix("origin");
    StatusOr<FileIdentity> cow_id = IdentifyPath(options_.cow_path);
    if (!cow_id.ok()) return cow_id.status().WithPrefix("snapshot store");

    std::vector<dev_t> protect;
    if (origin_id->block) protect.push_back(origin_id->rdev);
    Status backup = CheckBackupTarget(protect);
    if (!backup.ok()) return backup;

    // The devices of an active snapshot belong to the LVM form. A dry run
    // only reads, so it may look at them, and says what a real run does.
    Status s = CheckNotLiveSnapshotDevices(env_.view, env_.dm, *origin_id, *cow_id);
    const bool live = !s.ok() && s.code() == StatusCode::kRefused && options_.dry_run;
    if (live) {
      Warn(s.message() + " (a real run refuses this)");
    } else if (!s.ok()) {
      return s;
    }
    // --compare only reads: the origin may be in use (how far has it drifted?).
    const bool only_reads = live || options_.compare;
    if (!options_.compare) {
      s = safety::CheckNotInUse(env_.view, "origin", options_.origin_path, *origin_id);
      if (!s.ok()) return s;
      s = safety::CheckNotInUse(env_.view, "snapshot store", options_.cow_path, *cow_id);
      if (!s.ok()) return s;
    }

    // The origin is opened for writing even for a dry run, so that a dry
    // run refuses what a real run would (read-only, immutable, no
    // permission); it writes nothing. The exclusive open keeps mounts and
    // other exclusive users out until we are done. The devices of a live
    // snapshot are held by device-mapper, so a dry run of them only reads.
    StatusOr<DeviceFile> origin = OpenDeviceFile(
        {options_.origin_path, only_reads ? Access::kReadOnly : Access::kReadWrite, !only_reads,
         *origin_id});
    if (!origin.ok()) return origin.status().WithPrefix("origin");
    origin_ = std::move(origin).value();
    StatusOr<DeviceFile> cow =
        OpenDeviceFile({options_.cow_path, Access::kReadOnly, false, *cow_id});
    if (!cow.ok()) return cow.status().WithPrefix("snapshot store");
    cow_ = std::move(cow).value();
    s = safety::CheckNoAliases(env_.view, origin_, cow_);
    if (!s.ok()) return s;
    NoteOpened(origin_, cow_);

    if (origin_.size_bytes % store::kSectorBytes != 0) {
      return Status::Refused("origin " + QuotedName(origin_.path) + " is " +
                             std::to_string(origin_.size_bytes) +
                             " bytes, not a whole number of 512-byte sectors, so it cannot be a "
                             "snapshot origin");
    }
    s = LoadPlan(cow_, origin_.size_bytes);
    if (!s.ok()) return s;
    PrintPlan(QuotedName(cow_.path), QuotedName(origin_.path));
    return PrepareBackup();
  }

  Status Execute() override {
    if (options_.compare) return CompareWithOrigin(cow_, origin_);
    if (options_.dry_run) {
      report_.result = Result::kDryRun;
      Say("Dry run: nothing was written.");
      return Status::Ok();
    }
    // Nothing to revert: no prompt; a backup asked for is still made (empty).
    if (NothingToRevert(QuotedName(origin_.path))) return CopyPlanToOrigin(cow_, origin_);
    Status s = ConfirmRevert(QuotedName(origin_.path), QuotedName(cow_.path));
    if (!s.ok()) return s;
    s = CopyPlanToOrigin(cow_, origin_);
    if (s.ok()) SayReverted(QuotedName(origin_.path));
    return s;
  }

  DeviceFile origin_;
  DeviceFile cow_;
};

}  // namespace

Report RunOfflineRevert(const Options& options, Console& console, Environment& env) {
  return OfflineRevert(options, console, env).Run();
}

}  // namespace lvmrevert::lvmext
