#include "lvmext/revert/lvm_session.h"

#include <algorithm>

#include "lvmext/cli/tags.h"
#include "lvmext/lvm/shared_vg.h"
#include "lvmext/lvm/vg_changes.h"
#include "lvmext/revert/set_members.h"
#include "lvmext/revert/siblings.h"
#include "lvmext/system/interrupt.h"

namespace lvmrevert::lvmext {

namespace {

LvmMember MemberOf(const Options& options) {
  if (options.restores()) return LvmMember::ForBackupFile(*options.origin_lv, options.restore_path);
  return LvmMember::ForSnapshot(options.origin_lv ? *options.origin_lv : LvRef{options.vg(), ""},
                                *options.snapshot_lv);
}

}  // namespace

LvmSession::LvmSession(const Options& options, Console& console, Environment& env)
    : RevertSession(options, console, env), member_(MemberOf(options)) {
  report_.mode = "lvm";
  // VG/SNAP alone: the origin is known once LVM's view is read.
  if (!member_.origin().lv.empty()) report_.origin = member_.origin().full();
  if (member_.source() == SourceKind::kBackupFile) {
    report_.store = member_.backup_path();
  } else {
    report_.snapshot = member_.snapshot().full();
  }
}

Status LvmSession::Prepare() {
  // (The command line made sure of one VG and two different names.)
  if (env_.dm == nullptr || env_.lvm == nullptr) {
    return Status::Refused("the LVM form needs device-mapper and the LVM tools");
  }
  // No LVM command may change the VG under us: take its lock first, as an
  // LVM command that modifies the VG would (a dry run only reads).
  std::string report;
  Status s = LockAndReadView(&report);
  if (!s.ok()) return ExplainUnreadableVg(s);
  if (!options_.set_member) Note("holding " + lock_.path());
  MaybeDebugPause("locked");
  if (Interrupted()) return Status::Refused("interrupted");

  s = CheckLvmView(report);
  if (s.ok()) s = member_.ResolveDevices(*env_.dm, view_, env_);
  if (s.ok()) s = CheckBackupTarget(member_.devices());
  if (!s.ok()) return s;
  // Scheduling makes every check that does not need the origin closed:
  // the origin may be in use (the root, mounted); the boot checks again.
  s = options_.reads_origin_only()
          ? member_.CheckNothingSuspended()
          : member_.CheckNotInUse(env_.view, [this](const std::string& w) { Warn(w); });
  if (s.ok()) s = OpenMember();
  if (!s.ok()) return s;
  // Nobody may write to the snapshot while its store is read and copied.
  // With -y nothing waits for a person, so suspend before reading: the
  // store is then read once, already stable.
  // A set's member is suspended only while it is copied.
  if (!options_.dry_run && !options_.reads_origin_only() && !options_.set_member &&
      member_.source() == SourceKind::kSnapshotStore && options_.assume_yes) {
    s = SuspendSnapshot();
    if (!s.ok()) return s;
  }
  s = member_.CheckOriginSize();
  if (s.ok()) s = LoadMemberPlan();
  if (s.ok()) s = AssessSiblings();
  if (!s.ok()) return s;
  PrintPlan(member_.source_file().path, member_.origin_path());
  for (const SiblingReport& r : report_.siblings) Say(SiblingLine(r));
  s = RefuseSiblingOverflow(report_.siblings, options_.allow_invalidate,
                            [this](const std::string& w) { Warn(w); });
  if (s.ok()) s = PrepareBackup();
  return s;
}

Status LvmSession::OpenMember() {
  const OriginUse use = options_.reads_origin_only() ? OriginUse::kReadOnly : OriginUse::kWrite;
  Status s = member_.Open(env_, use);
  if (!s.ok()) return s;
  NoteOpened(member_.origin_file(), member_.source_file());
  return use == OriginUse::kWrite ? member_.CheckStillUnused(*env_.dm) : Status::Ok();
}

// Only the part of the origin the snapshot covers is restored: space added
// to the origin later was never saved.
Status LvmSession::LoadMemberPlan() {
  Status s = LoadPlan(member_.source_file(), member_.covered_bytes());
  // A live snapshot's table may be read half-way through an update by the
  // kernel when its origin is in use; once more, then it counts.
  if (s.code() == StatusCode::kCorruption && options_.reads_origin_only()) {
    s = LoadPlan(member_.source_file(), member_.covered_bytes());
  }
  if (!s.ok() || member_.source() == SourceKind::kBackupFile) return s;
  const uint64_t header_chunk_sectors = *report_.chunk_size_bytes / 512;
  const uint64_t table_chunk_sectors = member_.topology().chunk_size_sectors;
  if (header_chunk_sectors != table_chunk_sectors) {
    return Status::Refused("snapshot store " + member_.source_file().path + " says " +
                           std::to_string(header_chunk_sectors) +
                           "-sector chunks but the kernel's table says " +
                           std::to_string(table_chunk_sectors));
  }
  return Status::Ok();
}

Status LvmSession::Execute() {
  if (options_.compare) return CompareMember();
  if (options_.dry_run) {
    report_.result = Result::kDryRun;
    if (!options_.set_member) Say(DryRunLine());  // a set says it once
    return Status::Ok();
  }
  return Act();
}

Status LvmSession::CompareMember() {
  return CompareWithOrigin(member_.source_file(), member_.origin_file());
}

void LvmSession::ReleaseForLvm() {
  member_.Close();
  sibling_cows_.clear();
  lock_.Release();
}

Status LvmSession::CopyToOrigin(const std::string& source_label) {
  // Nothing to revert: no prompt, no suspend; a backup asked for is still
  // made (empty).
  if (NothingToRevert(member_.origin_path())) {
    return CopyPlanToOrigin(member_.source_file(), member_.origin_file());
  }
  Status s = ConfirmRevert(member_.origin().full(), source_label);
  if (s.ok() && member_.source() == SourceKind::kSnapshotStore && !suspended_) {
    s = SuspendSnapshot();
    if (s.ok()) s = CheckStoreUnchanged();
  }
  if (s.ok()) s = CopyPlanToOrigin(member_.source_file(), member_.origin_file());
  if (s.ok()) s = ResumeSnapshot();
  if (s.ok()) s = CheckVgUnchangedDuringCopy();
  if (!s.ok()) return s;
  SayReverted(member_.origin_path());
  return Status::Ok();
}

StatusOr<VgLock> LvmSession::Lock(const std::string& locking_dir) {
  const bool reads_only = options_.dry_run || options_.reads_origin_only();
  const std::string& vg = options_.vg();
  return VgLock::Acquire(locking_dir, vg, reads_only ? LockMode::kShared : LockMode::kExclusive,
                         [this, vg] {
                           if (!options_.quiet) {
                             console_.err << "lvm-revert: waiting for the lock on volume group "
                                          << vg << " (another LVM command holds it)\n";
                           }
                         });
}

// LVM's default locking_dir is nearly always right, so lock there and ask
// lvmconfig and lvs at once, and redo both in order only when the
// configuration says otherwise.
Status LvmSession::LockAndReadView(std::string* report) {
  if (handed_over_) {
    lock_ = std::move(handed_over_->lock);
    config_ = handed_over_->config;
    config_read_ = true;
    *report = std::move(handed_over_->view_json);
    handed_over_.reset();
    return Status::Ok();
  }
  if (options_.set_member) return ReadViewLockedBySet(report);
  const std::string guess = env_.lvm->default_locking_dir();
  StatusOr<VgLock> lock = Lock(guess);
  if (lock.ok()) lock_ = std::move(lock).value();
  if (!lock.ok() && lock.status().code() == StatusCode::kRefused) return lock.status();
  ConfigAndReport both = env_.lvm->ReadConfigAndReportVg(options_.vg());
  if (!both.config_status.ok()) {
    return both.config_status.WithPrefix("reading LVM's configuration");
  }
  config_ = both.config;
  config_read_ = true;
  Status report_status = both.report_status;
  *report = std::move(both.report);
  if (!lock.ok() || config_.locking_dir != guess) {
    // The report was read without LVM's real lock: lock, then read again.
    lock_.Release();
    lock = Lock(config_.locking_dir);
    if (!lock.ok()) return lock.status();
    lock_ = std::move(lock).value();
    StatusOr<std::string> again = env_.lvm->ReportVg(options_.vg());
    report_status = again.status();
    if (again.ok()) *report = std::move(again).value();
  }
  return RefusedIfMissing(report_status);
}

// A VG that does not exist is a refusal, not an error of LVM's tools.
Status LvmSession::RefusedIfMissing(const Status& report_status) {
  if (report_status.code() == StatusCode::kNotFound) return Status::Refused(report_status.message());
  return report_status;
}

// A set took every VG's lock already, in LVM's order (set_revert.h).
// The set read LVM's configuration and the VG under its lock (ShareView).
Status LvmSession::ReadViewLockedBySet(std::string* report) {
  if (!shared_view_) return Status::Refused("internal error: a set's member without its view");
  config_ = shared_view_->first;
  config_read_ = true;
  const StatusOr<std::string>& vg_report = shared_view_->second;
  if (vg_report.ok()) *report = *vg_report;
  return RefusedIfMissing(vg_report.status());
}

// lvs refuses some VGs that are not this host's (an exported one) with
// its own words: vgs still reports them, so say why in ours.
Status LvmSession::ExplainUnreadableVg(const Status& s) {
  if (!config_read_ || s.code() == StatusCode::kRefused || s.code() == StatusCode::kNotFound) {
    return s;
  }
  StatusOr<VgIdentity> vg = env_.lvm->ReportVgIdentity(options_.vg());
  if (!vg.ok()) return s;
  Status owned = CheckVgBelongsHere(*vg, config_.host);
  return owned.ok() ? s : owned;
}

void LvmSession::HandOverTo(LvmSession& next) {
  next.handed_over_.emplace(HandedOver{std::move(lock_), config_, view_json_});
}

Status LvmSession::CheckLvmView(const std::string& report) {
  view_json_ = report;
  StatusOr<LvmView> view = LvmView::Parse(report);
  if (!view.ok()) return view.status();
  view_ = std::move(view).value();
  // Another host's VG is refused before anything else is looked at.
  if (!view_.lvs().empty()) {
    vg_ = view_.lvs().front().vg();
    Note(DescribeVgAndHost(*vg_, config_.host));
    Status owned = CheckVgBelongsHere(*vg_, config_.host);
    if (!owned.ok()) return owned;
  }
  Status s = member_.Resolve(view_);
  if (!s.ok() && options_.pair_or_set() && NamesASet(view_, *options_.origin_lv, *options_.snapshot_lv)) {
    return Status::Refused("two snapshots name a set").WithReason(RefusalReason::kNamesASet);
  }
  if (!member_.origin().lv.empty()) report_.origin = member_.origin().full();
  if (s.ok() && member_.thin() && !HandlesThin()) {
    return Status::Refused(member_.snapshot().full() + " is a thin snapshot, which lvm-revert "
                           "resets with LVM's merge: --backup, --backup-snapshot, "
                           "--remove-snapshot and --format dd work on old-style snapshots")
        .WithReason(RefusalReason::kThinSnapshot);
  }
  if (s.ok() && vg_ && vg_->shared()) s = CheckSharedVg(*vg_);
  if (s.ok()) s = CheckOtherReverts(view_);
  return s;
}

Status LvmSession::CheckSharedVg(const VgIdentity& vg) {
  const LvRecord* origin = view_.Find(member_.origin().lv);
  return CheckOriginHeldHere(vg, member_.origin(), origin == nullptr ? "" : origin->uuid,
                             env_.lvm->ReadLockdState());
}

VgLocking LvmSession::CallerLocking() const {
  return vg_ && vg_->shared() ? VgLocking::kCallerHoldsFileLock : VgLocking::kCallerHoldsLock;
}

StatusOr<LvmView> LvmSession::ReadView(bool while_suspended) {
  StatusOr<std::string> report = while_suspended ? env_.lvm->ReportVgWhileSuspended(options_.vg())
                                                 : env_.lvm->ReportVg(options_.vg());
  if (!report.ok()) return report.status();
  return LvmView::Parse(*report);
}

// Between LVM's view and the mark, only our tag may have changed.
Status LvmSession::RememberVgAsMarked() {
  if (!vg_ || !vg_->shared()) return Status::Ok();
  StatusOr<LvmView> now = ReadView(snapshot_suspended());
  if (!now.ok()) return now.status().WithPrefix("reading volume group " + options_.vg() + " again");
  const std::vector<std::string> changes =
      DescribeVgChanges(options_.vg(), view_, *now, member_.marked().lv);
  if (!changes.empty()) {
    std::string list;
    for (const std::string& c : changes) list += (list.empty() ? "" : "; ") + c;
    return Status::Refused("volume group " + options_.vg() + " changed after lvm-revert read it "
                           "(another host?): " + list + "; nothing was written");
  }
  view_as_marked_ = std::move(now).value();
  return Status::Ok();
}

Status LvmSession::CheckVgUnchangedDuringCopy() {
  if (!view_as_marked_) return Status::Ok();
  StatusOr<LvmView> now = ReadView();
  if (!now.ok()) {
    return Status::Incomplete("the copy is complete, but volume group " + options_.vg() +
                              " could not be read again to see whether another host changed it "
                              "meanwhile (" + now.status().message() + ")");
  }
  const uint64_t seqno_before = view_as_marked_->lvs().front().vg_seqno;
  const uint64_t seqno_after = now->lvs().empty() ? 0 : now->lvs().front().vg_seqno;
  if (seqno_before == seqno_after) return Status::Ok();
  std::string list;
  for (const std::string& c : DescribeVgChanges(options_.vg(), *view_as_marked_, *now)) {
    list += (list.empty() ? ": " : "; ") + c;
  }
  return Status::Incomplete("volume group " + options_.vg() + " changed while lvm-revert wrote " +
                            member_.origin().full() + " (metadata seqno " +
                            std::to_string(seqno_before) + " -> " + std::to_string(seqno_after) +
                            "; another host?)" + list);
}

Status LvmSession::CheckOtherReverts(const LvmView& view) {
  if (options_.compare) return Status::Ok();
  return CheckNoOtherIncomplete(view, member_.origin(), member_.marked());
}

Status LvmSession::AssessSiblings() {
  for (const SiblingSnapshot& sib : member_.topology().siblings) {
    const std::string path = env_.device_path(sib.cow_name, sib.cow_dev);
    const DmNode cow_node{sib.cow_name, sib.cow_dev, 0, false};
    StatusOr<DeviceFile> cow = OpenDmNode(path, cow_node, Access::kReadOnly, false);
    if (!cow.ok()) return cow.status().WithPrefix("sibling snapshot " + sib.lv.full());
    StatusOr<ExceptionStore> store = ReadStore(*cow, sib.length_bytes);
    if (!store.ok()) return store.status().WithPrefix("sibling snapshot " + sib.lv.full());
    report_.siblings.push_back(AssessSiblingStore(sib.lv.full(), *plan_, *store, sib.length_bytes));
    sibling_cows_.push_back(std::move(cow).value());
  }
  return Status::Ok();
}

Status LvmSession::SuspendSnapshot() {
  const std::string& name = member_.topology().snapshot.name;
  suspended_.emplace(*env_.dm, name,
                     UdevPolicy{options_.udev_sync && config_.udev_sync,
                                SnapshotResumeUdevFlags(config_.udev_rules,
                                                        config_.verify_udev_operations)});
  Status s = suspended_->Suspend();
  if (!s.ok()) {
    suspended_.reset();
    return s.WithPrefix("suspending " + name);
  }
  if (!suspended_->memory_locked()) Note("mlockall failed; continuing without locked memory");
  Note("suspended " + name);
  return Status::Ok();
}

Status LvmSession::ResumeSnapshot() {
  if (!suspended_) return Status::Ok();
  const std::string name = suspended_->name();
  Status s = suspended_->Resume();
  suspended_.reset();
  if (!s.ok()) {
    return Status::Incomplete("resuming " + name + " failed (" + s.message() +
                              "); run: dmsetup resume " + name);
  }
  Note("resumed " + name);
  return Status::Ok();
}

Status LvmSession::CheckStoreUnchanged() {
  const uint64_t covered = member_.covered_bytes();
  StatusOr<ExceptionStore> again = ReadStore(member_.source_file(), covered);
  if (!again.ok()) return again.status();
  StatusOr<Plan> replanned =
      Plan::Build(std::move(again->exceptions), plan_->chunk_size_bytes(), covered);
  const auto before = plan_->exceptions();
  if (!replanned.ok() ||
      !std::equal(before.begin(), before.end(), replanned->exceptions().begin(),
                  replanned->exceptions().end())) {
    return Status::Refused("the snapshot's exception store changed after it was read (is "
                           "something writing to the origin or the snapshot?); nothing was "
                           "written");
  }
  return Status::Ok();
}

Status LvmSession::BeforeFirstOriginWrite() {
  mark_.emplace(*env_.lvm, member_.marked(), member_.marked_record(), options_.consumes_tag,
                CallerLocking());
  Status s = mark_->Set();
  if (s.ok() && mark_->committed()) {
    Note("tagged " + member_.marked().full() + " " + kTagIncomplete +
         " until the revert is complete");
  }
  if (s.ok()) s = RememberVgAsMarked();
  return s;
}

Status LvmSession::ClearIncomplete(const std::string& state) {
  return mark_ ? mark_->Clear(state) : Status::Ok();
}

// Whatever happened, nothing stays suspended, and no mark is left behind a
// copy that never started.
Status LvmSession::Cleanup(Status status) {
  Status resumed = ResumeSnapshot();
  // A device left suspended needs the admin, whatever else happened.
  if (!resumed.ok() && status.code() != StatusCode::kIncomplete) status = resumed;
  if (mark_ && mark_->is_set() && !copy_started()) {
    Status cleared = ClearIncomplete("nothing was written");
    if (!cleared.ok() && status.code() != StatusCode::kIncomplete) status = cleared;
  }
  return status;
}

}  // namespace lvmrevert::lvmext
