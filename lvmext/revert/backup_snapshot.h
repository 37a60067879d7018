// --backup-snapshot NAME: before reverting, an old-style snapshot VG/NAME of
// the origin, sized for exactly what the revert will write (its chunks, the
// metadata areas, and a margin). As the revert writes through the origin,
// the kernel saves the old data into it; undo is `lvm-revert VG/LV VG/NAME`.
#pragma once

#include <cstdint>

#include "lvmext/system/console.h"
#include "lvmext/cli/environment.h"
#include "lvmext/cli/options.h"
#include "lvmext/cli/report.h"

namespace lvmrevert::lvmext {

// Bytes for a snapshot that must save `chunks` chunks of `chunk_size_bytes`:
// the header, the areas (and the zeroed one the kernel keeps ahead), the
// data, plus 10% of the data (at least one chunk), rounded up to
// `extent_bytes`.
uint64_t BackupSnapshotBytes(uint64_t chunks, uint64_t chunk_size_bytes, uint64_t extent_bytes);

Report RunWithBackupSnapshot(const Options& options, Console& console, Environment& env);

}  // namespace lvmrevert::lvmext
