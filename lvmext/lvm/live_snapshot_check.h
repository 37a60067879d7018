// The offline form writes with none of the LVM form's guards: no VG lock, no
// suspended snapshot, no sibling accounting. On the devices of an active
// snapshot that means writing under a live snapshot target, so it refuses
// them and names the LVM form instead.
#pragma once

#include "core/device_file.h"
#include "core/status.h"
#include "lvmext/lvm/device_mapper.h"
#include "safety/system_view.h"

namespace lvmrevert::lvmext {

// kRefused when the origin is a device-mapper snapshot-origin device or the
// data device under one (an LVM -real), or when the store is held by an
// active snapshot target (an LVM -cow). `dm` may be null only when neither
// is a device-mapper device.
Status CheckNotLiveSnapshotDevices(safety::SystemView& view, DeviceMapper* dm,
                                   const FileIdentity& origin, const FileIdentity& store);

}  // namespace lvmrevert::lvmext
