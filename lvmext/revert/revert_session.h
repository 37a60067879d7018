// What both forms of the command share: reading and planning a store,
// printing the plan, asking, copying, and turning the outcome into a report.
// The forms differ in how they find and guard the devices (Prepare) and what
// they do around the copy (Execute).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/copier.h"
#include "core/device_file.h"
#include "core/plan.h"
#include "core/store_reader.h"
#include "core/verify.h"
#include "lvmext/revert/backup_file.h"
#include "lvmext/revert/progress.h"
#include "lvmext/system/console.h"
#include "lvmext/cli/environment.h"
#include "lvmext/cli/options.h"
#include "lvmext/cli/report.h"

namespace lvmrevert::lvmext {

class RevertSession {
 public:
  RevertSession(const Options& options, Console& console, Environment& env);
  virtual ~RevertSession() = default;

  // Prepare, then Execute; the report says what happened. With --format json
  // the report is printed as one object.
  Report Run();

  // Run in steps, for a set (set_revert.h), whose members are all prepared
  // before any is executed: Start (the engine, then Prepare), Continue
  // (Execute), and Finish, which always runs, with what the steps returned.
  Status Start();
  Status Continue();
  Report Finish(Status status);
  // What is known so far (the plan's totals once started).
  const Report& report() const { return report_; }
  // A set's one progress line, used instead of the member's own.
  void ShareProgress(ProgressMeter* meter) { shared_progress_ = meter; }

 protected:
  // Everything up to a validated plan. Writes nothing.
  virtual Status Prepare() = 0;
  // The dry-run end, or confirmation and the copy.
  virtual Status Execute() = 0;
  // Runs last, whatever happened before; returns the run's final status.
  virtual Status Cleanup(Status status) { return status; }
  // Right before the first write to the origin (after a --backup is
  // complete); a refusal here leaves the origin untouched.
  virtual Status BeforeFirstOriginWrite() { return Status::Ok(); }

  // Reads and validates the store on `cow`, whose origin is origin_bytes long.
  StatusOr<ExceptionStore> ReadStore(const DeviceFile& cow, uint64_t origin_bytes);
  // ReadStore, then the plan, kept in plan_ and summarised in the report.
  Status LoadPlan(const DeviceFile& cow, uint64_t origin_bytes);
  // The plan in the chosen format (JSON waits for the final report).
  void PrintPlan(const std::string& store_label, const std::string& origin_label);
  // --backup, before anything else is checked: FILE must be new and off
  // `protected_devices` (the origin, the snapshot and what is stacked on
  // them).
  Status CheckBackupTarget(const std::vector<dev_t>& protected_devices);
  // --backup, once the plan is known: FILE's filesystem must have the room;
  // then (unless a dry run) it is created with an unfinished header and the
  // room reserved. Writes nothing else.
  Status PrepareBackup();
  // --compare: the plan's chunks on the store against the origin.
  Status CompareWithOrigin(const DeviceFile& cow, const DeviceFile& origin);
  // A comparison's result, in the report and said.
  void SayCompared(const CompareResult& c);
  // "Reverted ORIGIN: wrote ..." and the result.
  void SayReverted(const std::string& origin_label);
  // An empty plan: says so; the run needs no prompt and writes nothing.
  bool NothingToRevert(const std::string& origin_label);
  // -y, or a yes at the prompt; there is nothing to confirm for an empty plan.
  Status ConfirmRevert(const std::string& origin_label, const std::string& snapshot_label);
  // Copies plan_ from the store to the origin, with progress; stops when a
  // signal arrives. Refuses first if the plan could not be printed.
  Status CopyPlanToOrigin(const DeviceFile& cow, const DeviceFile& origin);

  // Whether the copy to the origin began (writes may have reached it).
  bool copy_started() const { return copy_started_; }

  // Informational text: stdout, text format only, not with -q.
  void Say(const std::string& line);
  // Only with -v, on stderr.
  void Note(const std::string& line);
  // Always, on stderr, and in the JSON report.
  void Warn(const std::string& line);
  // The files about to be read and written: their paths and O_DIRECT for
  // the report, and under -v their device numbers.
  void NoteOpened(const DeviceFile& origin, const DeviceFile& store);
  // The engine, recorded in the report as the one that moved data (when the
  // plan has any).
  IoEngine& DataEngine();

  const Options& options_;
  Console& console_;
  Environment& env_;
  Report report_;
  std::optional<Plan> plan_;
  std::unique_ptr<IoEngine> engine_;

 private:
  // `step` (Prepare or Execute), with any exception turned into a status:
  // the stack unwinds (suspended devices are resumed by their owners) and
  // the exit code still tells whether anything was written.
  Status Guarded(Status (RevertSession::*step)());

  // Writes the backup (PrepareBackup made the file) before anything else.
  Status WriteBackupFirst(const DeviceFile& origin);
  // --verify, after the copy and its flush.
  Status VerifyCopy(const DeviceFile& cow, const DeviceFile& origin, const WriteLog& log);

  CopyStats copy_stats_;
  bool copy_started_ = false;
  std::optional<BackupFile> backup_file_;  // --backup, until the run ends
  ProgressMeter* shared_progress_ = nullptr;
  std::chrono::steady_clock::time_point start_time_ = std::chrono::steady_clock::now();
};

}  // namespace lvmrevert::lvmext
