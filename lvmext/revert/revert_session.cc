#include "lvmext/revert/revert_session.h"

#include <chrono>

#include "core/backup_store.h"
#include "core/file_chunk_source.h"
#include "core/phase_clock.h"
#include "core/quoting.h"
#include "core/transfer.h"
#include "lvmext/revert/backup_file.h"
#include "lvmext/revert/confirm.h"
#include "lvmext/system/interrupt.h"
#include "lvmext/cli/plan_output.h"
#include "lvmext/revert/progress.h"
#include "safety/device_checks.h"
#include "safety/device_number.h"

namespace lvmrevert::lvmext {

RevertSession::RevertSession(const Options& options, Console& console, Environment& env)
    : options_(options), console_(console), env_(env) {}

Status RevertSession::Guarded(Status (RevertSession::*step)()) {
  const auto failure = [this](const std::string& what) {
    if (copy_stats_.writes > 0) {
      return Status::Incomplete("internal error (" + what + ") while copying");
    }
    return Status::IOError("internal error (" + what + "); nothing was written");
  };
  try {
    return (this->*step)();
  } catch (const std::bad_alloc&) {
    return failure("out of memory");
  } catch (const std::exception& e) {
    return failure(e.what());
  } catch (...) {
    return failure("unknown exception");
  }
}

Report RevertSession::Run() {
  Status s = Start();
  if (s.ok()) s = Continue();
  return Finish(s);
}

Status RevertSession::Start() {
  start_time_ = std::chrono::steady_clock::now();
  // The engine reads the store's metadata as well as copying its data.
  StatusOr<EngineChoice> engine = env_.make_engine(options_.io_engine, options_.queue_depth);
  if (!engine.ok()) return engine.status();
  engine_ = std::move(engine->engine);
  if (!engine->note.empty()) Note(engine->note);
  return Guarded(&RevertSession::Prepare);
}

Status RevertSession::Continue() { return Guarded(&RevertSession::Execute); }

Report RevertSession::Finish(Status s) {
  s = Cleanup(s);
  // An unfinished backup is never left to pass for one (its header says so
  // too, for a kill that skips this).
  backup_file_.reset();
  // (A thin member's LVM commands said so themselves.)
  report_.device_written = report_.device_written || copy_stats_.writes > 0;
  if (options_.backup_snapshot_created && report_.device_written) {
    report_.backup_snapshot = options_.vg() + "/" + options_.backup_snapshot;
  }
  report_.status = s;
  report_.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time_).count();
  if (options_.dry_run && plan_ && options_.format == OutputFormat::kJson) {
    report_.plan = std::make_shared<const Plan>(std::move(*plan_));
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
  StatusOr<ExceptionStore> store = [&] {
    InPhase reading(Phase::kReadingStore);
    return ReadStore(cow, origin_bytes);
  }();
  if (!store.ok()) return store.status();
  const store::Geometry geometry = store->geometry();
  report_.chunk_size_bytes = geometry.chunk_size_bytes();
  report_.metadata_areas = store->metadata_areas;
  // As the kernel counts for Snap%: every chunk up to the next it would
  // allocate (header and areas included), of the whole chunks the store holds.
  report_.used_chunks = geometry.NthDataChunk(store->exceptions.size());
  report_.total_chunks = store->store_chunks;
  InPhase planning(Phase::kPlanning);
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
          std::to_string(*report_.metadata_areas) + " metadata areas; " +
          std::to_string(*report_.used_chunks) + " of " + std::to_string(*report_.total_chunks) +
          " chunks used (" + UsedPercent(*report_.used_chunks, *report_.total_chunks) + "%).");
      Say("Plan: " + std::to_string(t.runs) + " runs, " + std::to_string(t.bytes) + " bytes (" +
          MiB(t.bytes) + ") to write to " + origin_label + ".");
      if (options_.verbosity > 0 && !options_.quiet) WriteRunList(console_.out, *plan_);
      break;
  }
}

void RevertSession::SayReverted(const std::string& origin_label) {
  report_.result = Result::kReverted;
  Say("Reverted " + origin_label + ": wrote " + std::to_string(report_.bytes_written) +
      " bytes (" + MiB(report_.bytes_written) + ") in " + std::to_string(plan_->totals().runs) +
      " runs and flushed.");
}

bool RevertSession::NothingToRevert(const std::string& origin_label) {
  if (plan_->totals().runs != 0) return false;
  report_.result = Result::kReverted;
  Say("Nothing to revert: the store holds no saved chunks, so " + origin_label +
      " already shows what it holds. Nothing was written.");
  return true;
}

Status RevertSession::ConfirmRevert(const std::string& origin_label,
                                    const std::string& snapshot_label) {
  const PlanTotals& totals = plan_->totals();
  if (totals.runs == 0 || options_.assume_yes) return Status::Ok();
  return Confirm(console_, "Really revert " + origin_label + " to " + snapshot_label + " (" +
                               MiB(totals.bytes) + " in " + std::to_string(totals.runs) +
                               " runs)?");
}

Status RevertSession::CheckBackupTarget(const std::vector<dev_t>& protected_devices) {
  if (options_.backup_path.empty()) return Status::Ok();
  return BackupFile::CheckTarget(env_.view, options_.backup_path, protected_devices);
}

Status RevertSession::PrepareBackup() {
  const std::string& path = options_.backup_path;
  if (path.empty()) return Status::Ok();
  StatusOr<uint64_t> need = BackupFile::CheckRoom(path, *plan_);
  if (!need.ok()) return need.status();
  if (options_.dry_run || options_.compare) {
    Say("Backup: " + std::to_string(*need) + " bytes (" + MiB(*need) + ") would go to " +
        QuotedName(path) + ".");
    return Status::Ok();
  }
  StatusOr<BackupFile> file = BackupFile::Create(path, *plan_, *need);
  if (!file.ok()) return file.status();
  backup_file_.emplace(std::move(file).value());
  return Status::Ok();
}

Status RevertSession::WriteBackupFirst(const DeviceFile& origin) {
  if (!backup_file_) return Status::Ok();
  InPhase backing_up(Phase::kBackingUp);
  CopyOptions options;
  options.on_progress = [](uint64_t) { MaybeDebugPause("backing-up"); };
  options.check_continue = StopIfInterrupted;
  Status s = backup_file_->Write(*plan_, DataEngine(), origin.fd.get(), options);
  if (!s.ok()) return s;
  report_.backup = options_.backup_path;
  Say("Saved what the revert overwrites (" + MiB(BackupLayout(*plan_).store_bytes()) + ") in " +
      QuotedName(options_.backup_path) + ".");
  return Status::Ok();
}

Status RevertSession::VerifyCopy(const DeviceFile& cow, const DeviceFile& origin,
                                 const WriteLog& log) {
  InPhase verifying(Phase::kVerifying);
  FileChunkSource origin_source(origin.fd.get(), origin.size_bytes,
                                origin.direct ? &DataEngine() : nullptr);
  FileChunkSource store_source(cow.fd.get(), cow.size_bytes, cow.direct ? &DataEngine() : nullptr);
  StatusOr<VerifyResult> v = VerifyWritten(log, origin_source, *plan_, store_source);
  if (!v.ok()) return Status::Incomplete(v.status().message());
  report_.verified_bytes = v->verified_bytes;
  if (v->first_mismatch_bytes) {
    return Status::Incomplete("verification failed: origin offset " +
                              std::to_string(*v->first_mismatch_bytes) +
                              " does not hold the snapshot's data after the copy");
  }
  Say("Verified " + std::to_string(v->verified_bytes) + " bytes (" + MiB(v->verified_bytes) +
      "): the origin holds the snapshot's data.");
  return Status::Ok();
}

Status RevertSession::CompareWithOrigin(const DeviceFile& cow, const DeviceFile& origin) {
  InPhase verifying(Phase::kVerifying);
  FileChunkSource origin_source(origin.fd.get(), origin.size_bytes,
                                origin.direct ? &DataEngine() : nullptr);
  FileChunkSource store_source(cow.fd.get(), cow.size_bytes, cow.direct ? &DataEngine() : nullptr);
  StatusOr<CompareResult> c = ComparePlan(*plan_, store_source, origin_source);
  if (!c.ok()) return c.status();
  SayCompared(*c);
  return Status::Ok();
}

void RevertSession::SayCompared(const CompareResult& c) {
  report_.compare = c;
  report_.result = Result::kCompared;
  Say(c.differing_chunks == 0
          ? "Same: the origin holds the snapshot's data in all " + std::to_string(c.chunks) +
                " saved chunks."
          : "Differs: " + std::to_string(c.differing_chunks) + " of " + std::to_string(c.chunks) +
                " saved chunks (" + std::to_string(c.differing_bytes) +
                " bytes) differ from the snapshot; the first at origin offset " +
                std::to_string(*c.first_difference_bytes) + ".");
}

Status RevertSession::CopyPlanToOrigin(const DeviceFile& cow, const DeviceFile& origin) {
  // A plan nobody could read is no plan to act on.
  console_.out.flush();
  if (!console_.out) {
    return Status::Refused("the plan could not be written to standard output; nothing was written");
  }
  Status backed_up = WriteBackupFirst(origin);
  if (!backed_up.ok()) return backed_up;
  if (plan_->totals().runs > 0) {
    Status ready = BeforeFirstOriginWrite();
    if (!ready.ok()) return ready;
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
  std::optional<ProgressMeter> own_progress;
  if (!shared_progress_ && !options_.quiet && (console_.stderr_is_terminal || options_.progress)) {
    own_progress.emplace(console_.err, plan_->totals().bytes, console_.stderr_is_terminal,
                         console_.err_columns);
  }
  ProgressMeter* progress = shared_progress_ ? shared_progress_ : own_progress ? &*own_progress : nullptr;
  copy_options.on_progress = [progress](uint64_t bytes) {
    if (progress) progress->Update(progress->Overall(bytes));
    MaybeDebugPause("copying");
  };
  copy_options.check_continue = StopIfInterrupted;
  WriteLog written;
  if (options_.verify) {
    copy_options.on_write_data = [&written](uint64_t offset, std::span<const std::byte> data) {
      written.Record(offset, data);
    };
    copy_options.before_buffer_reuse = [&written] { written.Settle(); };
  }
  copy_started_ = true;
  Status s = [&] {
    InPhase copying(Phase::kCopying);
    return CopyPlan(*plan_, DataEngine(), cow.fd.get(), origin.fd.get(), copy_options, &copy_stats_);
  }();
  report_.bytes_written = copy_stats_.bytes_written;
  if (own_progress) own_progress->Finish(copy_stats_.bytes_written);
  if (s.ok() && options_.verify) s = VerifyCopy(cow, origin, written);
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

namespace {

std::string DeviceNumbers(const DeviceFile& file) {
  return safety::MajorMinor(file.is_block_device ? file.rdev : file.dev);
}

std::string Described(const char* role, const DeviceFile& file) {
  return std::string(role) + " " + QuotedName(file.path) +
         (file.is_block_device ? ": block device " + DeviceNumbers(file)
                               : ": file, inode " + std::to_string(file.ino) + " on device " +
                                     DeviceNumbers(file)) +
         ", " + std::to_string(file.size_bytes) + " bytes, O_DIRECT " +
         (file.direct ? "on" : "off (refused; buffered I/O with a flush at the end)");
}

}  // namespace

void RevertSession::NoteOpened(const DeviceFile& origin, const DeviceFile& store) {
  report_.store = store.path;
  report_.direct_io = origin.direct && store.direct;
  Note(Described("origin", origin));
  Note(Described("store", store));
  Note(std::string("I/O engine ") + engine_->name() + ", queue depth " + std::to_string(engine_->queue_depth()));
}

IoEngine& RevertSession::DataEngine() {
  // An empty plan moves no data, whatever runs for it.
  if (plan_ && plan_->totals().runs > 0) report_.io_engine = engine_->name();
  return *engine_;
}

}  // namespace lvmrevert::lvmext
