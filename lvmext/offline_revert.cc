#include "lvmext/offline_revert.h"

#include "core/device_file.h"
#include "lvmext/plan_output.h"
#include "lvmext/revert_session.h"
#include "safety/device_checks.h"

namespace lvmrevert::cli {
namespace {

class OfflineRevert final : public RevertSession {
 public:
  OfflineRevert(const Options& options, Console& console, Environment& env)
      : RevertSession(options, console, env) {
    report_.origin = options.origin_path;
    report_.snapshot = options.cow_path;
  }

 private:
  Status Prepare() override {
    Status s = safety::CheckPathNotInUse(env_.view, "origin", options_.origin_path);
    if (!s.ok()) return s;
    s = safety::CheckPathNotInUse(env_.view, "snapshot store", options_.cow_path);
    if (!s.ok()) return s;

    // The exclusive open keeps mounts and other exclusive users out until we
    // are done; a dry run takes it too, so it refuses what a real run would.
    StatusOr<DeviceFile> origin = OpenDeviceFile(
        {options_.origin_path, options_.dry_run ? Access::kReadOnly : Access::kReadWrite, true});
    if (!origin.ok()) return origin.status().WithPrefix("origin");
    origin_ = std::move(origin).value();
    StatusOr<DeviceFile> cow = OpenDeviceFile({options_.cow_path, Access::kReadOnly, false});
    if (!cow.ok()) return cow.status().WithPrefix("snapshot store");
    cow_ = std::move(cow).value();
    s = safety::CheckDistinct(origin_, cow_);
    if (!s.ok()) return s;
    NoteBufferedIo(origin_);
    NoteBufferedIo(cow_);
    report_.direct_io = origin_.direct && cow_.direct;

    if (origin_.size_bytes % store::kSectorBytes != 0) {
      return Status::Refused("origin " + origin_.path + " is " +
                             std::to_string(origin_.size_bytes) +
                             " bytes, not a whole number of 512-byte sectors, so it cannot be a "
                             "snapshot origin");
    }
    s = LoadPlan(cow_, origin_.size_bytes);
    if (!s.ok()) return s;
    PrintPlan(cow_.path, origin_.path);
    return Status::Ok();
  }

  Status Execute() override {
    if (options_.dry_run) {
      report_.result = Result::kDryRun;
      Say("Dry run: nothing was written.");
      return Status::Ok();
    }
    Status s = ConfirmRevert(origin_.path, cow_.path);
    if (!s.ok()) return s;
    s = CopyPlanToOrigin(cow_, origin_);
    if (!s.ok()) return s;
    report_.result = Result::kReverted;
    Say("Reverted " + origin_.path + ": wrote " + std::to_string(report_.bytes_written) +
        " bytes (" + MiB(report_.bytes_written) + ") in " +
        std::to_string(plan_->totals().runs) + " runs and flushed.");
    return Status::Ok();
  }

  DeviceFile origin_;
  DeviceFile cow_;
};

}  // namespace

Report RunOfflineRevert(const Options& options, Console& console, Environment& env) {
  return OfflineRevert(options, console, env).Run();
}

}  // namespace lvmrevert::cli
