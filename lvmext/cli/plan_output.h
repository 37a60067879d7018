// The three ways to print a plan.
#pragma once

#include <ostream>
#include <string>

#include "core/plan.h"

namespace lvmrevert::lvmext {

// A shell script of one `dd` line per run, in the form of the 2008
// list_exception_chunks script, made safe to run: `set -eu` and a check that
// $origin and $cow are set, both quoted, conv=notrunc (an image file is not
// truncated), status=none, and one `sync` at the end. Run with $origin and
// $cow set, it does what the revert does.
void WriteDdScript(std::ostream& out, const Plan& plan);

// A human-readable list, one run per line.
void WriteRunList(std::ostream& out, const Plan& plan);

// "12.45 MiB"
std::string MiB(uint64_t bytes);

// How full a store is, as lvs's Snap% shows it: hundredths of a percent of
// `total` that `used` takes, rounded down (0 for an empty total).
uint64_t UsedHundredthsOfPercent(uint64_t used, uint64_t total);
// The same as text: "12.50".
std::string UsedPercent(uint64_t used, uint64_t total);

}  // namespace lvmrevert::lvmext
