// Whether lvm-revert may write an origin in a shared VG (lvmlockd(8)).
// lvmlockd's locks cannot be taken from outside, and on Debian 12's LVM
// (2.03.16) lv_active_exclusively does not ask lvmlockd (it came in
// 2.03.18), so the decision reads lvmlockd's own state: the daemon runs,
// the VG's lockspace is started, and this host holds the origin's LV lock
// ex, which covers every COW snapshot of it (lib/locking/lvmlockd.c).
#pragma once

#include <string>

#include "core/status.h"
#include "lvmext/lvm/lockd_state.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/vg_access.h"

namespace lvmrevert::lvmext {

// OK for a local VG, or when `origin` (whose lv_uuid is `origin_uuid`) is
// held ex here; refused (RefusalReason::kSharedVgNotHeld) with the command
// that fixes it otherwise.
Status CheckOriginHeldHere(const VgIdentity& vg, const LvRef& origin,
                           const std::string& origin_uuid, const LockdState& lockd);

}  // namespace lvmrevert::lvmext
