// What a run did, for the text, JSON and exit-code outputs alike.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/plan.h"
#include "core/status.h"
#include "core/verify.h"
#include "lvmext/cli/tags.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/vg_access.h"

namespace lvmrevert::lvmext {

// What a run that succeeded did; a failure's result comes from its status
// (see outcome.h).
enum class Result { kReverted, kDryRun, kScheduled, kCancelled, kListed, kCompared };

const char* ResultName(Result result);

// A revert scheduled for boot (an LV tag on the snapshot).
struct ScheduledRevert {
  LvRef origin;
  LvRef snapshot;
  // One of the kWhen* names of tags.h.
  std::string when;
  // The origin's VG as LVM reported it (empty from the kernel command line).
  VgIdentity vg;
  // The set it belongs to (tags.h: the name after kTagSetPrefix; "@TAG" for
  // lvmrevert=@TAG); empty for a revert of its own.
  std::string set;

  // Started and not finished: completed at boot whatever else holds.
  bool incomplete() const { return when == kWhenIncomplete || when == kWhenIncompleteRestore; }
  // Scheduled by a tag, not refused and not under way.
  bool scheduled_by_tag() const { return when == kWhenNextBoot || when == kWhenEveryBoot; }
};

// Another snapshot of the same origin, and what the revert costs it.
struct SiblingReport {
  std::string name;  // VG/LV
  uint64_t chunk_size_bytes = 0;
  uint64_t new_chunks = 0;
  uint64_t free_chunks = 0;
  bool would_overflow = false;
};

// What a member's snapshot is, as the JSON key "kind" names it.
inline constexpr const char* kKindOldStyle = "old-style";  // copied back from its -cow store
inline constexpr const char* kKindThin = "thin";           // reset by LVM's merge (thin_revert.h)

struct Report {
  Result result = Result::kReverted;
  Status status;  // why, when not ok
  std::string mode = "offline";  // "lvm", "boot"
  std::string origin;
  std::string snapshot;  // VG/SNAP (the LVM form)
  std::string kind = kKindOldStyle;  // of the snapshot: kKindOldStyle or kKindThin
  std::string store;     // the exception store read: a -cow device, an image, a backup
  // How full the store is: chunks in use (header, areas, data) and in all.
  std::optional<uint64_t> used_chunks;
  std::optional<uint64_t> total_chunks;
  std::optional<uint64_t> chunk_size_bytes;
  std::optional<uint64_t> metadata_areas;
  std::optional<PlanTotals> totals;
  std::vector<SiblingReport> siblings;
  std::vector<std::string> warnings;
  uint64_t bytes_written = 0;
  bool device_written = false;  // any write to the origin was issued
  std::string io_engine;
  std::optional<bool> direct_io;
  bool snapshot_removed = false;
  std::string scheduled;  // kWhenNextBoot or kWhenEveryBoot for --at-*-boot
  std::string backup;           // --backup: the file, once it is complete
  std::string backup_snapshot;  // --backup-snapshot: VG/NAME, once created
  std::optional<uint64_t> verified_bytes;  // --verify
  std::optional<CompareResult> compare;    // --compare
  std::optional<std::vector<ScheduledRevert>> scheduled_reverts;  // --list-scheduled
  std::shared_ptr<const Plan> plan;  // a dry run's, for its JSON
  double elapsed_seconds = 0;
  // A set: one report per member, in the order they are written; empty for
  // one pair, whose report is its only member's.
  std::vector<Report> members;
  bool started = true;  // false: a member of a set that stopped before it
};

}  // namespace lvmrevert::lvmext
