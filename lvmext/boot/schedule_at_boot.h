// --at-next-boot and --at-every-boot: the revert's own checks, as far as
// they go with the origin in use (it may be the root), then the snapshot is
// tagged so that the initramfs reverts it before the root is mounted.
#pragma once

#include <functional>
#include <memory>

#include "lvmext/cli/environment.h"
#include "lvmext/cli/options.h"
#include "lvmext/cli/report.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/lvm_view.h"
#include "lvmext/revert/lvm_session.h"
#include "lvmext/system/console.h"

namespace lvmrevert::lvmext {

Report RunScheduleAtBoot(const Options& options, Console& console, Environment& env);
// One member of a set scheduled as one (set_revert.h): it also carries the
// set's tag.
std::unique_ptr<LvmSession> MakeScheduleAtBoot(const Options& options, Console& console,
                                               Environment& env);
// The same for a member whose snapshot is thin (thin_revert.h).
std::unique_ptr<LvmSession> MakeThinScheduleAtBoot(const Options& options, Console& console,
                                                   Environment& env);

// Tags `snapshot` (`record` as LVM reports it) with the schedule tag of
// options.action and a set's tag, replacing any other schedule tag; the
// schedule tag set.
StatusOr<std::string> TagForBoot(LvmTools& lvm, const Options& options, const LvRef& snapshot,
                                 const LvRecord& record, VgLocking locking);

// Warns when the initramfs would not run the scheduled revert (or, with
// `needs_thin`, could not activate a thin pool).
void WarnIfImageNotReady(Environment& env, bool needs_thin,
                         const std::function<void(const std::string&)>& warn);

// Scheduling `snapshot` for boot: refused when another snapshot of the same
// origin already is (the boot would revert to both, the last one winning).
Status CheckNoOtherSchedule(const LvmView& view, const LvRef& origin, const LvRef& snapshot);

// Whether a boot may revert in `vg`: this host's (vg_access.h), and not
// shared, since the initramfs runs no lvmlockd to take the VG's locks.
Status CheckVgUsableAtBoot(const VgIdentity& vg, const HostIdentity& host);
// The refusal of a shared VG at boot.
Status RefuseSharedVgAtBoot(const VgIdentity& vg);

}  // namespace lvmrevert::lvmext
