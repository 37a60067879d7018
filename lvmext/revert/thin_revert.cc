#include "lvmext/revert/thin_revert.h"

#include <algorithm>
#include <sstream>

#include "lvmext/cli/tags.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/thin_pool.h"
#include "lvmext/revert/confirm.h"
#include "lvmext/revert/lvm_member.h"
#include "core/file_chunk_source.h"
#include "core/phase_clock.h"
#include "lvmext/revert/thin_steps.h"
#include "lvmext/system/interrupt.h"
#include "safety/device_checks.h"

namespace lvmrevert::lvmext {
namespace {

// Each step is an LVM command that takes its own lock while we hold LVM's
// VG lock (and a set holds every member's): LVM locks in a directory of
// its own (lvm_tools.h), and still asks lvmlockd in a shared VG.
constexpr VgLocking kStepLocking = VgLocking::kCallerHoldsFileLock;

// What --compare counts in: a thin snapshot keeps no list of saved chunks.
constexpr uint32_t kCompareChunkBytes = 64 * 1024;

ThinStep After(ThinStep step) { return static_cast<ThinStep>(static_cast<int>(step) + 1); }

// The device id in a thin target's table line ("POOL_DEV DEV_ID [EXTERNAL]").
uint64_t ThinDeviceId(const std::string& params) {
  std::istringstream in(params);
  std::string pool;
  uint64_t id = 0;
  in >> pool >> id;
  return id;
}

// An LV open for reading, activated for it when it was inactive.
class Activated {
 public:
  Activated(Environment& env, const LvRef& lv) : env_(env), lv_(lv) {
    StatusOr<DmInfo> info = env.dm->Info(DmName(lv));
    if (info.ok() && !info->exists) {
      status = env.lvm->ActivateSkipped(lv, true, kStepLocking);
      activated_ = status.ok();
      if (status.ok()) info = env.dm->Info(DmName(lv));
    }
    if (!status.ok()) return;
    if (!info.ok() || !info->exists) {
      status = info.ok() ? Status::Refused(lv.full() + " is not active") : info.status();
      return;
    }
    const DmNode node{info->name, info->dev, info->open_count, info->suspended};
    StatusOr<DeviceFile> opened = OpenDmNode(env.device_path(info->name, info->dev), node,
                                             Access::kReadOnly, false);
    if (opened.ok()) file = std::move(opened).value();
    status = opened.status();
  }
  ~Activated() {
    file = DeviceFile{};
    if (activated_) (void)env_.lvm->ActivateSkipped(lv_, false, kStepLocking);
  }
  Status status;
  DeviceFile file;

 private:
  Environment& env_;
  LvRef lv_;
  bool activated_ = false;
};

}  // namespace

Status ThinSession::Prepare() {
  report_.kind = kKindThin;
  if (env_.dm == nullptr || env_.lvm == nullptr) {
    return Status::Refused("the LVM form needs device-mapper and the LVM tools");
  }
  std::string report;
  Status s = LockAndReadView(&report);
  if (!s.ok()) return ExplainUnreadableVg(s);
  if (Interrupted()) return Status::Refused("interrupted");
  s = CheckLvmView(report);
  if (!s.ok()) return s;
  const ThinStep first = member_.thin_step();
  // Half-way, the copy carries the snapshot's tags: a schedule set or
  // dropped now would be undone by the rename.
  if ((options_.compare && member_.snapshot_record() == nullptr) ||
      (options_.schedules() && first != ThinStep::kCopy)) {
    s = ResetStoppedHalfWay(member_.origin(), member_.snapshot());
  }
  // After the merge only names and tags are left to change.
  if (s.ok() && first <= ThinStep::kMerge && !options_.compare) s = CheckSiblings();
  if (s.ok() && first <= ThinStep::kMerge && !options_.reads_origin_only()) s = CheckNotInUse();
  // Scheduled: the boot checks the pool as it is then.
  if (s.ok() && first == ThinStep::kCopy && !options_.reads_origin_only()) s = CheckPool();
  if (!s.ok()) return s;
  if (!options_.compare) PrintSteps(first);
  return Status::Ok();
}

Status ThinSession::Act() {
  const std::string origin = member_.origin().full();
  const std::string snapshot = member_.snapshot().full();
  if (!options_.assume_yes) {
    Status s = Confirm(console_, "Really reset " + origin + " to thin snapshot " + snapshot + "?");
    if (!s.ok()) return s;
  }
  Status s = RunSteps();
  if (s.ok() && options_.verify) s = VerifyReset();
  if (!s.ok()) return s;
  report_.result = Result::kReverted;
  Say("Reset " + origin + " to thin snapshot " + snapshot +
      "; the snapshot is kept, with a new LV UUID.");
  return Status::Ok();
}

// The siblings LVM's merge unlinks (lvm2 #193), refused unless allowed.
Status ThinSession::CheckSiblings() {
  const std::vector<LvRef> siblings = ThinSiblings(view(), member_.origin(), member_.snapshot());
  if (siblings.empty()) return Status::Ok();
  std::string names;
  for (const LvRef& s : siblings) names += (names.empty() ? "" : ", ") + s.full();
  if (options_.allow_unlink) {
    for (const LvRef& s : siblings) {
      Warn(s.full() + " loses its link to " + member_.origin().full() + " (--allow-unlink given)");
    }
    return Status::Ok();
  }
  return Status::Refused("other thin snapshots of " + member_.origin().full() +
                         " would lose their link to it: " + names +
                         " (LVM's merge unlinks them, lvm2 #193); give --allow-unlink to "
                         "reset anyway")
      .WithReason(RefusalReason::kSiblingWouldOverflow);
}

// LVM merges at once only when neither the origin nor the snapshot is
// open; else it defers the merge to the next activation and exits 0.
Status ThinSession::CheckNotInUse() {
  Status s = OfferBoot(CheckLvNotInUse("origin", member_.origin()), member_.origin(),
                       member_.snapshot());
  if (s.ok() && member_.snapshot_record() != nullptr) {
    s = CheckLvNotInUse("snapshot", member_.snapshot());
  }
  return s;
}

Status ThinSession::CheckLvNotInUse(const std::string& role, const LvRef& lv) {
  StatusOr<DmInfo> info = env_.dm->Info(DmName(lv));
  if (!info.ok()) return info.status();
  if (!info->exists) return Status::Ok();  // inactive: nobody uses it
  const std::string path = env_.device_path(info->name, info->dev);
  Status s = safety::CheckNotMountedOrSwap(env_.view, role, path, info->dev);
  if (s.ok()) s = safety::CheckNoHolders(env_.view, role, lv.full(), info->dev);
  if (s.ok()) s = safety::CheckOpenCount(role, lv.full(), info->open_count, 0);
  return s;
}

// What LVM checks before it creates the copy (thin_pool.h): only a pool
// that is active reports its use; an inactive one LVM checks as it
// activates it for the copy.
Status ThinSession::CheckPool() {
  const LvRecord* origin = member_.origin_record();
  const LvRecord* pool = view().Find(origin->pool);
  const LvRef pool_ref{member_.origin().vg, origin->pool};
  StatusOr<std::vector<DmTarget>> status = env_.dm->TargetStatus(DmName(pool_ref, "tpool"));
  if (!status.ok() || status->size() != 1 || status->front().type != "thin-pool") {
    Note("thin pool " + pool_ref.full() + " is not active; LVM checks its space itself");
    return Status::Ok();
  }
  StatusOr<ThinPoolStatus> parsed = ParseThinPoolStatus(status->front().params);
  if (!parsed.ok()) return parsed.status();
  return CheckThinPoolTakesASnapshot(pool_ref.full(), *parsed,
                                     config().thin_pool_autoextend_threshold_percent,
                                     pool == nullptr ? 0 : pool->metadata_size_bytes);
}

// The tag a boot's next-boot reset consumes, dropped by the last step
// (the copy carries it until then, so a boot that stops half-way still
// finds the reset on its list).
std::string ThinSession::ConsumedTag(const LvmView& view) const {
  if (options_.consumes_tag.empty()) return {};
  const LvRecord* snap = view.Find(member_.snapshot().lv);
  if (snap == nullptr) snap = view.Find(*ThinCopyName(member_.snapshot().lv));
  return snap != nullptr && snap->has_tag(options_.consumes_tag) ? options_.consumes_tag : "";
}

void ThinSession::PrintSteps(ThinStep first) {
  const int count = static_cast<int>(ThinStep::kUntag) - static_cast<int>(first) + 1;
  const LvRecord* origin = member_.origin_record();
  Say("Thin reset of " + member_.origin().full() + " to " + member_.snapshot().full() +
      " (thin pool " + member_.origin().vg + "/" + origin->pool + "), in " +
      std::to_string(count) + " LVM step" + (count == 1 ? "" : "s") + ":");
  const LvRecord* snap = member_.snapshot_record();
  const LvRecord none;
  for (ThinStep step = first;; step = After(step)) {
    Say("  " + ThinStepCommand(step, member_.snapshot(), snap != nullptr ? *snap : none,
                               ConsumedTag(view())));
    if (step == ThinStep::kUntag) break;
  }
}

// The steps from where LVM's view says the reset stands, each checked in
// LVM's view before the next.
Status ThinSession::RunSteps() {
  LvmView now = view();
  ThinStep step = member_.thin_step();
  const LvRecord* snap = now.Find(member_.snapshot().lv);
  const uint64_t snapshot_thin_id = snap != nullptr ? snap->thin_id : 0;
  for (;;) {
    // Opened since the checks (LVM would defer the merge): stop before it.
    Status s = step == ThinStep::kMerge ? CheckNotInUse() : Status::Ok();
    if (s.ok()) s = RunStep(step, now);
    if (!s.ok()) return Failed(step, s);
    // Something changed: a re-run finishes, and nothing undoes it.
    report_.device_written = true;
    MaybeDebugPause((std::string("thin-") + ThinStepName(step)).c_str());
    if (step == ThinStep::kUntag) return Status::Ok();
    StatusOr<LvmView> again = ReadView();
    if (!again.ok()) return Failed(step, again.status().WithPrefix("reading LVM's view again"));
    now = std::move(again).value();
    StatusOr<ThinStep> next = NextThinStep(now, member_.origin(), member_.snapshot());
    if (step == ThinStep::kMerge) {
      s = CheckMerged(now, next, snapshot_thin_id);
      if (!s.ok()) return s;
    }
    if (!next.ok() || *next != After(step)) {
      return Failed(step, Status::IOError(
                              "LVM's view after it is not the one the next step needs" +
                              (next.ok() ? std::string() : " (" + next.status().message() + ")")));
    }
    if (Interrupted()) return Failed(step, Status::Refused("interrupted"));
    step = *next;
  }
}

Status ThinSession::RunStep(ThinStep step, const LvmView& now) {
  const LvRef& snapshot = member_.snapshot();
  const std::string copy = *ThinCopyName(snapshot.lv);
  switch (step) {
    case ThinStep::kCopy: {
      const LvRecord* snap = now.Find(snapshot.lv);
      return env_.lvm->CreateThinCopy(snapshot, copy, ThinCopyTags(*snap), snap->read_only(),
                                      snap->activation_skip(), kStepLocking);
    }
    case ThinStep::kMerge: return env_.lvm->MergeThin(snapshot, kStepLocking);
    case ThinStep::kRename: return env_.lvm->RenameLv({snapshot.vg, copy}, snapshot.lv, kStepLocking);
    case ThinStep::kUntag: {
      std::vector<std::string> drop = {kTagThinCopy};
      const std::string consumed = ConsumedTag(now);
      if (!consumed.empty()) drop.push_back(consumed);
      return env_.lvm->ChangeTags(snapshot, {}, drop, kStepLocking);
    }
  }
  return Status::Ok();
}

// lvconvert exits 0 when it only scheduled the merge: the origin must
// have taken the snapshot's thin device, in LVM's metadata and (when
// active) in the kernel's table.
Status ThinSession::CheckMerged(const LvmView& now, const StatusOr<ThinStep>& next,
                   uint64_t snapshot_thin_id) {
  const std::string what = "the merge of " + member_.snapshot().full() + " into " +
                           member_.origin().full();
  const LvRecord* origin = now.Find(member_.origin().lv);
  if (next.status().reason() == RefusalReason::kMergePending ||
      (origin != nullptr && origin->volume_type() == 'O')) {
    return Status::Incomplete(
        "LVM deferred " + what + " (the origin or the snapshot was opened meanwhile) and exited "
        "0: the origin takes the snapshot's content at its next activation; close it, "
        "deactivate and activate it (lvchange -an, -ay " + member_.origin().full() +
        "), then run the same command again to finish");
  }
  if (origin != nullptr && snapshot_thin_id != 0 && origin->thin_id != snapshot_thin_id) {
    return Status::Incomplete("after " + what + " the origin's thin device is " +
                              std::to_string(origin->thin_id) + ", not the snapshot's " +
                              std::to_string(snapshot_thin_id));
  }
  StatusOr<std::vector<DmTarget>> table = env_.dm->Table(DmName(member_.origin()));
  if (table.ok() && table->size() == 1 && table->front().type == "thin" &&
      snapshot_thin_id != 0 && ThinDeviceId(table->front().params) != snapshot_thin_id) {
    return Status::Incomplete("after " + what + " the kernel's table of " +
                              member_.origin().full() + " still maps thin device " +
                              std::to_string(ThinDeviceId(table->front().params)));
  }
  return Status::Ok();
}

// Before the merge the origin is untouched; after it, only names are left.
Status ThinSession::Failed(ThinStep step, const Status& s) {
  const std::string how = std::string("the thin reset of ") + member_.origin().full() + " to " +
                          member_.snapshot().full() + " stopped at its " + ThinStepName(step) +
                          " step: " + s.message();
  if (!report_.device_written) return Status::Refused(how + "; nothing was changed");
  if (step <= ThinStep::kMerge) {
    return Status::Incomplete(how + "; the origin is unchanged; run the same command again to "
                              "finish");
  }
  return Status::Incomplete(how + "; the origin holds the snapshot's content; run the same "
                            "command again to finish");
}

Status ThinSession::CompareMember() {
  StatusOr<CompareResult> c = CompareOriginAndSnapshot();
  if (!c.ok()) return c.status();
  SayCompared(*c);
  return Status::Ok();
}

// --verify: after the reset, the origin must read as the snapshot does.
Status ThinSession::VerifyReset() {
  StatusOr<CompareResult> c = CompareOriginAndSnapshot();
  if (!c.ok()) return Status::Incomplete("verifying the reset: " + c.status().message());
  if (c->differing_chunks != 0) {
    return Status::Incomplete("verifying the reset: the origin differs from " +
                              member_.snapshot().full() + " in " +
                              std::to_string(c->differing_chunks) + " chunks, the first at " +
                              "offset " + std::to_string(*c->first_difference_bytes));
  }
  report_.verified_bytes = c->bytes;
  Say("Verified: the origin reads as " + member_.snapshot().full() + " in all " +
      std::to_string(c->bytes) + " bytes.");
  return Status::Ok();
}

// Both LVs read whole, each activated for the read when it was not
// (a thin snapshot is usually skipped at activation) and deactivated again.
StatusOr<CompareResult> ThinSession::CompareOriginAndSnapshot() {
  InPhase verifying(Phase::kVerifying);
  Activated origin(env_, member_.origin());
  Activated snapshot(env_, member_.snapshot());
  if (!origin.status.ok()) return origin.status;
  if (!snapshot.status.ok()) return snapshot.status;
  const uint64_t length = std::min(origin.file.size_bytes, snapshot.file.size_bytes);
  FileChunkSource a(snapshot.file.fd.get(), snapshot.file.size_bytes, nullptr);
  FileChunkSource b(origin.file.fd.get(), origin.file.size_bytes, nullptr);
  return CompareWhole(a, b, length, kCompareChunkBytes);
}

std::unique_ptr<LvmSession> MakeThinRevert(const Options& options, Console& console,
                                           Environment& env) {
  return std::make_unique<ThinSession>(options, console, env);
}

}  // namespace lvmrevert::lvmext
