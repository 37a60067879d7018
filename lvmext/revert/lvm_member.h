// One member of an LVM revert: an origin and where its old data comes from,
// a snapshot's exception store or (--restore) a backup file. Resolved from
// LVM's view and device-mapper, checked, and opened. Everything here only
// reads; the session (lvm_session.h) decides what is written.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "core/device_file.h"
#include "core/status.h"
#include "lvmext/cli/environment.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/lvm_topology.h"
#include "lvmext/lvm/lvm_view.h"
#include "lvmext/revert/thin_steps.h"

namespace lvmrevert::lvmext {

enum class SourceKind { kSnapshotStore, kBackupFile };

// How the member's origin is used: written, or only read (--compare and
// scheduling, which leave the origin in use).
enum class OriginUse { kWrite, kReadOnly };

using WarnFn = std::function<void(const std::string&)>;

class LvmMember {
 public:
  // VG/LV VG/SNAP, or VG/SNAP alone: `origin.lv` empty until Resolve finds it.
  static LvmMember ForSnapshot(LvRef origin, LvRef snapshot);
  // --restore FILE VG/LV.
  static LvmMember ForBackupFile(LvRef origin, std::string backup_path);

  SourceKind source() const { return source_; }
  const LvRef& origin() const { return origin_; }
  const LvRef& snapshot() const { return snapshot_; }
  const std::string& backup_path() const { return backup_path_; }
  // The LV that carries the mark of the revert under way: the snapshot read,
  // or for a backup file the origin itself.
  const LvRef& marked() const { return source_ == SourceKind::kBackupFile ? origin_ : snapshot_; }
  const LvRecord* origin_record() const { return origin_record_; }
  const LvRecord* snapshot_record() const { return snapshot_record_; }
  const LvRecord* marked_record() const {
    return source_ == SourceKind::kBackupFile ? origin_record_ : snapshot_record_;
  }
  const SnapshotTopology& topology() const { return topo_; }
  const std::string& origin_path() const { return origin_path_; }
  // How far the source covers the origin: the snapshot's length, or all of
  // the origin for a backup (known once opened).
  uint64_t covered_bytes() const { return topo_.snapshot_length_bytes; }
  const DeviceFile& origin_file() const { return origin_file_; }
  const DeviceFile& source_file() const { return source_file_; }

  // From LVM's view: the origin of VG/SNAP alone, the state of the pair (or
  // of the origin alone for a backup file), and their records. A thin
  // snapshot (or one a thin reset is part-way through) is resolved as thin:
  // its snapshot record is null when only its copy is left.
  Status Resolve(const LvmView& view);
  bool thin() const { return thin_; }
  // A thin member: the step of its reset that comes next (thin_steps.h).
  ThinStep thin_step() const { return thin_step_; }
  // The device-mapper stack of the member, and its device nodes.
  Status ResolveDevices(DeviceMapper& dm, const LvmView& view, const Environment& env);
  // The devices a --backup file must not lie on.
  std::vector<dev_t> devices() const;

  // A device left suspended (by an lvm-revert killed with SIGKILL, say)
  // makes every read of it wait, ours included: say so instead of hanging.
  Status CheckNothingSuspended() const;
  // Nothing but the device-mapper stack itself may use these devices.
  Status CheckNotInUse(safety::SystemView& view, const WarnFn& warn) const;
  // Opens the origin (for writing and exclusively, unless only read), the
  // snapshot and the source.
  Status Open(Environment& env, OriginUse use);
  // After Open for writing: nobody opened the origin or the snapshot
  // between the check and our open.
  Status CheckStillUnused(DeviceMapper& dm) const;
  // Checks the origin is as large as what the source covers.
  Status CheckOriginSize();
  void Close();

 private:
  LvmMember(SourceKind source, LvRef origin, LvRef snapshot, std::string backup_path)
      : source_(source), origin_(std::move(origin)), snapshot_(std::move(snapshot)),
        backup_path_(std::move(backup_path)) {}
  Status OpenBackupFile(Environment& env);
  Status ResolveThin(const LvmView& view);

  SourceKind source_;
  bool thin_ = false;
  ThinStep thin_step_ = ThinStep::kCopy;
  LvRef origin_;
  LvRef snapshot_;
  std::string backup_path_;
  const LvRecord* origin_record_ = nullptr;
  const LvRecord* snapshot_record_ = nullptr;
  SnapshotTopology topo_;
  std::string origin_path_;
  std::string snapshot_path_;
  DeviceFile origin_file_;
  DeviceFile snapshot_file_;
  DeviceFile source_file_;
};

// An origin in use (the root, say) can still be reverted before it is
// mounted: the refusal `s`, with how.
Status OfferBoot(const Status& s, const LvRef& origin, const LvRef& snapshot);

// Opens the device node `path` of `node`: a block device must be that very
// device, by number, from the check to the open.
StatusOr<DeviceFile> OpenDmNode(const std::string& path, const DmNode& node, Access access,
                                bool exclusive);

}  // namespace lvmrevert::lvmext
