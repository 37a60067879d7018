// Reverts scheduled for boot, by LV tag (see boot_tags.h): cancelling one
// and listing them. Scheduling itself is the LVM form's --at-next-boot and
// --at-every-boot (lvm_form.cc), which make the revert's checks first.
#pragma once

#include <string>
#include <vector>

#include "lvmext/console.h"
#include "lvmext/environment.h"
#include "lvmext/lv_name.h"
#include "lvmext/options.h"
#include "lvmext/report.h"

namespace lvmrevert::cli {

// Every snapshot in every VG that carries a schedule tag (next-boot first
// when one carries both).
StatusOr<std::vector<ScheduledRevert>> ListScheduled(LvmTools& lvm);

// --cancel VG/LV VG/SNAP: removes the schedule tags from the snapshot.
Report RunCancel(const Options& options, Console& console, Environment& env);

// --list-scheduled [--json].
Report RunListScheduled(const Options& options, Console& console, Environment& env);

}  // namespace lvmrevert::cli
