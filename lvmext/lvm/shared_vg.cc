#include "lvmext/lvm/shared_vg.h"

namespace lvmrevert::lvmext {
namespace {

Status Refuse(std::string why) {
  return Status::Refused(std::move(why)).WithReason(RefusalReason::kSharedVgNotHeld);
}

}  // namespace

Status CheckOriginHeldHere(const VgIdentity& vg, const LvRef& origin,
                           const std::string& origin_uuid, const LockdState& lockd) {
  if (!vg.shared()) return Status::Ok();
  const std::string shared = "volume group " + vg.name + " is shared (lock type " + vg.lock_type +
                             ")";
  if (vg.lock_type != "sanlock" && vg.lock_type != "dlm") {
    return Refuse(shared + ", a lock type lvm-revert does not know (it knows sanlock and dlm)");
  }
  const std::string activate = "lvchange -aey " + origin.full();
  if (!lockd.running) {
    return Refuse(shared + " and lvmlockd is not running here (" + lockd.not_running_reason +
                  "): start lvmlockd, then run vgchange --lockstart " + vg.name + " and " +
                  activate);
  }
  const Lockspace* ls = lockd.Find(vg.name);
  if (ls == nullptr || !ls->started) {
    return Refuse(shared + " and its lockspace is not started on this host: run vgchange "
                  "--lockstart " + vg.name + ", then " + activate);
  }
  const auto lock = ls->lv_lock_modes.find(origin_uuid);
  const std::string mode = lock == ls->lv_lock_modes.end() ? "un" : lock->second;
  if (mode == "ex") return Status::Ok();
  if (mode == "sh") {
    return Refuse(origin.full() + " is active shared (lvmlockd holds its lock sh, so other "
                  "hosts may have it active too): lvm-revert writes only an origin active "
                  "exclusively on this host (" + activate + ", once no other host has it "
                  "active)");
  }
  return Refuse(origin.full() + " is not active on this host under lvmlockd (shared volume "
                "group " + vg.name + "): activate it exclusively first (" + activate + ")");
}

}  // namespace lvmrevert::lvmext
