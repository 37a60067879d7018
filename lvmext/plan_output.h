// The three ways to print a plan.
#pragma once

#include <ostream>
#include <string>

#include "core/plan.h"

namespace lvmrevert::cli {

// One `dd` line per run in the form of the 2008 list_exception_chunks script,
// plus conv=notrunc so replaying it onto an image file does not truncate it.
// Replayed by a shell with $origin and $cow set, it does what the revert does.
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

}  // namespace lvmrevert::cli
