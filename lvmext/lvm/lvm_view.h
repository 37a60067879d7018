// LVM's own view of a VG, from `lvs --readonly --reportformat json`, which
// reads metadata without taking locks (we hold the VG lock ourselves, so a
// locking lvs would wait for us). Used to refuse what the metadata says
// (thin snapshots, pending merges, a pair that does not match) and to learn
// the UUIDs that name the device-mapper devices. --readonly does not ask the
// kernel: activity and validity ("unknown" here) come from device-mapper.
#pragma once

#include <cstdint>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/vg_access.h"

namespace lvmrevert::lvmext {

// The lvs fields we ask for, in the order given to -o.
inline constexpr const char* kLvsFields =
    "vg_name,vg_uuid,vg_lock_type,vg_systemid,vg_attr,vg_seqno,lv_name,lv_uuid,lv_attr,origin,segtype,"
    "lv_merging,chunk_size,lv_size,lv_tags,pool_lv,lv_metadata_size,thin_id";

struct LvRecord {
  std::string vg_name;
  std::string vg_uuid;
  std::string vg_lock_type;  // non-empty for shared (lvmlockd) VGs
  std::string vg_systemid;   // the owner's LVM system ID, empty when none
  std::string vg_attr;       // [2] 'x' exported, [5] 'c' clustered
  uint64_t vg_seqno = 0;     // bumped by every commit of the VG's metadata
  std::string name;
  std::string uuid;
  std::string attr;     // lv_attr, e.g. "swi-XXs---" (X: --readonly cannot tell)
  std::string origin;   // for snapshots: the origin LV's name
  std::string segtype;  // of the LV's own segment: "linear" for a snapshot's COW LV, "thin", ...
  bool merging = false;
  uint64_t chunk_size_bytes = 0;
  uint64_t size_bytes = 0;
  std::vector<std::string> tags;  // lv_tags, split at commas
  std::string pool;               // a thin LV's thin pool
  uint64_t metadata_size_bytes = 0;  // a thin pool's metadata LV
  uint64_t thin_id = 0;              // a thin LV's device id in its pool


  bool has_tag(const std::string& tag) const;

  // lv_attr[0]: 's' snapshot, 'S' merging snapshot, 'o' origin, 'O' merging
  // origin, 'V' thin volume.
  char volume_type() const { return attr.empty() ? '-' : attr[0]; }
  bool is_old_style_snapshot() const { return volume_type() == 's' || volume_type() == 'S'; }
  bool is_thin() const { return segtype == "thin"; }
  bool is_thin_snapshot() const { return is_thin() && !origin.empty(); }
  // lv_attr[1] 'r'/'R': read-only; lv_attr[9] 'k': skipped at activation.
  bool read_only() const { return attr.size() > 1 && (attr[1] == 'r' || attr[1] == 'R'); }
  bool activation_skip() const { return attr.size() > 9 && attr[9] == 'k'; }
  // Its VG, as vg_access.h decides on it.
  VgIdentity vg() const { return {vg_name, vg_systemid, vg_lock_type, vg_attr}; }
};

class LvmView {
 public:
  // Parses the JSON lvs prints for kLvsFields with --units b --nosuffix.
  static StatusOr<LvmView> Parse(const std::string& lvs_json);

  const LvRecord* Find(const std::string& lv_name) const;
  // Old-style snapshots whose origin is `origin_name`.
  std::vector<const LvRecord*> SnapshotsOf(const std::string& origin_name) const;
  // Thin snapshots whose origin is `origin_name`.
  std::vector<const LvRecord*> ThinSnapshotsOf(const std::string& origin_name) const;
  const std::vector<LvRecord>& lvs() const { return lvs_; }

 private:
  std::vector<LvRecord> lvs_;
};

// One lvs report of several VGs as one report per VG, each in lvs's own
// shape (what Parse reads), the LVs in the order lvs gave them.
StatusOr<std::map<std::string, std::string>> ReportsByVg(const std::string& lvs_json);

}  // namespace lvmrevert::lvmext
