#include "lvmext/revert_session.h"

#include <chrono>

#include "core/file_chunk_source.h"
#include "core/quoting.h"
#include "core/transfer.h"
#include "lvmext/confirm.h"
#include "lvmext/interrupt.h"
#include "lvmext/plan_output.h"
#include "lvmext/progress.h"

namespace lvmrevert::cli {

RevertSession::RevertSession(const Options& options, Console& console, Environment& env)
    : options_(options), console_(console), env_(env) {}

Status RevertSession::PrepareAndExecute() {
  const auto failure = [this](const std::string& what) {
    if (copy_stats_.writes > 0) {
      return Status::Incomplete("internal error (" + what + ") while copying");
    }
    return Status::IOError("internal error (" + what + "); nothing was written");
  };
  try {
    Status s = Prepare();
    if (s.ok()) s = Execute();
    return s;
  } catch (const std::bad_alloc&) {
    return failure("out of memory");
  } catch (const std::exception& e) {
    return failure(e.what());
  } catch (...) {
    return failure("unknown exception");
  }
}

Report RevertSession::Run() {
  const auto start = std::chrono::steady_clock::now();
  // The engine reads the store's metadata as well as copying its data.
  StatusOr<EngineChoice> engine = env_.make_engine(options_.io_engine, options_.queue_depth);
  Status s = engine.status();
  if (engine.ok()) {
    engine_ = std::move(engine->engine);
    report_.io_engine = engine_->name();
    if (!engine->note.empty()) Note(engine->note);
    s = PrepareAndExecute();
  }
  s = Cleanup(s);
  report_.device_written = copy_stats_.writes > 0;
  report_.status = s;
  if (!s.ok()) {
    // Only a failure after writing began, or an I/O error, is a failure;
    // everything else was a refusal to start.
    report_.result = s.code() == StatusCode::kIncomplete || s.code() == StatusCode::kIOError
                         ? Result::kFailed
                         : Result::kRefused;
  }
  report_.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (options_.format == OutputFormat::kJson) {
    console_.out << ReportJson(report_, options_.dry_run && plan_ ? &*plan_ : nullptr) << "\n";
  }
  return std::move(report_);
}

StatusOr<ExceptionStore> RevertSession::ReadStore(const DeviceFile& cow, uint64_t origin_bytes) {
  FileChunkSource source(cow.fd.get(), cow.size_bytes, cow.direct ? engine_.get() : nullptr);
  StatusOr<ExceptionStore> store = ReadExceptionStore(source, StoreReadOptions{origin_bytes});
  if (!store.ok()) return store.status().WithPrefix("snapshot store " + QuotedName(cow.path));
  return store;
}

Status RevertSession::LoadPlan(const DeviceFile& cow, uint64_t origin_bytes) {
  StatusOr<ExceptionStore> store = ReadStore(cow, origin_bytes);
  if (!store.ok()) return store.status();
  const store::Geometry geometry = store->geometry();
  report_.chunk_size_bytes = geometry.chunk_size_bytes();
  report_.metadata_areas = store->metadata_areas;
  StatusOr<Plan> plan =
      Plan::Build(std::move(store->exceptions), geometry.chunk_size_bytes(), origin_bytes);
  if (!plan.ok()) return plan.status().WithPrefix("snapshot store " + QuotedName(cow.path));
  plan_.emplace(std::move(plan).value());
  report_.totals = plan_->totals();
  return Status::Ok();
}

void RevertSession::PrintPlan(const std::string& store_label, const std::string& origin_label) {
  const PlanTotals& t = plan_->totals();
  switch (options_.format) {
    case OutputFormat::kDd:
      WriteDdScript(console_.out, *plan_);
      break;
    case OutputFormat::kJson:
      break;  // part of the final object
    case OutputFormat::kText:
      Say("Snapshot store " + store_label + ": " + std::to_string(*report_.chunk_size_bytes) +
          "-byte chunks, " + std::to_string(t.exceptions) + " exceptions in " +
          std::to_string(*report_.metadata_areas) + " metadata areas.");
      Say("Plan: " + std::to_string(t.runs) + " runs, " + std::to_string(t.bytes) + " bytes (" +
          MiB(t.bytes) + ") to write to " + origin_label + ".");
      if (options_.verbosity > 0 && !options_.quiet) WriteRunList(console_.out, *plan_);
      break;
  }
}

Status RevertSession::ConfirmRevert(const std::string& origin_label,
                                    const std::string& snapshot_label) {
  const PlanTotals& totals = plan_->totals();
  if (totals.runs == 0 || options_.assume_yes) return Status::Ok();
  return Confirm(console_, "Really revert " + origin_label + " to " + snapshot_label + " (" +
                               MiB(totals.bytes) + " in " + std::to_string(totals.runs) +
                               " runs)?");
}

Status RevertSession::CopyPlanToOrigin(const DeviceFile& cow, const DeviceFile& origin) {
  // A plan nobody could read is no plan to act on.
  console_.out.flush();
  if (!console_.out) {
    return Status::Refused("the plan could not be written to standard output; nothing was written");
  }
  UniqueFd buffered;
  CopyOptions copy_options;
  if (origin.direct && WritesUnalignedTail(*plan_)) {
    StatusOr<UniqueFd> reopened = ReopenBuffered(origin);
    if (!reopened.ok()) return reopened.status();
    buffered = std::move(reopened).value();
    copy_options.buffered_origin_fd = buffered.get();
    Note("the origin's last chunk is partial and unaligned: it is written without O_DIRECT");
  }
  std::optional<ProgressMeter> progress;
  if (!options_.quiet && (console_.stderr_is_terminal || options_.progress)) {
    progress.emplace(console_.err, plan_->totals().bytes, console_.stderr_is_terminal);
  }
  copy_options.on_progress = [&progress](uint64_t bytes) {
    if (progress) progress->Update(bytes);
    MaybeDebugPause("copying");
  };
  copy_options.check_continue = [] {
    const int signo = InterruptSignal();
    if (signo == 0) return Status::Ok();
    return Status::Refused("interrupted by signal " + std::to_string(signo));
  };
  Status s = CopyPlan(*plan_, *engine_, cow.fd.get(), origin.fd.get(), copy_options, &copy_stats_);
  report_.bytes_written = copy_stats_.bytes_written;
  if (progress) progress->Finish(copy_stats_.bytes_written);
  return s;
}

void RevertSession::Say(const std::string& line) {
  if (options_.format == OutputFormat::kText && !options_.quiet) console_.out << line << "\n";
}

void RevertSession::Note(const std::string& line) {
  if (options_.verbosity > 0) console_.err << "lvm-revert: note: " << line << "\n";
}

void RevertSession::Warn(const std::string& line) {
  console_.err << "lvm-revert: WARNING: " << line << "\n";
  report_.warnings.push_back(line);
}

void RevertSession::NoteBufferedIo(const DeviceFile& file) {
  if (!file.direct) {
    Note(QuotedName(file.path) + " refused O_DIRECT; using buffered I/O with a flush at the end");
  }
}

}  // namespace lvmrevert::cli
