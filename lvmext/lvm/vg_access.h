// Whether this host may use a VG, by LVM's own rules (lvmsystemid(7),
// lib/metadata/metadata.c): lvm-revert writes below LVM, where the system
// ID protects nothing, so it applies them itself, before anything else, and
// says so in its own words.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace lvmrevert::lvmext {

// What LVM's report says of a VG (vgs/lvs --foreign fields).
struct VgIdentity {
  std::string name;
  std::string system_id;  // vg_systemid: empty when the VG has none
  std::string lock_type;  // vg_lock_type: sanlock, dlm for shared VGs
  std::string attr;       // vg_attr: [2] 'x' exported, [5] 'c' clustered (clvmd)

  // Shared by hosts under lvmlockd (shared_vg.h).
  bool shared() const { return !lock_type.empty(); }
};

// This host as LVM sees it: `lvm systemid` and local/extra_system_ids.
struct HostIdentity {
  std::string system_id;
  std::vector<std::string> extra_system_ids;
};

// Refused (RefusalReason::kNotThisHostsVg), naming owner and host, when the
// VG is another host's, exported, or still flagged clustered; OK otherwise.
// (Shared VGs are decided apart: their system ID is empty by design.)
Status CheckVgBelongsHere(const VgIdentity& vg, const HostIdentity& host);

// "system ID hosta, lock type none; this host's system ID hostb": for -v.
std::string DescribeVgAndHost(const VgIdentity& vg, const HostIdentity& host);

}  // namespace lvmrevert::lvmext
