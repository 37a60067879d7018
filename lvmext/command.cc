#include "lvmext/command.h"

#include <chrono>
#include <cstring>
#include <string>

#include "core/phase_clock.h"
#include "core/quoting.h"
#include "lvmext/revert/backup_snapshot.h"
#include "lvmext/boot/boot_run.h"
#include "lvmext/cli/command_line.h"
#include "lvmext/cli/exit_status.h"
#include "lvmext/system/interrupt.h"
#include "lvmext/revert/lvm_revert.h"
#include "lvmext/revert/offline_revert.h"
#include "lvmext/revert/set_revert.h"
#include "lvmext/revert/thin_revert.h"
#include "lvmext/cli/outcome.h"
#include "lvmext/boot/schedule.h"
#include "lvmext/boot/schedule_at_boot.h"

namespace lvmrevert::lvmext {
namespace {

// One message line; names in it are quoted where they are built, and any
// control character that got through anyway is escaped here.
void PrintError(Console& console, const std::string& message) {
  console.err << "lvm-revert: " << EscapeControlCharacters(message) << "\n";
}

std::string StreamError(const char* name, const std::function<int()>& error) {
  const int err = error ? error() : 0;
  return std::string(name) + (err != 0 ? std::string(": ") + std::strerror(err) : "");
}

// Empty when everything asked for reached stdout and stderr; else which
// stream failed and why.
std::string LostOutput(Console& console) {
  console.out.flush();
  console.err.flush();
  std::string lost;
  if (!console.out) lost = StreamError("standard output", console.out_error);
  if (!console.err) {
    lost += (lost.empty() ? "" : ", ") + StreamError("standard error", console.err_error);
  }
  return lost;
}

// A set, as one whatever is done with it (set_revert.h).
Report DispatchSet(const Options& options, Console& console, Environment& env) {
  switch (options.action) {
    case Action::kCancel: return RunSetCancel(options, console, env);
    case Action::kScheduleNextBoot:
    case Action::kScheduleEveryBoot:
      return RunSet(options, console, env, {MakeScheduleAtBoot, MakeThinScheduleAtBoot});
    default: return RunSet(options, console, env, {MakeLvmRevert, MakeThinRevert});
  }
}

Report DispatchOne(const Options& options, Console& console, Environment& env) {
  switch (options.action) {
    case Action::kBoot: return RunBoot(options, console, env);
    case Action::kListScheduled: return RunListScheduled(options, console, env);
    case Action::kCancel: return RunCancel(options, console, env);
    case Action::kScheduleNextBoot:
    case Action::kScheduleEveryBoot: return RunScheduleAtBoot(options, console, env);
    case Action::kRevert: break;
  }
  if (!options.backup_snapshot.empty() && !options.backup_snapshot_created) {
    return RunWithBackupSnapshot(options, console, env);
  }
  return options.lvm_form() ? RunLvmRevertForm(options, console, env)
                            : RunOfflineRevert(options, console, env);
}

// Two names in one VG are a pair unless LVM's view says they are two
// snapshots (the run of the pair says so, before anything is written).
Report Dispatch(const Options& options, Console& console, Environment& env) {
  if (options.set && !options.pair_or_set()) return DispatchSet(options, console, env);
  Report report = DispatchOne(options, console, env);
  if (report.status.reason() != RefusalReason::kNamesASet) return report;
  Options set = options;
  set.origin_lv.reset();
  set.snapshot_lv.reset();
  return DispatchSet(set, console, env);
}

}  // namespace

int RunLvmRevert(int argc, const char* const* argv, Console& console, Environment& env) {
  const bool json = AsksForJson(argc, argv);
  ParsedCommandLine parsed = ParseCommandLine(argc, argv, console.out, console.err);
  if (!parsed.options) {
    if (parsed.exit_code == kExitBadCommandLine) {
      const Outcome outcome = BadCommandLine(parsed.error);
      PrintError(console, parsed.error);
      if (json) console.out << ReportJson(Report{}, outcome) << "\n";
      return outcome.exit_status;
    }
    // --help or --version that nobody could read did not succeed either.
    if (!LostOutput(console).empty()) return kExitRefused;
    return parsed.exit_code;
  }
  const Options& options = *parsed.options;
  Report report;
  if (options.lvm_form() || options.action == Action::kBoot ||
      options.action == Action::kListScheduled) {
    if (env.is_root && !env.is_root()) {
      report.mode = "lvm";
      report.status = Status::Refused(
          "must be run as root: the LVM form takes LVM's lock and works on device-mapper "
          "devices (the offline form, --cow/--origin, works on image files as any user)");
    }
  }
  if (report.status.ok()) {
    InterruptGuard interrupts;
    const auto started = std::chrono::steady_clock::now();
    ProcessPhaseClock() = PhaseClock();  // this run's time only (tests run many)
    report = Dispatch(options, console, env);
    if (options.verbosity > 0) {
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
      console.err << "lvm-revert: note: time: " << DescribePhases(ProcessPhaseClock(), took.count())
                  << "\n";
    }
  }
  Outcome outcome = DecideOutcome(report);
  if (!outcome.error.empty()) PrintError(console, outcome.error);
  for (const std::string& line : outcome.advice) PrintError(console, line);
  if (options.format == OutputFormat::kJson) {
    // The object tells the exit status: a lost stderr is known before it.
    const std::string lost_so_far = LostOutput(console);
    const Outcome told = lost_so_far.empty() ? outcome : DecideOutcome(report, lost_so_far);
    console.out << ReportJson(report, told) << "\n";
  }
  const std::string lost = LostOutput(console);
  if (!lost.empty()) {
    const Outcome lost_outcome = DecideOutcome(report, lost);
    if (lost_outcome.exit_status != outcome.exit_status) PrintError(console, lost_outcome.error);
    return lost_outcome.exit_status;
  }
  return outcome.exit_status;
}

}  // namespace lvmrevert::lvmext
