#include "lvmext/lvm_revert.h"

#include "lvmext/command_line.h"
#include "lvmext/exit_status.h"
#include "lvmext/interrupt.h"
#include "lvmext/lvm_form.h"
#include "lvmext/offline_revert.h"

namespace lvmrevert::cli {

int RunLvmRevert(int argc, const char* const* argv, Console& console, Environment& env) {
  ParsedCommandLine parsed = ParseCommandLine(argc, argv, console.out, console.err);
  if (!parsed.options) return parsed.exit_code;
  InterruptGuard interrupts;
  const Report report = parsed.options->lvm_form() ? RunLvmRevertForm(*parsed.options, console, env)
                                                   : RunOfflineRevert(*parsed.options, console, env);
  const int code = ExitCodeFor(report.status);
  if (!report.status.ok()) {
    console.err << "lvm-revert: " << report.status.message() << "\n";
    if (code == kExitFailedWriting) {
      console.err << "lvm-revert: the origin is partly reverted; running the same command again "
                     "completes the revert\n";
    }
  }
  return code;
}

}  // namespace lvmrevert::cli
