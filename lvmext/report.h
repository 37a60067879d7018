// What a run did, for the text, JSON and exit-code outputs alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/plan.h"
#include "core/status.h"
#include "core/verify.h"

namespace lvmrevert::cli {

enum class Result {
  kReverted, kDryRun, kRefused, kFailed, kScheduled, kCancelled, kListed, kCompared
};

const char* ResultName(Result result);

// Another snapshot of the same origin, and what the revert costs it.
struct SiblingReport {
  std::string name;  // VG/LV
  uint64_t chunk_size_bytes = 0;
  uint64_t new_chunks = 0;
  uint64_t free_chunks = 0;
  bool would_overflow = false;
};

struct Report {
  Result result = Result::kRefused;
  Status status;  // why, when not ok
  std::string mode = "offline";  // or "lvm"
  std::string origin;
  std::string snapshot;
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
  std::string scheduled;  // "next-boot" or "every-boot" for --at-*-boot
  std::string backup;           // --backup: the file, once it is complete
  std::string backup_snapshot;  // --backup-snapshot: VG/NAME, once created
  std::optional<uint64_t> verified_bytes;  // --verify
  std::optional<CompareResult> compare;    // --compare
  double elapsed_seconds = 0;
};

// One JSON object; with a plan, its runs are listed under "plan".
std::string ReportJson(const Report& report, const Plan* plan);

}  // namespace lvmrevert::cli
