// Parsing the snapshot targets' table and status lines (dm-snap.c,
// Documentation/admin-guide/device-mapper/snapshot.rst).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "core/status.h"

namespace lvmrevert::lvmext {

// "snapshot <origin> <cow> P|PO|N <chunk_sectors> [features]", or the same for
// "snapshot-merge". Devices are "major:minor".
struct SnapshotTable {
  dev_t origin_dev = 0;  // the -real device
  dev_t cow_dev = 0;
  bool persistent = false;
  uint32_t chunk_size_sectors = 0;
};
StatusOr<SnapshotTable> ParseSnapshotParams(const std::string& params);

// "snapshot-origin <origin>": the -real device.
StatusOr<dev_t> ParseOriginParams(const std::string& params);

// "major:minor".
StatusOr<dev_t> ParseDevice(const std::string& text);

struct SnapshotStatus {
  bool invalid = false;
  bool overflow = false;
  bool merge_failed = false;
  uint64_t used_sectors = 0;
  uint64_t total_sectors = 0;
  bool has_metadata_sectors = false;  // false for the old "<used>/<total>" form
  uint64_t metadata_sectors = 0;
};
// "Invalid", "Overflow", "Merge failed", "Unknown", or "<used>/<total> <metadata>"
// (dm_get_status_snapshot in libdm). "Unknown" (a store that cannot say) is
// an error.
StatusOr<SnapshotStatus> ParseSnapshotStatus(const std::string& params);

}  // namespace lvmrevert::lvmext
