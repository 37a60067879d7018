// The one place that decides what a run's outcome is to the outside: its
// exit status, its JSON result and error kind, and the advice printed with
// its error (see man/lvm-revert.8, EXIT STATUS and JSON OUTPUT).
//
//   0  done (--compare: the origin holds the saved data)
//   1  --compare: some saved chunks differ
//   3  bad command line                               error kind "bad-command-line"
//   4  refused: nothing was written to any device     error kind "refused"
//   5  failed while writing: re-running completes it  error kind "failed"
#pragma once

#include <string>
#include <vector>

#include "lvmext/cli/report.h"

namespace lvmrevert::lvmext {

struct Outcome {
  int exit_status = 0;
  std::string result;      // "reverted", "dry-run", ..., "refused", "failed", "bad-command-line"
  std::string error_kind;  // empty when there is no error
  std::string error;       // the one-line message
  std::vector<std::string> advice;  // further lines for stderr
};

// `lost_output` says which requested output could not be written (empty if
// none): that is never a success.
Outcome DecideOutcome(const Report& report, const std::string& lost_output = "");

// A status alone: 0 when ok, 5 once the origin was written to (kIncomplete:
// every write after the first is reported so), else 4.
int ExitStatusFor(const Status& status);

Outcome BadCommandLine(const std::string& message);

// The report as one JSON object (the schema in lvm-revert(8), JSON OUTPUT):
// every key is present for every outcome, null when unknown; strings are
// valid UTF-8 whatever the names held.
std::string ReportJson(const Report& report, const Outcome& outcome);

}  // namespace lvmrevert::lvmext
