#include "lvmext/cli/outcome.h"

#include <nlohmann/json.hpp>

#include "lvmext/cli/exit_status.h"
#include "lvmext/cli/plan_output.h"

namespace lvmrevert::lvmext {
namespace {

// Keys in the order of the man page, JSON OUTPUT.
using json = nlohmann::ordered_json;

json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
template <typename T>
json OrNull(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

int ExitStatusFor(const Status& status) {
  if (status.reason() == RefusalReason::kBadCommandLine) return kExitBadCommandLine;
  switch (status.code()) {
    case StatusCode::kOk: return kExitDone;
    case StatusCode::kIncomplete: return kExitFailedWriting;
    default: return kExitRefused;
  }
}

Outcome DecideOutcome(const Report& report, const std::string& lost_output) {
  if (report.status.reason() == RefusalReason::kBadCommandLine) {
    return BadCommandLine(report.status.message());
  }
  Outcome o;
  o.exit_status = ExitStatusFor(report.status);
  if (o.exit_status == kExitDone) {
    o.result = ResultName(report.result);
    if (report.compare && report.compare->differing_chunks > 0) o.exit_status = kExitDiffers;
  } else {
    o.error = report.status.message();
    if (o.exit_status == kExitFailedWriting) {
      o.result = o.error_kind = "failed";
      // A thin reset changes the origin at once, in LVM's merge: its
      // message says which side of the merge it stopped on.
      if (report.kind != kKindThin) {
        o.advice.push_back("the origin is partly reverted; once the cause is fixed, running the "
                           "same command again completes the revert");
      }
    } else {
      o.result = o.error_kind = "refused";
    }
  }
  // Output that was asked for and lost is a failure, never a success: 4
  // when no device was written (a dry run, a refusal), 5 after writing.
  if (!lost_output.empty() && (o.exit_status == kExitDone || o.exit_status == kExitDiffers)) {
    o.exit_status = report.device_written ? kExitFailedWriting : kExitRefused;
    o.result = o.error_kind = report.device_written ? "failed" : "refused";
    o.error = "the output could not be written (" + lost_output + ")" +
              (report.device_written ? "; the revert itself ran to the end: running the same "
                                       "command again repeats it and its report"
                                     : "; nothing was written to any device");
  }
  return o;
}

Outcome BadCommandLine(const std::string& message) {
  Outcome o;
  o.exit_status = kExitBadCommandLine;
  o.result = o.error_kind = "bad-command-line";
  o.error = message;
  return o;
}

const char* ResultName(Result result) {
  switch (result) {
    case Result::kReverted: return "reverted";
    case Result::kDryRun: return "dry-run";
    case Result::kScheduled: return "scheduled";
    case Result::kCancelled: return "cancelled";
    case Result::kListed: return "listed";
    case Result::kCompared: return "compared";
  }
  return "reverted";
}

namespace {

json SiblingsJson(const std::vector<SiblingReport>& siblings) {
  json list = json::array();
  for (const SiblingReport& s : siblings) {
    list.push_back({{"name", s.name},
                    {"chunk_size", s.chunk_size_bytes},
                    {"new_chunks", s.new_chunks},
                    {"free_chunks", s.free_chunks},
                    {"would_overflow", s.would_overflow}});
  }
  return list;
}

json CompareJson(const std::optional<CompareResult>& compare) {
  if (!compare) return nullptr;
  const CompareResult& c = *compare;
  return {{"chunks", c.chunks},
          {"bytes", c.bytes},
          {"differing_chunks", c.differing_chunks},
          {"differing_bytes", c.differing_bytes},
          {"first_difference", OrNull(c.first_difference_bytes)}};
}

json ScheduledJson(const std::optional<std::vector<ScheduledRevert>>& scheduled) {
  if (!scheduled) return nullptr;
  json list = json::array();
  for (const ScheduledRevert& s : *scheduled) {
    list.push_back({{"origin", s.origin.full()},
                    {"snapshot", s.snapshot.lv.empty() ? json() : json(s.snapshot.full())},
                    {"when", s.when},
                    {"set", OrNull(s.set)}});
  }
  return list;
}

json PlanJson(const std::shared_ptr<const Plan>& plan) {
  if (!plan) return nullptr;
  json runs = json::array();
  plan->ForEachRun([&runs](const ChunkRun& run) {
    runs.push_back({{"origin_chunk", run.origin_chunk},
                    {"cow_chunk", run.cow_chunk},
                    {"chunks", run.chunk_count},
                    {"bytes", run.length_bytes}});
    return true;
  });
  return runs;
}

// The store and its plan, as the text output's first two lines say them.
void AddStoreJson(const Report& r, json& j) {
  j["chunk_size"] = OrNull(r.chunk_size_bytes);
  j["exceptions"] = r.totals ? json(r.totals->exceptions) : json(nullptr);
  j["runs"] = r.totals ? json(r.totals->runs) : json(nullptr);
  j["bytes"] = r.totals ? json(r.totals->bytes) : json(nullptr);
  j["metadata_areas"] = OrNull(r.metadata_areas);
  j["used_chunks"] = OrNull(r.used_chunks);
  j["total_chunks"] = OrNull(r.total_chunks);
  j["used_percent"] =
      r.used_chunks && r.total_chunks && *r.total_chunks > 0
          ? json(static_cast<double>(UsedHundredthsOfPercent(*r.used_chunks, *r.total_chunks)) / 100)
          : json(nullptr);
}

json ErrorJson(const Outcome& outcome) {
  return outcome.error_kind.empty() ? json(nullptr)
                                    : json{{"kind", outcome.error_kind}, {"message", outcome.error}};
}

json MemberJson(const Report& r, const Outcome& outcome) {
  return {{"origin", OrNull(r.origin)},
          {"snapshot", OrNull(r.snapshot)},
          {"kind", r.kind},
          {"result", r.started ? outcome.result : "not-started"},
          {"error", r.started ? ErrorJson(outcome) : json(nullptr)},
          {"runs", r.totals ? json(r.totals->runs) : json(nullptr)},
          {"bytes", r.totals ? json(r.totals->bytes) : json(nullptr)},
          {"bytes_written", r.bytes_written}};
}

// A set's members; one pair is a set of one, so that scripts read both
// alike. Listing and booting revert no member of their own.
json MembersJson(const Report& r, const Outcome& outcome) {
  json list = json::array();
  if (r.members.empty()) {
    if (!r.origin.empty()) list.push_back(MemberJson(r, outcome));
    return list;
  }
  for (const Report& member : r.members) list.push_back(MemberJson(member, DecideOutcome(member)));
  return list;
}

}  // namespace

std::string ReportJson(const Report& r, const Outcome& outcome) {
  json j;
  j["result"] = outcome.result;
  j["exit_status"] = outcome.exit_status;
  j["error"] = ErrorJson(outcome);
  j["mode"] = r.mode;
  j["origin"] = OrNull(r.origin);
  j["snapshot"] = OrNull(r.snapshot);
  j["store"] = OrNull(r.store);
  AddStoreJson(r, j);
  j["bytes_written"] = r.bytes_written;
  j["io_engine"] = OrNull(r.io_engine);
  j["direct_io"] = OrNull(r.direct_io);
  j["siblings"] = SiblingsJson(r.siblings);
  j["snapshot_removed"] = r.snapshot_removed;
  j["scheduled"] = OrNull(r.scheduled);
  j["backup"] = OrNull(r.backup);
  j["backup_snapshot"] = OrNull(r.backup_snapshot);
  j["verified_bytes"] = OrNull(r.verified_bytes);
  j["compare"] = CompareJson(r.compare);
  j["scheduled_reverts"] = ScheduledJson(r.scheduled_reverts);
  j["warnings"] = r.warnings;
  j["elapsed_seconds"] = static_cast<double>(static_cast<int64_t>(r.elapsed_seconds * 1000)) / 1000;
  j["plan"] = PlanJson(r.plan);
  j["members"] = MembersJson(r, outcome);
  // Names are bytes; JSON is UTF-8: what is not becomes U+FFFD.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace lvmrevert::lvmext
