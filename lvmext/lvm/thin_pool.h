// A thin pool's state as the kernel reports it (drivers/md/dm-thin.c,
// pool_status), and whether LVM would create a thin snapshot in it now:
// the thin reset's first step is such a snapshot (docs/thin-design.md), so
// what LVM would refuse is refused before anything is changed.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace lvmrevert::lvmext {

struct ThinPoolStatus {
  bool failed = false;  // "Fail": nothing else is reported
  uint64_t used_metadata_blocks = 0;
  uint64_t total_metadata_blocks = 0;
  uint64_t used_data_blocks = 0;
  uint64_t total_data_blocks = 0;
  bool read_only = false;          // "ro"
  bool out_of_data_space = false;  // "out_of_data_space"
  bool needs_check = false;        // "needs_check"
};

// The target's status line of a thin-pool device (its -tpool device).
StatusOr<ThinPoolStatus> ParseThinPoolStatus(const std::string& params);

// LVM's limits for a new thin volume in the pool (pool_below_threshold in
// lvm2's lib/metadata/thin_manip.c): `threshold_percent` is
// activation/thin_pool_autoextend_threshold; `metadata_bytes` the size of
// the pool's metadata LV; `extra_data_blocks` what members of a set before
// this one will have taken from the same pool.
Status CheckThinPoolTakesASnapshot(const std::string& pool, const ThinPoolStatus& status,
                                   unsigned threshold_percent, uint64_t metadata_bytes,
                                   uint64_t extra_data_blocks = 0);

}  // namespace lvmrevert::lvmext
