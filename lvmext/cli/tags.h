// The LV tags lvm-revert keeps in LVM's metadata, and what they make of a
// revert. The schedule tags are a documented interface (see lvm-revert(8),
// BOOT), so an admin or a configuration tool can set them with
// `lvchange --addtag TAG VG/SNAP` directly. They go on the snapshot, which
// names its origin.
#pragma once

#include <string_view>

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

// Followed by the set's name, on every member's snapshot of a set scheduled
// for boot: the snapshots that carry one such tag are one unit at boot.
inline constexpr std::string_view kTagSetPrefix = "lvm_revert_set_";
constexpr bool IsSetTag(std::string_view tag) { return tag.starts_with(kTagSetPrefix); }

// On the copy a thin reset makes of the snapshot (lvm-revert(8), THIN
// SNAPSHOTS) until it has taken the snapshot's name: a re-run or the boot
// knows the copy by it and goes on from where a kill stopped.
inline constexpr const char* kTagThinCopy = "lvm_revert_thin_copy";

// The schedule tags: a new schedule replaces them, --cancel removes them.
inline constexpr const char* kScheduleTags[] = {kTagNextBoot, kTagEveryBoot, kTagRefused};
// The two that make a boot revert.
inline constexpr const char* kBootTags[] = {kTagNextBoot, kTagEveryBoot};
// Every tag lvm-revert sets, in the order that decides what a snapshot
// carrying several is listed as.
inline constexpr const char* kAllTags[] = {kTagIncomplete, kTagNextBoot, kTagEveryBoot,
                                           kTagRefused};

// Why a revert is on the boot's list, as --list-scheduled and the JSON
// field "when" name it.
inline constexpr const char* kWhenIncomplete = "incomplete";  // started, not finished
inline constexpr const char* kWhenIncompleteRestore = "incomplete-restore";  // no snapshot
inline constexpr const char* kWhenNextBoot = "next-boot";
inline constexpr const char* kWhenEveryBoot = "every-boot";
inline constexpr const char* kWhenRefused = "refused";
inline constexpr const char* kWhenCommandLine = "command line";  // lvmrevert= at boot

// The "when" of a snapshot tagged `tag` (one of kAllTags).
constexpr const char* WhenOfTag(std::string_view tag) {
  return tag == kTagIncomplete  ? kWhenIncomplete
         : tag == kTagNextBoot  ? kWhenNextBoot
         : tag == kTagEveryBoot ? kWhenEveryBoot
                                : kWhenRefused;
}

}  // namespace lvmrevert::lvmext
