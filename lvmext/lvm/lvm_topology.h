// The device-mapper devices behind an origin LV and its old-style snapshot,
// found and cross-checked: names (hyphens doubled), LVM UUIDs, and the
// tables that tie them together.
//
//   vg-lv        snapshot-origin <vg-lv-real>           (writes go here)
//   vg-lv-real   the origin's data
//   vg-snap      snapshot <vg-lv-real> <vg-snap-cow> P <chunk>
//   vg-snap-cow  the exception store
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "lvmext/lvm/device_mapper.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/lvm_view.h"

namespace lvmrevert::lvmext {

struct DmNode {
  std::string name;
  dev_t dev = 0;
  int32_t open_count = 0;
  bool suspended = false;
};

struct SiblingSnapshot {
  LvRef lv;
  DmNode snapshot;
  dev_t cow_dev = 0;
  std::string cow_name;
  uint32_t chunk_size_sectors = 0;
  uint64_t length_bytes = 0;  // of its snapshot table: the kernel saves nothing past it
};

struct SnapshotTopology {
  DmNode origin;    // vg-lv
  DmNode real;      // vg-lv-real
  DmNode snapshot;  // vg-snap
  DmNode cow;       // vg-snap-cow
  uint32_t chunk_size_sectors = 0;   // from the snapshot table
  uint64_t snapshot_length_bytes = 0;
  std::vector<SiblingSnapshot> siblings;
};

// Finds and checks the devices of `origin` and `snapshot` (both in LVM's
// view). kRefused with the reason when anything does not match: a merge in
// progress, a snapshot of another origin, an invalid or overflowed snapshot,
// a device that is not the LV it is named after.
StatusOr<SnapshotTopology> ResolveTopology(DeviceMapper& dm, const LvmView& view,
                                           const LvRecord& origin, const LvRecord& snapshot);

// The devices of `origin` alone, for --restore: its snapshot-origin, -real
// and every snapshot (all siblings), or, without snapshots, just the LV
// (real and snapshot then stay empty).
StatusOr<SnapshotTopology> ResolveOriginTopology(DeviceMapper& dm, const LvmView& view,
                                                 const LvRecord& origin);

}  // namespace lvmrevert::lvmext
