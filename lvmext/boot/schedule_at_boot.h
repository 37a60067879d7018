// --at-next-boot and --at-every-boot: the revert's own checks, as far as
// they go with the origin in use (it may be the root), then the snapshot is
// tagged so that the initramfs reverts it before the root is mounted.
#pragma once

#include "lvmext/cli/environment.h"
#include "lvmext/cli/options.h"
#include "lvmext/cli/report.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/lvm_view.h"
#include "lvmext/system/console.h"

namespace lvmrevert::lvmext {

Report RunScheduleAtBoot(const Options& options, Console& console, Environment& env);

// Scheduling `snapshot` for boot: refused when another snapshot of the same
// origin already is (the boot would revert to both, the last one winning).
Status CheckNoOtherSchedule(const LvmView& view, const LvRef& origin, const LvRef& snapshot);

}  // namespace lvmrevert::lvmext
