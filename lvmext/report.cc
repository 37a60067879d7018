#include "lvmext/report.h"

#include "lvmext/json_writer.h"
#include "lvmext/plan_output.h"

namespace lvmrevert::cli {

const char* ResultName(Result result) {
  switch (result) {
    case Result::kReverted: return "reverted";
    case Result::kDryRun: return "dry-run";
    case Result::kRefused: return "refused";
    case Result::kFailed: return "failed";
    case Result::kScheduled: return "scheduled";
    case Result::kCancelled: return "cancelled";
    case Result::kListed: return "listed";
    case Result::kCompared: return "compared";
  }
  return "failed";
}

std::string ReportJson(const Report& report, const Plan* plan) {
  JsonObject json;
  json.Add("result", ResultName(report.result));
  if (!report.status.ok()) json.Add("error", report.status.message());
  json.Add("mode", report.mode);
  json.Add("origin", report.origin);
  json.Add("snapshot", report.snapshot);
  json.Add("chunk_size", report.chunk_size_bytes);
  std::optional<uint64_t> exceptions, runs, bytes;
  if (report.totals) {
    exceptions = report.totals->exceptions;
    runs = report.totals->runs;
    bytes = report.totals->bytes;
  }
  json.Add("exceptions", exceptions);
  json.Add("runs", runs);
  json.Add("bytes", bytes);
  json.Add("metadata_areas", report.metadata_areas);
  json.Add("bytes_written", report.bytes_written);
  if (!report.io_engine.empty()) json.Add("io_engine", report.io_engine);
  if (report.direct_io) json.Add("direct_io", *report.direct_io);
  if (report.mode == "lvm") {
    std::string siblings = "[";
    for (const SiblingReport& sib : report.siblings) {
      if (siblings.size() > 1) siblings += ",";
      JsonObject o;
      o.Add("name", sib.name)
          .Add("chunk_size", sib.chunk_size_bytes)
          .Add("new_chunks", sib.new_chunks)
          .Add("free_chunks", sib.free_chunks)
          .Add("would_overflow", sib.would_overflow);
      siblings += o.str();
    }
    json.AddRaw("siblings", siblings + "]");
    json.Add("snapshot_removed", report.snapshot_removed);
    if (!report.scheduled.empty()) json.Add("scheduled", report.scheduled);
  }
  if (!report.warnings.empty()) {
    std::string warnings = "[";
    for (const std::string& w : report.warnings) {
      warnings += (warnings.size() > 1 ? "," : "") + JsonQuote(w);
    }
    json.AddRaw("warnings", warnings + "]");
  }
  if (!report.backup.empty()) json.Add("backup", report.backup);
  if (!report.backup_snapshot.empty()) json.Add("backup_snapshot", report.backup_snapshot);
  if (report.verified_bytes) json.Add("verified_bytes", *report.verified_bytes);
  if (report.compare) {
    const CompareResult& c = *report.compare;
    JsonObject o;
    o.Add("chunks", c.chunks)
        .Add("bytes", c.bytes)
        .Add("differing_chunks", c.differing_chunks)
        .Add("differing_bytes", c.differing_bytes)
        .Add("first_difference", c.first_difference_bytes);
    json.AddRaw("compare", o.str());
  }
  json.Add("elapsed_seconds", report.elapsed_seconds);
  if (plan != nullptr) json.AddRaw("plan", RunsJson(*plan));
  return json.str();
}

}  // namespace lvmrevert::cli
