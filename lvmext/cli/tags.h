// The LV tags that schedule reverts at boot: a documented interface (see
// lvm-revert(8), BOOT), so an admin or a configuration tool can set them with
// `lvchange --addtag TAG VG/SNAP` directly. They go on the snapshot, which
// names its origin.
#pragma once

namespace lvmrevert::lvmext {

inline constexpr const char* kTagNextBoot = "lvm_revert_next_boot";    // once, then removed
inline constexpr const char* kTagEveryBoot = "lvm_revert_every_boot";  // at every boot
// Set at boot in place of either when the revert was refused, so a refusal
// does not repeat at every boot.
inline constexpr const char* kTagRefused = "lvm_revert_refused";
// Set (and committed) before the first write to the origin, dropped after the
// flush: an origin whose snapshot carries it is half-reverted, and every boot
// completes that revert before the origin is mounted, or stops. On the origin
// itself it marks an interrupted --restore.
inline constexpr const char* kTagIncomplete = "lvm_revert_incomplete";

}  // namespace lvmrevert::lvmext
