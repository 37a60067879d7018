#include "lvmext/lvm_revert.h"

#include <cstring>
#include <string>

#include "core/quoting.h"
#include "lvmext/backup_snapshot.h"
#include "lvmext/boot_run.h"
#include "lvmext/command_line.h"
#include "lvmext/exit_status.h"
#include "lvmext/interrupt.h"
#include "lvmext/lvm_form.h"
#include "lvmext/offline_revert.h"
#include "lvmext/schedule.h"

namespace lvmrevert::cli {
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

}  // namespace

int RunLvmRevert(int argc, const char* const* argv, Console& console, Environment& env) {
  ParsedCommandLine parsed = ParseCommandLine(argc, argv, console.out, console.err);
  if (!parsed.options) {
    // --help or --version that nobody could read did not succeed either.
    if (parsed.exit_code == kExitDone && !LostOutput(console).empty()) return kExitRefused;
    return parsed.exit_code;
  }
  InterruptGuard interrupts;
  const Options& options = *parsed.options;
  const Report report = options.action == Action::kBoot            ? RunBoot(options, console, env)
                        : options.action == Action::kListScheduled ? RunListScheduled(options, console, env)
                        : options.action == Action::kCancel        ? RunCancel(options, console, env)
                        : !options.backup_snapshot.empty() && !options.backup_snapshot_created
                            ? RunWithBackupSnapshot(options, console, env)
                        : options.lvm_form() ? RunLvmRevertForm(options, console, env)
                                             : RunOfflineRevert(options, console, env);
  int code = ExitCodeFor(report.status);
  if (code == kExitDone && report.compare && report.compare->differing_chunks > 0) {
    code = kExitDiffers;
  }
  if (!report.status.ok()) {
    PrintError(console, report.status.message());
    if (code == kExitFailedWriting) {
      PrintError(console,
                 "the origin is partly reverted; once the cause is fixed, running the same "
                 "command again completes the revert");
    }
  }
  // Output that was asked for and lost is a failure, never a success: 4
  // when no device was written (a dry run, a refusal), 5 after writing.
  const std::string lost = LostOutput(console);
  if (!lost.empty() && code == kExitDone) {
    code = report.device_written ? kExitFailedWriting : kExitRefused;
    PrintError(console, "the output could not be written (" + lost + ")" +
                            (report.device_written
                                 ? "; the revert itself ran to the end: running the same "
                                   "command again repeats it and its report"
                                 : "; nothing was written to any device"));
  }
  return code;
}

}  // namespace lvmrevert::cli
