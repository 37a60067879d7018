// Another revert of the same origin, half-done or scheduled: a revert or a
// schedule that would run over it is refused, and the message says how to
// finish or cancel that one first. Pure functions of LVM's view.
#pragma once

#include "core/status.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/lvm_view.h"

namespace lvmrevert::lvmext {

// A revert or restore onto `origin` that marks `marked` (the snapshot it
// reads, or the origin for --restore) started: refused while the origin is
// half-reverted from another source (tag lvm_revert_incomplete on another
// snapshot of it, or on the origin: an interrupted --restore), since a boot
// would complete that one over this. The message gives the command that
// completes it.
Status CheckNoOtherIncomplete(const LvmView& view, const LvRef& origin, const LvRef& marked);

// Scheduling `snapshot` for boot: refused when another snapshot of the same
// origin already is (the boot would revert to both, the last one winning).
Status CheckNoOtherSchedule(const LvmView& view, const LvRef& origin, const LvRef& snapshot);

}  // namespace lvmrevert::lvmext
