#include "lvmext/offline_revert.h"

#include <chrono>
#include <memory>

#include "core/copier.h"
#include "core/device_file.h"
#include "core/file_chunk_source.h"
#include "core/plan.h"
#include "core/store_reader.h"
#include "lvmext/confirm.h"
#include "lvmext/plan_output.h"
#include "safety/device_checks.h"

namespace lvmrevert::cli {
namespace {

using Clock = std::chrono::steady_clock;

class OfflineRevert {
 public:
  OfflineRevert(const Options& options, Console& console, Environment& env)
      : options_(options), console_(console), env_(env), view_(env.view) {
    report_.origin = options.origin_path;
    report_.snapshot = options.cow_path;
  }

  Report Run() {
    const Clock::time_point start = Clock::now();
    Status s = Prepare();
    if (s.ok()) s = Execute();
    report_.status = s;
    if (!s.ok()) {
      report_.result = s.code() == StatusCode::kRefused || s.code() == StatusCode::kCorruption ||
                               s.code() == StatusCode::kNotFound ||
                               s.code() == StatusCode::kInvalidArgument
                           ? Result::kRefused
                           : Result::kFailed;
    }
    report_.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (options_.format == OutputFormat::kJson) {
      console_.out << ReportJson(report_, options_.dry_run && plan_ ? &*plan_ : nullptr) << "\n";
    }
    return std::move(report_);
  }

 private:
  // Everything up to a validated plan; nothing is written here.
  Status Prepare() {
    Status s = safety::CheckPathNotInUse(view_, "origin", options_.origin_path);
    if (!s.ok()) return s;
    s = safety::CheckPathNotInUse(view_, "snapshot store", options_.cow_path);
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

    FileChunkSource source(cow_.fd.get(), cow_.size_bytes);
    StatusOr<ExceptionStore> store =
        ReadExceptionStore(source, StoreReadOptions{origin_.size_bytes});
    if (!store.ok()) return store.status().WithPrefix("snapshot store " + cow_.path);
    const store::Geometry geometry = store->geometry();
    report_.chunk_size_bytes = geometry.chunk_size_bytes();
    report_.metadata_areas = store->metadata_areas;

    StatusOr<Plan> plan = Plan::Build(std::move(store->exceptions), geometry.chunk_size_bytes(),
                                      origin_.size_bytes);
    if (!plan.ok()) return plan.status().WithPrefix("snapshot store " + cow_.path);
    plan_.emplace(std::move(plan).value());
    report_.totals = plan_->totals();
    PrintPlan();
    return Status::Ok();
  }

  Status Execute() {
    if (options_.dry_run) {
      report_.result = Result::kDryRun;
      Say("Dry run: nothing was written.");
      return Status::Ok();
    }
    const PlanTotals& totals = plan_->totals();
    if (totals.runs > 0 && !options_.assume_yes) {
      Status s = Confirm(console_, "Really revert " + origin_.path + " to " + cow_.path + " (" +
                                       MiB(totals.bytes) + " in " + std::to_string(totals.runs) +
                                       " runs)?");
      if (!s.ok()) return s;
    }

    std::unique_ptr<IoEngine> engine = env_.make_engine();
    report_.io_engine = engine->name();
    CopyStats stats;
    Status s = CopyPlan(*plan_, *engine, cow_.fd.get(), origin_.fd.get(), CopyOptions{}, &stats);
    report_.bytes_written = stats.bytes_written;
    if (!s.ok()) return s;
    report_.result = Result::kReverted;
    Say("Reverted " + origin_.path + ": wrote " + std::to_string(stats.bytes_written) +
        " bytes (" + MiB(stats.bytes_written) + ") in " + std::to_string(totals.runs) +
        " runs and flushed.");
    return Status::Ok();
  }

  void PrintPlan() {
    const PlanTotals& t = plan_->totals();
    switch (options_.format) {
      case OutputFormat::kDd:
        WriteDdScript(console_.out, *plan_);
        break;
      case OutputFormat::kJson:
        break;  // part of the final object
      case OutputFormat::kText:
        Say("Snapshot store " + cow_.path + ": " + std::to_string(*report_.chunk_size_bytes) +
            "-byte chunks, " + std::to_string(t.exceptions) + " exceptions in " +
            std::to_string(*report_.metadata_areas) + " metadata areas.");
        Say("Plan: " + std::to_string(t.runs) + " runs, " + std::to_string(t.bytes) + " bytes (" +
            MiB(t.bytes) + ") to write to " + origin_.path + ".");
        if (options_.verbosity > 0 && !options_.quiet) WriteRunList(console_.out, *plan_);
        break;
    }
  }

  void NoteBufferedIo(const DeviceFile& file) {
    if (!file.direct && options_.verbosity > 0) {
      console_.err << "lvm-revert: note: " << file.path
                   << " refused O_DIRECT; using buffered I/O with a flush at the end\n";
    }
  }

  // Informational text, only in text format and not with -q.
  void Say(const std::string& line) {
    if (options_.format == OutputFormat::kText && !options_.quiet) console_.out << line << "\n";
  }

  const Options& options_;
  Console& console_;
  Environment& env_;
  safety::SystemView& view_;
  Report report_;
  DeviceFile origin_;
  DeviceFile cow_;
  std::optional<Plan> plan_;
};

}  // namespace

Report RunOfflineRevert(const Options& options, Console& console, Environment& env) {
  return OfflineRevert(options, console, env).Run();
}

}  // namespace lvmrevert::cli
