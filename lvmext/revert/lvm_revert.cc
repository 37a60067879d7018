#include "lvmext/revert/lvm_revert.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "core/quoting.h"
#include "core/sibling_impact.h"
#include "lvmext/cli/tags.h"
#include "lvmext/lvm/dm_table.h"
#include "lvmext/system/interrupt.h"
#include "lvmext/lvm/lvm_topology.h"
#include "lvmext/lvm/lvm_view.h"
#include "lvmext/cli/plan_output.h"
#include "lvmext/lvm/preflight.h"
#include "lvmext/revert/other_reverts.h"
#include "lvmext/revert/revert_session.h"
#include "lvmext/lvm/vg_lock.h"
#include "safety/device_checks.h"

namespace lvmrevert::lvmext {
namespace {

// Resumes what it suspended, on every way out. While a device is suspended
// nothing may page-fault from disk, so memory is locked (as LVM does).
class SuspendedDevice {
 public:
  SuspendedDevice(DeviceMapper& dm, std::string name, UdevPolicy udev)
      : dm_(dm), name_(std::move(name)), udev_(udev) {}
  ~SuspendedDevice() { (void)Resume(); }
  SuspendedDevice(const SuspendedDevice&) = delete;
  SuspendedDevice& operator=(const SuspendedDevice&) = delete;

  Status Suspend() {
    memory_locked_ = ::mlockall(MCL_CURRENT | MCL_FUTURE) == 0;
    Status s;
    try {
      s = dm_.Suspend(name_);
    } catch (...) {
      suspended_ = true;  // it may have been: resume on the way out
      throw;
    }
    if (s.ok()) suspended_ = true;
    if (!s.ok()) Unlock();
    return s;
  }

  Status Resume() {
    if (!suspended_) return Status::Ok();
    Status s = dm_.Resume(name_, udev_);
    if (s.ok()) suspended_ = false;
    Unlock();
    return s;
  }

  bool memory_locked() const { return memory_locked_; }

 private:
  void Unlock() {
    if (memory_locked_) ::munlockall();
    memory_locked_ = false;
  }

  DeviceMapper& dm_;
  std::string name_;
  UdevPolicy udev_;
  bool suspended_ = false;
  bool memory_locked_ = false;
};

std::string CeilMiB(uint64_t bytes) {
  return std::to_string((bytes + (1 << 20) - 1) >> 20) + "M";
}

class LvmRevert final : public RevertSession {
 public:
  LvmRevert(const Options& options, Console& console, Environment& env)
      : RevertSession(options, console, env),
        origin_ref_(options.origin_lv ? *options.origin_lv : LvRef{options.snapshot_lv->vg, ""}),
        snapshot_ref_(options.snapshot_lv ? *options.snapshot_lv : LvRef{options.origin_lv->vg, ""}),
        restoring_(options.restores()) {
    report_.mode = "lvm";
    // VG/SNAP alone: the origin is known once LVM's view is read.
    if (!origin_ref_.lv.empty()) report_.origin = origin_ref_.full();
    if (restoring_) {
      report_.store = options.restore_path;
    } else {
      report_.snapshot = snapshot_ref_.full();
    }
  }

 private:
  Status Prepare() override {
    // (The command line made sure of one VG and two different names.)
    if (env_.dm == nullptr || env_.lvm == nullptr) {
      return Status::Refused("the LVM form needs device-mapper and the LVM tools");
    }
    // No LVM command may change the VG under us: take its lock first, as an
    // LVM command that modifies the VG would (a dry run only reads). The lock
    // lives in LVM's locking_dir, which lvmconfig tells; LVM's default is
    // nearly always right, so lock there and ask lvmconfig and lvs at once,
    // and redo both in order only when the configuration says otherwise.
    std::string report;
    Status s = LockAndReadView(&report);
    if (!s.ok()) return s;
    Note("holding " + lock_.path());
    MaybeDebugPause("locked");
    if (Interrupted()) return Status::Refused("interrupted");

    s = CheckLvmView(report);
    if (!s.ok()) return s;
    StatusOr<SnapshotTopology> topology =
        restoring_ ? ResolveOriginTopology(*env_.dm, view_, *origin_lv_)
                   : ResolveTopology(*env_.dm, view_, *origin_lv_, *snapshot_lv_);
    if (!topology.ok()) return topology.status();
    topo_ = std::move(topology).value();
    origin_path_ = env_.device_path(topo_.origin.name, topo_.origin.dev);
    if (!restoring_) snapshot_path_ = env_.device_path(topo_.snapshot.name, topo_.snapshot.dev);
    s = CheckBackupTarget({topo_.origin.dev, topo_.snapshot.dev, topo_.real.dev});
    if (!s.ok()) return s;

    // Scheduling makes every check that does not need the origin closed:
    // the origin may be in use (the root, mounted); the boot checks again.
    s = options_.reads_origin_only() ? CheckNothingSuspended() : CheckNotInUse();
    if (!s.ok()) return s;
    s = OpenDevices();
    if (!s.ok()) return s;
    // Nobody may write to the snapshot while its store is read and copied.
    // With -y nothing waits for a person, so suspend before reading: the
    // store is then read once, already stable.
    if (!options_.dry_run && !options_.reads_origin_only() && !restoring_ && options_.assume_yes) {
      s = SuspendSnapshot();
      if (!s.ok()) return s;
    }

    // A backup covers the origin as it was: all of it.
    if (restoring_) topo_.snapshot_length_bytes = origin_.size_bytes;
    if (origin_.size_bytes < topo_.snapshot_length_bytes) {
      return Status::Refused("origin " + origin_path_ + " (" + std::to_string(origin_.size_bytes) +
                             " bytes) is smaller than its snapshot (" +
                             std::to_string(topo_.snapshot_length_bytes) + " bytes)");
    }
    // Only the part of the origin the snapshot covers is restored: space
    // added to the origin later was never saved.
    s = LoadPlan(cow_, topo_.snapshot_length_bytes);
    // A live snapshot's table may be read half-way through an update by the
    // kernel when its origin is in use; once more, then it counts.
    if (s.code() == StatusCode::kCorruption && options_.reads_origin_only()) {
      s = LoadPlan(cow_, topo_.snapshot_length_bytes);
    }
    if (!s.ok()) return s;
    const uint64_t header_chunk_sectors = *report_.chunk_size_bytes / 512;
    if (!restoring_ && header_chunk_sectors != topo_.chunk_size_sectors) {
      return Status::Refused("snapshot store " + cow_.path + " says " +
                             std::to_string(header_chunk_sectors) +
                             "-sector chunks but the kernel's table says " +
                             std::to_string(topo_.chunk_size_sectors));
    }
    s = AssessSiblings();
    if (!s.ok()) return s;
    PrintPlan(cow_.path, origin_path_);
    PrintSiblings();
    s = RefuseSiblingOverflow();
    if (s.ok()) s = PrepareBackup();
    return s;
  }

  Status Execute() override {
    if (options_.compare) return CompareWithOrigin(cow_, origin_);
    if (options_.dry_run) {
      report_.result = Result::kDryRun;
      Say(options_.schedules() ? "Dry run: nothing was scheduled." : "Dry run: nothing was written.");
      return Status::Ok();
    }
    if (options_.schedules()) return Schedule();
    // Nothing to revert: no prompt, no suspend; a backup asked for is still
    // made (empty).
    Status s = NothingToRevert(origin_path_) ? CopyPlanToOrigin(cow_, origin_) : ConfirmAndCopy();
    if (s.ok() && !restoring_) s = CheckStillValid();
    if (s.ok()) s = ClearIncomplete("the revert is complete");
    if (s.ok()) s = DropConsumedTag();
    if (!s.ok() || restoring_) return s;

    if (options_.remove_snapshot) {
      // lvremove takes the VG lock itself, and our exclusive opens would
      // keep it from deactivating the snapshot.
      CloseDevices();
      lock_.Release();
      s = env_.lvm->RemoveLv(snapshot_ref_);
      if (!s.ok()) {
        return Status::Incomplete(s.message() + " (the revert itself is complete)");
      }
      report_.snapshot_removed = true;
      Say("Removed " + snapshot_ref_.full() + ".");
    }
    return Status::Ok();
  }

  // The prompt, the suspend (unless -y took it already), the copy.
  Status ConfirmAndCopy() {
    Status s;
    if (restoring_) {
      // No snapshot is read: nothing to suspend; the file is ours alone.
      s = ConfirmRevert(origin_ref_.full(), QuotedName(options_.restore_path));
      if (!s.ok()) return s;
    } else if (!suspended_) {
      s = ConfirmRevert(origin_ref_.full(), snapshot_ref_.full());
      if (!s.ok()) return s;
      s = SuspendSnapshot();
      if (!s.ok()) return s;
      // The store was read before the prompt; it must still say the same.
      s = CheckStoreUnchanged();
      if (!s.ok()) return s;
    }
    s = CopyPlanToOrigin(cow_, origin_);
    if (s.ok()) s = ResumeSnapshot();
    if (!s.ok()) return s;

    report_.result = Result::kReverted;
    Say("Reverted " + origin_path_ + ": wrote " + std::to_string(report_.bytes_written) +
        " bytes (" + MiB(report_.bytes_written) + ") in " +
        std::to_string(plan_->totals().runs) + " runs and flushed.");
    return Status::Ok();
  }

  // Tags the snapshot so the initramfs reverts it before the root is
  // mounted, replacing any other schedule tag.
  Status Schedule() {
    const bool every = options_.action == Action::kScheduleEveryBoot;
    const std::string tag = every ? kTagEveryBoot : kTagNextBoot;
    std::vector<std::string> stale;
    for (const char* other : {kTagNextBoot, kTagEveryBoot, kTagRefused}) {
      if (other != tag && snapshot_lv_->has_tag(other)) stale.push_back(other);
    }
    // lvchange takes the VG lock itself.
    CloseDevices();
    lock_.Release();
    Status s = env_.lvm->ChangeTags(snapshot_ref_, {tag}, stale);
    if (!s.ok()) return s.WithPrefix("tagging " + snapshot_ref_.full());
    report_.result = Result::kScheduled;
    report_.scheduled = every ? "every-boot" : "next-boot";
    const PlanTotals& t = plan_->totals();
    Say(std::string("Scheduled: at ") + (every ? "every boot" : "the next boot") +
        ", before the root filesystem is mounted, " + origin_ref_.full() + " will be " +
        (every ? "reset" : "reverted") + " to " + snapshot_ref_.full() + " (" + MiB(t.bytes) +
        " in " + std::to_string(t.runs) + " runs as of now; the snapshot stays). Tag " + tag +
        " on " + snapshot_ref_.full() + ".");
    Say("To cancel: lvm-revert --cancel " + origin_ref_.full() + " " + snapshot_ref_.full());
    if (env_.boot_image != nullptr) {
      if (const std::optional<std::string> why = env_.boot_image->WhyNotReady()) Warn(*why);
    }
    return Status::Ok();
  }

  StatusOr<VgLock> Lock(const std::string& locking_dir) {
    const bool reads_only = options_.dry_run || options_.reads_origin_only();
    return VgLock::Acquire(
        locking_dir, origin_ref_.vg, reads_only ? LockMode::kShared : LockMode::kExclusive,
        [this] {
          if (!options_.quiet) {
            console_.err << "lvm-revert: waiting for the lock on volume group "
                         << origin_ref_.vg << " (another LVM command holds it)\n";
          }
        });
  }

  // Takes the VG lock, reads LVM's configuration into config_ and, under
  // the lock, LVM's report of the VG into `report`.
  Status LockAndReadView(std::string* report) {
    const std::string guess = env_.lvm->default_locking_dir();
    StatusOr<VgLock> lock = Lock(guess);
    if (lock.ok()) lock_ = std::move(lock).value();
    if (!lock.ok() && lock.status().code() == StatusCode::kRefused) return lock.status();
    ConfigAndReport both = env_.lvm->ReadConfigAndReportVg(origin_ref_.vg);
    if (!both.config_status.ok()) {
      return both.config_status.WithPrefix("reading LVM's configuration");
    }
    config_ = both.config;
    Status report_status = both.report_status;
    *report = std::move(both.report);
    if (!lock.ok() || config_.locking_dir != guess) {
      // The report was read without LVM's real lock: lock, then read again.
      lock_.Release();
      lock = Lock(config_.locking_dir);
      if (!lock.ok()) return lock.status();
      lock_ = std::move(lock).value();
      StatusOr<std::string> again = env_.lvm->ReportVg(origin_ref_.vg);
      report_status = again.status();
      if (again.ok()) *report = std::move(again).value();
    }
    if (report_status.code() == StatusCode::kNotFound) return Status::Refused(report_status.message());
    return report_status;
  }

  Status SuspendSnapshot() {
    suspended_.emplace(*env_.dm, topo_.snapshot.name,
                       UdevPolicy{options_.udev_sync && config_.udev_sync,
                                  SnapshotResumeUdevFlags(config_.udev_rules,
                                                          config_.verify_udev_operations)});
    Status s = suspended_->Suspend();
    if (!s.ok()) {
      suspended_.reset();
      return s.WithPrefix("suspending " + topo_.snapshot.name);
    }
    if (!suspended_->memory_locked()) Note("mlockall failed; continuing without locked memory");
    Note("suspended " + topo_.snapshot.name);
    return Status::Ok();
  }

  Status ResumeSnapshot() {
    if (!suspended_) return Status::Ok();
    Status s = suspended_->Resume();
    suspended_.reset();
    if (!s.ok()) {
      return Status::Incomplete("resuming " + topo_.snapshot.name + " failed (" + s.message() +
                                "); run: dmsetup resume " + topo_.snapshot.name);
    }
    Note("resumed " + topo_.snapshot.name);
    return Status::Ok();
  }

  // Whatever happened, nothing stays suspended, and no mark is left behind
  // a copy that never started.
  Status Cleanup(Status status) override {
    Status resumed = ResumeSnapshot();
    // A device left suspended needs the admin, whatever else happened.
    if (!resumed.ok() && status.code() != StatusCode::kIncomplete) status = resumed;
    if (marked_ && !copy_started()) {
      Status cleared = ClearIncomplete("nothing was written");
      if (!cleared.ok() && status.code() != StatusCode::kIncomplete) status = cleared;
    }
    return status;
  }

  // LVM's own view: does the pair exist, is it an old-style snapshot of
  // that origin, and is no merge pending? (preflight.h)
  Status CheckLvmView(const std::string& report) {
    StatusOr<LvmView> view = LvmView::Parse(report);
    if (!view.ok()) return view.status();
    view_ = std::move(view).value();
    if (origin_ref_.lv.empty()) {
      StatusOr<LvRef> origin = InferOrigin(view_, snapshot_ref_);
      if (!origin.ok()) return origin.status();
      origin_ref_ = *origin;
      report_.origin = origin_ref_.full();
    }
    Status s = restoring_ ? CheckRestoreState(view_, origin_ref_)
                          : CheckPairState(view_, origin_ref_, snapshot_ref_);
    if (s.ok() && !options_.compare) s = CheckNoOtherIncomplete(view_, origin_ref_, MarkedLv());
    if (s.ok() && options_.schedules()) s = CheckNoOtherSchedule(view_, origin_ref_, snapshot_ref_);
    if (!s.ok()) return s;
    origin_lv_ = view_.Find(origin_ref_.lv);
    if (!restoring_) snapshot_lv_ = view_.Find(snapshot_ref_.lv);
    return Status::Ok();
  }

  // A device left suspended (by an lvm-revert killed with SIGKILL, say)
  // makes every read of it wait, ours included: say so instead of hanging.
  Status CheckNothingSuspended() {
    std::vector<const DmNode*> nodes = {&topo_.origin, &topo_.real, &topo_.snapshot, &topo_.cow};
    for (const SiblingSnapshot& sib : topo_.siblings) nodes.push_back(&sib.snapshot);
    for (const DmNode* node : nodes) {
      if (node->name.empty() || !node->suspended) continue;
      return Status::Refused("device-mapper device " + node->name +
                             " is suspended (an lvm-revert killed while copying leaves it so, as "
                             "can other tools): every read of it waits. Resume it first: "
                             "dmsetup resume " + node->name);
    }
    return Status::Ok();
  }

  // An origin in use (the root, say) can still be reverted before it is
  // mounted: say how.
  Status OfferBoot(const Status& s) const {
    if (s.ok() || s.code() != StatusCode::kRefused) return s;
    return Status::Refused(s.message() + "; or revert it at the next boot, before it is mounted: "
                           "lvm-revert --at-next-boot " + origin_ref_.full() + " " +
                           snapshot_ref_.full());
  }

  // Nothing but the device-mapper stack itself may use these devices.
  Status CheckNotInUse() {
    safety::SystemView& view = env_.view;
    Status s = CheckNothingSuspended();
    if (s.ok()) {
      s = OfferBoot(safety::CheckNotMountedOrSwap(view, "origin", origin_path_, topo_.origin.dev));
    }
    if (s.ok() && !restoring_) {
      s = safety::CheckNotMountedOrSwap(view, "snapshot", snapshot_path_, topo_.snapshot.dev);
    }
    if (s.ok()) {
      s = CheckOpenCounts(topo_, origin_ref_, snapshot_ref_, restoring_);
      if (!s.ok() && topo_.origin.open_count != 0) s = OfferBoot(s);
    }
    if (s.ok()) s = safety::CheckNoHolders(view, "origin", origin_ref_.full(), topo_.origin.dev);
    if (restoring_ || !s.ok()) return s;
    s = safety::CheckNoHolders(view, "snapshot", snapshot_ref_.full(), topo_.snapshot.dev);
    if (!s.ok()) return s;
    const std::string warning = safety::FilesystemUuidWarning(view, origin_path_, snapshot_path_);
    if (!warning.empty()) Warn(warning);
    return Status::Ok();
  }

  // Opens the device node `path` of `node`: a block device must be that very
  // device, by number, from the check to the open.
  StatusOr<DeviceFile> OpenNode(const std::string& path, const DmNode& node, Access access,
                                bool exclusive) {
    StatusOr<FileIdentity> id = IdentifyPath(path);
    if (!id.ok()) return id.status();
    if (id->block && id->rdev != node.dev) {
      return Status::Refused(path + " is not device-mapper device " + node.name);
    }
    return OpenDeviceFile({path, access, exclusive, *id});
  }

  Status OpenDevices() {
    // Exclusive opens keep out mounts and exclusive users for the whole run.
    // The origin is opened for writing even for a dry run, so that a dry run
    // refuses a read-only origin as the real run would; it writes nothing.
    // Scheduling only needs the origin's size: it may be mounted.
    const bool in_use_allowed = options_.reads_origin_only();
    StatusOr<DeviceFile> origin =
        OpenNode(origin_path_, topo_.origin, in_use_allowed ? Access::kReadOnly : Access::kReadWrite,
                 !in_use_allowed);
    if (!origin.ok()) return origin.status().WithPrefix("origin " + origin_ref_.full());
    origin_ = std::move(origin).value();
    if (restoring_) return OpenBackup();
    if (!in_use_allowed) {
      StatusOr<DeviceFile> snapshot =
          OpenNode(snapshot_path_, topo_.snapshot, Access::kReadOnly, true);
      if (!snapshot.ok()) return snapshot.status().WithPrefix("snapshot " + snapshot_ref_.full());
      snapshot_ = std::move(snapshot).value();
    }
    const std::string cow_path = env_.device_path(topo_.cow.name, topo_.cow.dev);
    StatusOr<DeviceFile> cow = OpenNode(cow_path, topo_.cow, Access::kReadOnly, false);
    if (!cow.ok()) return cow.status().WithPrefix("snapshot store");
    cow_ = std::move(cow).value();
    NoteOpened(origin_, cow_);

    // Someone may have opened them between the check and our open.
    if (in_use_allowed) return Status::Ok();
    for (const DmNode* node : {&topo_.origin, &topo_.snapshot}) {
      StatusOr<DmInfo> info = env_.dm->Info(node->name);
      if (!info.ok()) return info.status();
      Status s = safety::CheckOpenCount(node == &topo_.origin ? "origin" : "snapshot",
                                        node == &topo_.origin ? origin_ref_.full() : snapshot_ref_.full(),
                                        info->open_count, 1);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  // --restore: the backup file, which must not lie on the origin.
  Status OpenBackup() {
    StatusOr<FileIdentity> id = IdentifyPath(options_.restore_path);
    if (!id.ok()) return id.status().WithPrefix("backup").WithCode(StatusCode::kRefused);
    StatusOr<DeviceFile> backup =
        OpenDeviceFile({options_.restore_path, Access::kReadOnly, false, *id});
    if (!backup.ok()) return backup.status().WithPrefix("backup");
    cow_ = std::move(backup).value();
    std::vector<dev_t> origin_devices = {topo_.origin.dev};
    if (!topo_.real.name.empty()) origin_devices.push_back(topo_.real.dev);
    Status s = cow_.is_block_device
                   ? (cow_.rdev == topo_.origin.dev
                          ? Status::Refused("the backup is the origin itself")
                          : Status::Ok())
                   : safety::CheckNotOnDevices(env_.view, "backup " + QuotedName(cow_.path),
                                               cow_.dev, origin_devices);
    if (!s.ok()) return s;
    NoteOpened(origin_, cow_);
    return Status::Ok();
  }

  void CloseDevices() {
    origin_ = DeviceFile();
    snapshot_ = DeviceFile();
    cow_ = DeviceFile();
    sibling_cows_.clear();
  }

  // What writing through the origin costs every other snapshot of it.
  Status AssessSiblings() {
    for (const SiblingSnapshot& sib : topo_.siblings) {
      const std::string path = env_.device_path(sib.cow_name, sib.cow_dev);
      const DmNode cow_node{sib.cow_name, sib.cow_dev, 0, false};
      StatusOr<DeviceFile> cow = OpenNode(path, cow_node, Access::kReadOnly, false);
      if (!cow.ok()) return cow.status().WithPrefix("sibling snapshot " + sib.lv.full());
      StatusOr<ExceptionStore> store = ReadStore(*cow, sib.length_bytes);
      if (!store.ok()) return store.status().WithPrefix("sibling snapshot " + sib.lv.full());
      const SiblingImpact impact = AssessSibling(*plan_, *store, sib.length_bytes);
      SiblingReport r;
      r.name = sib.lv.full();
      r.chunk_size_bytes = store->geometry().chunk_size_bytes();
      r.new_chunks = impact.new_chunks;
      r.free_chunks = impact.free_chunks;
      r.would_overflow = impact.would_overflow();
      report_.siblings.push_back(r);
      sibling_cows_.push_back(std::move(cow).value());
    }
    return Status::Ok();
  }

  void PrintSiblings() {
    for (const SiblingReport& r : report_.siblings) {
      Say("Sibling snapshot " + r.name + ": the revert makes it save " +
          std::to_string(r.new_chunks) + " chunks of " + std::to_string(r.chunk_size_bytes) +
          " bytes; it has room for " + std::to_string(r.free_chunks) +
          (r.would_overflow ? " (it would overflow)." : "."));
    }
  }

  Status RefuseSiblingOverflow() {
    for (const SiblingReport& r : report_.siblings) {
      if (!r.would_overflow) continue;
      const uint64_t short_bytes = (r.new_chunks - r.free_chunks) * r.chunk_size_bytes;
      // Room for the data plus a metadata area per exceptions_per_area chunks.
      const uint64_t epa = r.chunk_size_bytes / 16;
      const uint64_t extend_bytes =
          short_bytes + ((r.new_chunks - r.free_chunks) / epa + 2) * r.chunk_size_bytes;
      const std::string what =
          "sibling snapshot " + r.name + " would overflow: the revert makes it save " +
          std::to_string(r.new_chunks) + " more chunks but it has room for " +
          std::to_string(r.free_chunks) + "; the kernel would invalidate it";
      if (options_.allow_invalidate) {
        Warn(what + " (--allow-invalidate given)");
        continue;
      }
      return Status::Refused(what + ". Extend it first (lvextend -L +" + CeilMiB(extend_bytes) +
                             " " + r.name + ") or pass --allow-invalidate")
          .WithReason(RefusalReason::kSiblingWouldOverflow);
    }
    return Status::Ok();
  }

  Status CheckStoreUnchanged() {
    StatusOr<ExceptionStore> again = ReadStore(cow_, topo_.snapshot_length_bytes);
    if (!again.ok()) return again.status();
    StatusOr<Plan> replanned = Plan::Build(std::move(again->exceptions), plan_->chunk_size_bytes(),
                                           topo_.snapshot_length_bytes);
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

  // What carries the mark of a revert under way: the snapshot read, or for
  // --restore the origin itself.
  const LvRef& MarkedLv() const { return restoring_ ? origin_ref_ : snapshot_ref_; }

  // Before the first write to the origin, a mark committed to LVM's
  // metadata, so that a crash leaves a record that survives it: any boot
  // that finds it completes this revert before the origin is mounted, or
  // stops (boot_run.h). A boot-time revert drops its schedule tag in the
  // same commit: it can never start twice.
  Status BeforeFirstOriginWrite() override { return MarkIncomplete(); }

  Status MarkIncomplete() {
    std::vector<std::string> drop;
    if (!options_.consumes_tag.empty()) drop.push_back(options_.consumes_tag);
    const LvRecord* marked = restoring_ ? origin_lv_ : snapshot_lv_;
    if (drop.empty() && marked != nullptr && marked->has_tag(kTagIncomplete)) {
      marked_ = true;  // completing a revert that started: marked already
      return Status::Ok();
    }
    Status s = env_.lvm->ChangeTags(MarkedLv(), {kTagIncomplete}, drop, VgLocking::kCallerHoldsLock);
    if (!s.ok()) {
      return Status::Refused("cannot record that the revert starts (tag " +
                             std::string(kTagIncomplete) + " on " + MarkedLv().full() + "): " +
                             s.message() + "; nothing was written");
    }
    marked_ = true;
    consumed_ = !drop.empty();
    Note("tagged " + MarkedLv().full() + " " + kTagIncomplete + " until the revert is complete");
    return Status::Ok();
  }

  // After the flush (the origin holds the whole revert), or when the copy
  // never started. `state` says which, for the message when LVM fails us:
  // the mark left behind makes every boot stop for it, so the run is not done.
  Status ClearIncomplete(const std::string& state) {
    if (!marked_) return Status::Ok();
    Status s = env_.lvm->ChangeTags(MarkedLv(), {}, {kTagIncomplete}, VgLocking::kCallerHoldsLock);
    if (!s.ok()) {
      return Status::Incomplete(
          state + ", but the tag " + kTagIncomplete + " could not be removed from " +
          MarkedLv().full() + " (" + s.message() + "), so every boot would stop to complete the "
          "revert: run the same command again, or once LVM can change the VG: lvchange --deltag " +
          kTagIncomplete + " " + MarkedLv().full());
    }
    marked_ = false;
    return Status::Ok();
  }

  // A boot-time revert with nothing to write never marked itself, so its
  // schedule tag is still there: done, it goes.
  Status DropConsumedTag() {
    if (options_.consumes_tag.empty() || consumed_ || !snapshot_lv_ ||
        !snapshot_lv_->has_tag(options_.consumes_tag)) {
      return Status::Ok();
    }
    Status s = env_.lvm->ChangeTags(snapshot_ref_, {}, {options_.consumes_tag},
                                    VgLocking::kCallerHoldsLock);
    if (!s.ok()) Warn("could not remove the tag " + options_.consumes_tag + " from " +
                      snapshot_ref_.full() + ": " + s.message());
    return Status::Ok();
  }

  Status CheckStillValid() {
    StatusOr<std::vector<DmTarget>> status = env_.dm->TargetStatus(topo_.snapshot.name);
    if (!status.ok() || status->size() != 1) return Status::Ok();
    StatusOr<SnapshotStatus> st = ParseSnapshotStatus(status->front().params);
    if (st.ok() && st->invalid) {
      return Status::Incomplete("snapshot " + snapshot_ref_.full() +
                                " became invalid during the revert");
    }
    return Status::Ok();
  }

  LvRef origin_ref_;
  LvRef snapshot_ref_;
  bool restoring_;
  LvmConfig config_;
  VgLock lock_;
  LvmView view_;
  const LvRecord* origin_lv_ = nullptr;
  const LvRecord* snapshot_lv_ = nullptr;
  SnapshotTopology topo_;
  std::string origin_path_;
  std::string snapshot_path_;
  DeviceFile origin_;
  DeviceFile snapshot_;
  DeviceFile cow_;
  std::vector<DeviceFile> sibling_cows_;
  std::optional<SuspendedDevice> suspended_;
  bool marked_ = false;    // tagged kTagIncomplete by this run
  bool consumed_ = false;  // options_.consumes_tag dropped by this run
};

}  // namespace

Report RunLvmRevertForm(const Options& options, Console& console, Environment& env) {
  return LvmRevert(options, console, env).Run();
}

}  // namespace lvmrevert::lvmext
