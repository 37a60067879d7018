// The LVM form: `lvm-revert VG/LV VG/SNAP` on active LVM volumes, and
// `--restore FILE VG/LV`.
#pragma once

#include <memory>

#include "lvmext/cli/environment.h"
#include "lvmext/revert/lvm_session.h"
#include "lvmext/cli/options.h"
#include "lvmext/cli/report.h"
#include "lvmext/system/console.h"

namespace lvmrevert::lvmext {

// Takes LVM's VG lock, checks LVM's view and the device-mapper devices,
// refuses anything mounted, open, held, merging, invalid or that would
// overflow a sibling snapshot, then copies the snapshot's saved chunks
// through the origin device with the snapshot device suspended. The
// snapshot stays valid and can be reverted to again. With --restore, a
// backup file's chunks instead (lvm_restore.h).
Report RunLvmRevertForm(const Options& options, Console& console, Environment& env);

// The revert of one member of a set (set_revert.h).
std::unique_ptr<LvmSession> MakeLvmRevert(const Options& options, Console& console,
                                          Environment& env);

}  // namespace lvmrevert::lvmext
