// The offline form: `lvm-revert --cow PATH --origin PATH`. Works on image
// files and block devices and needs neither LVM nor device-mapper.
#pragma once

#include "lvmext/system/console.h"
#include "lvmext/cli/environment.h"
#include "lvmext/cli/options.h"
#include "lvmext/cli/report.h"

namespace lvmrevert::lvmext {

// Runs the whole revert: checks, reads and validates the store, plans,
// prints the plan, asks, copies, flushes. Writes nothing unless every check
// passed and the whole plan is known. The report says what happened.
Report RunOfflineRevert(const Options& options, Console& console, Environment& env);

}  // namespace lvmrevert::lvmext
