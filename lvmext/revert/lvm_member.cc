#include "lvmext/revert/lvm_member.h"

#include "core/quoting.h"
#include "lvmext/lvm/preflight.h"
#include "lvmext/revert/thin_steps.h"
#include "safety/device_checks.h"

namespace lvmrevert::lvmext {

LvmMember LvmMember::ForSnapshot(LvRef origin, LvRef snapshot) {
  return LvmMember(SourceKind::kSnapshotStore, std::move(origin), std::move(snapshot), "");
}

LvmMember LvmMember::ForBackupFile(LvRef origin, std::string backup_path) {
  return LvmMember(SourceKind::kBackupFile, std::move(origin), LvRef{}, std::move(backup_path));
}

Status LvmMember::ResolveThin(const LvmView& view) {
  thin_ = true;
  if (origin_.lv.empty()) {
    StatusOr<LvRef> origin = ThinOrigin(view, snapshot_);
    if (!origin.ok()) return origin.status();
    origin_ = *origin;
  }
  StatusOr<ThinStep> step = CheckThinMember(view, origin_, snapshot_);
  if (!step.ok()) return step.status();
  thin_step_ = *step;
  origin_record_ = view.Find(origin_.lv);
  snapshot_record_ = view.Find(snapshot_.lv);
  return Status::Ok();
}

Status LvmMember::Resolve(const LvmView& view) {
  if (source_ == SourceKind::kSnapshotStore && IsThinMember(view, snapshot_)) {
    return ResolveThin(view);
  }
  if (origin_.lv.empty()) {
    StatusOr<LvRef> origin = InferOrigin(view, snapshot_);
    if (!origin.ok()) return origin.status();
    origin_ = *origin;
  }
  Status s = source_ == SourceKind::kBackupFile ? CheckRestoreState(view, origin_)
                                                : CheckPairState(view, origin_, snapshot_);
  if (!s.ok()) return s;
  origin_record_ = view.Find(origin_.lv);
  if (source_ == SourceKind::kSnapshotStore) snapshot_record_ = view.Find(snapshot_.lv);
  return Status::Ok();
}

Status LvmMember::ResolveDevices(DeviceMapper& dm, const LvmView& view, const Environment& env) {
  StatusOr<SnapshotTopology> topology =
      source_ == SourceKind::kBackupFile
          ? ResolveOriginTopology(dm, view, *origin_record_)
          : ResolveTopology(dm, view, *origin_record_, *snapshot_record_);
  if (!topology.ok()) return topology.status();
  topo_ = std::move(topology).value();
  origin_path_ = env.device_path(topo_.origin.name, topo_.origin.dev);
  if (source_ == SourceKind::kSnapshotStore) {
    snapshot_path_ = env.device_path(topo_.snapshot.name, topo_.snapshot.dev);
  }
  return Status::Ok();
}

std::vector<dev_t> LvmMember::devices() const {
  return {topo_.origin.dev, topo_.snapshot.dev, topo_.real.dev};
}

Status LvmMember::CheckNothingSuspended() const {
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

Status OfferBoot(const Status& s, const LvRef& origin, const LvRef& snapshot) {
  if (s.ok() || s.code() != StatusCode::kRefused) return s;
  return Status::Refused(s.message() + "; or revert it at the next boot, before it is mounted: "
                         "lvm-revert --at-next-boot " + origin.full() + " " + snapshot.full())
      .WithReason(s.reason());  // the boot's retry of a briefly open device goes by it
}

Status LvmMember::CheckNotInUse(safety::SystemView& view, const WarnFn& warn) const {
  const bool reads_snapshot = source_ == SourceKind::kSnapshotStore;
  Status s = CheckNothingSuspended();
  if (s.ok()) {
    s = OfferBoot(safety::CheckNotMountedOrSwap(view, "origin", origin_path_, topo_.origin.dev),
                  origin_, snapshot_);
  }
  if (s.ok() && reads_snapshot) {
    s = safety::CheckNotMountedOrSwap(view, "snapshot", snapshot_path_, topo_.snapshot.dev);
  }
  if (s.ok()) {
    s = CheckOpenCounts(topo_, origin_, snapshot_, !reads_snapshot);
    if (!s.ok() && topo_.origin.open_count != 0) s = OfferBoot(s, origin_, snapshot_);
  }
  if (s.ok()) s = safety::CheckNoHolders(view, "origin", origin_.full(), topo_.origin.dev);
  if (!reads_snapshot || !s.ok()) return s;
  s = safety::CheckNoHolders(view, "snapshot", snapshot_.full(), topo_.snapshot.dev);
  if (!s.ok()) return s;
  const std::string warning = safety::FilesystemUuidWarning(view, origin_path_, snapshot_path_);
  if (!warning.empty()) warn(warning);
  return Status::Ok();
}

StatusOr<DeviceFile> OpenDmNode(const std::string& path, const DmNode& node, Access access,
                                bool exclusive) {
  StatusOr<FileIdentity> id = IdentifyPath(path);
  if (!id.ok()) return id.status();
  if (id->block && id->rdev != node.dev) {
    return Status::Refused(path + " is not device-mapper device " + node.name);
  }
  return OpenDeviceFile({path, access, exclusive, *id});
}

Status LvmMember::Open(Environment& env, OriginUse use) {
  // Exclusive opens keep out mounts and exclusive users for the whole run.
  // The origin is opened for writing even for a dry run, so that a dry run
  // refuses a read-only origin as the real run would; it writes nothing.
  // Scheduling only needs the origin's size: it may be mounted.
  const bool in_use_allowed = use == OriginUse::kReadOnly;
  StatusOr<DeviceFile> origin =
      OpenDmNode(origin_path_, topo_.origin, in_use_allowed ? Access::kReadOnly : Access::kReadWrite,
                 !in_use_allowed);
  if (!origin.ok()) return origin.status().WithPrefix("origin " + origin_.full());
  origin_file_ = std::move(origin).value();
  if (source_ == SourceKind::kBackupFile) return OpenBackupFile(env);
  if (!in_use_allowed) {
    StatusOr<DeviceFile> snapshot =
        OpenDmNode(snapshot_path_, topo_.snapshot, Access::kReadOnly, true);
    if (!snapshot.ok()) return snapshot.status().WithPrefix("snapshot " + snapshot_.full());
    snapshot_file_ = std::move(snapshot).value();
  }
  const std::string cow_path = env.device_path(topo_.cow.name, topo_.cow.dev);
  StatusOr<DeviceFile> cow = OpenDmNode(cow_path, topo_.cow, Access::kReadOnly, false);
  if (!cow.ok()) return cow.status().WithPrefix("snapshot store");
  source_file_ = std::move(cow).value();
  return Status::Ok();
}

Status LvmMember::CheckStillUnused(DeviceMapper& dm) const {
  // A backup file has no snapshot device to open, and the origin is ours.
  if (source_ == SourceKind::kBackupFile) return Status::Ok();
  for (const DmNode* node : {&topo_.origin, &topo_.snapshot}) {
    StatusOr<DmInfo> info = dm.Info(node->name);
    if (!info.ok()) return info.status();
    const bool is_origin = node == &topo_.origin;
    Status s = safety::CheckOpenCount(is_origin ? "origin" : "snapshot",
                                      is_origin ? origin_.full() : snapshot_.full(),
                                      info->open_count, 1);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// The backup file must not lie on the origin.
Status LvmMember::OpenBackupFile(Environment& env) {
  StatusOr<FileIdentity> id = IdentifyPath(backup_path_);
  if (!id.ok()) return id.status().WithPrefix("backup").WithCode(StatusCode::kRefused);
  StatusOr<DeviceFile> backup = OpenDeviceFile({backup_path_, Access::kReadOnly, false, *id});
  if (!backup.ok()) return backup.status().WithPrefix("backup");
  source_file_ = std::move(backup).value();
  std::vector<dev_t> origin_devices = {topo_.origin.dev};
  if (!topo_.real.name.empty()) origin_devices.push_back(topo_.real.dev);
  if (source_file_.is_block_device) {
    return source_file_.rdev == topo_.origin.dev
               ? Status::Refused("the backup is the origin itself")
               : Status::Ok();
  }
  return safety::CheckNotOnDevices(env.view, "backup " + QuotedName(source_file_.path),
                                   source_file_.dev, origin_devices);
}

Status LvmMember::CheckOriginSize() {
  // A backup covers the origin as it was: all of it.
  if (source_ == SourceKind::kBackupFile) topo_.snapshot_length_bytes = origin_file_.size_bytes;
  if (origin_file_.size_bytes < topo_.snapshot_length_bytes) {
    return Status::Refused("origin " + origin_path_ + " (" +
                           std::to_string(origin_file_.size_bytes) +
                           " bytes) is smaller than its snapshot (" +
                           std::to_string(topo_.snapshot_length_bytes) + " bytes)");
  }
  return Status::Ok();
}

void LvmMember::Close() {
  origin_file_ = DeviceFile();
  snapshot_file_ = DeviceFile();
  source_file_ = DeviceFile();
}

}  // namespace lvmrevert::lvmext
