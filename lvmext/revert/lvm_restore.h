// --restore FILE VG/LV: puts back onto the origin what a --backup file
// saved, through the origin device (and so through its snapshots, which
// save what it overwrites, as for any write).
#pragma once

#include "lvmext/cli/environment.h"
#include "lvmext/cli/options.h"
#include "lvmext/cli/report.h"
#include "lvmext/system/console.h"

namespace lvmrevert::lvmext {

Report RunLvmRestore(const Options& options, Console& console, Environment& env);

}  // namespace lvmrevert::lvmext
