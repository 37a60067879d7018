// Pre-flight: the refusals that follow from LVM's and device-mapper's state
// alone, before any device is opened. Pure functions of that state: a view
// and a topology in, a Status out (kRefused with the reason), so each
// refusal is tested without devices.
#pragma once

#include <string>

#include "core/status.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/lvm_topology.h"
#include "lvmext/lvm/lvm_view.h"

namespace lvmrevert::lvmext {

// VG/SNAP alone: the origin LVM records for it, as lvconvert --merge finds it.
StatusOr<LvRef> InferOrigin(const LvmView& view, const LvRef& snapshot);

// The pair named on the command line, from the metadata: both exist in a
// local VG; the snapshot is an old-style snapshot of that origin (not thin);
// the origin is writable (lv_attr permissions 'w') and complete (no missing
// PV: health 'p'); no merge into the origin is pending or running (lv_attr
// 'O'/'S', lv_merging).
Status CheckPairState(const LvmView& view, const LvRef& origin, const LvRef& snapshot);

// --restore VG/LV: the origin alone, by the same rules, and no snapshot
// itself.
Status CheckRestoreState(const LvmView& view, const LvRef& origin);

// Device-mapper's open counts: nothing but the snapshot stack holds the
// devices. -real is opened by the origin and by each snapshot's table, each
// -cow by its snapshot's table; the origin and the snapshot by nobody.
// `restoring`: the snapshot is not read and may be missing.
Status CheckOpenCounts(const SnapshotTopology& topo, const LvRef& origin, const LvRef& snapshot,
                       bool restoring);

// What any origin we write must be: local, writable, complete, not merging.
Status CheckWritableOrigin(const LvmView& view, const LvRecord& origin, const LvRef& ref);

// The refusal of every merge found, in LVM's metadata or in the kernel:
// "a merge of WHAT into ORIGIN is pending or running (lvconvert --merge): ...",
// kRefused with RefusalReason::kMergePending.
Status MergePending(const std::string& what, const LvRef& origin);

}  // namespace lvmrevert::lvmext
