#include "lvmext/lvm/vg_access.h"

#include <algorithm>

namespace lvmrevert::lvmext {
namespace {

bool AttrIs(const std::string& attr, size_t index, char letter) {
  return attr.size() > index && attr[index] == letter;
}

std::string OrNone(const std::string& s) { return s.empty() ? "none" : s; }

}  // namespace

Status CheckVgBelongsHere(const VgIdentity& vg, const HostIdentity& host) {
  const auto refuse = [](std::string why) {
    return Status::Refused(std::move(why)).WithReason(RefusalReason::kNotThisHostsVg);
  };
  if (AttrIs(vg.attr, 2, 'x')) {
    return refuse("volume group " + vg.name + " is exported (vgexport): import it first "
                  "(vgimport " + vg.name + ")");
  }
  if (AttrIs(vg.attr, 5, 'c')) {
    return refuse("volume group " + vg.name + " is still marked clustered (clvmd, gone since "
                  "LVM 2.03): convert it first (vgchange --lock-type none " + vg.name +
                  ", or --lock-type sanlock|dlm to share it with lvmlockd)");
  }
  if (vg.system_id.empty() || vg.system_id == host.system_id) return Status::Ok();
  const auto& extra = host.extra_system_ids;
  if (!host.system_id.empty() &&
      std::find(extra.begin(), extra.end(), vg.system_id) != extra.end()) {
    return Status::Ok();
  }
  if (host.system_id.empty()) {
    return refuse(vg.name + " belongs to host \"" + vg.system_id +
                  "\"; this host has no LVM system ID, and so may use only VGs without one");
  }
  return refuse(vg.name + " belongs to host \"" + vg.system_id + "\"; this host is \"" +
                host.system_id + "\" (LVM system ID)");
}

std::string DescribeVgAndHost(const VgIdentity& vg, const HostIdentity& host) {
  return "volume group " + vg.name + ": system ID " + OrNone(vg.system_id) + ", lock type " +
         OrNone(vg.lock_type) + "; this host's system ID " + OrNone(host.system_id);
}

}  // namespace lvmrevert::lvmext
