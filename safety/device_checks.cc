#include "safety/device_checks.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "core/quoting.h"

namespace lvmrevert::safety {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::string Described(SystemView& view, const std::string& path) {
  const std::optional<FilesystemInfo> fs = view.ProbeFilesystem(path);
  if (!fs) return QuotedName(path);
  return QuotedName(path) + " (" + fs->type + (fs->label.empty() ? "" : " \"" + fs->label + "\"") + ")";
}

}  // namespace

Status CheckNotMountedOrSwap(SystemView& view, const std::string& role, const std::string& path,
                             dev_t rdev) {
  StatusOr<std::vector<std::string>> mounts = view.MountPointsOf(rdev, path);
  const std::string name = QuotedName(path);
  if (!mounts.ok()) return mounts.status().WithPrefix("checking whether " + name + " is mounted");
  if (!mounts->empty()) {
    std::vector<std::string> targets;
    for (const std::string& m : *mounts) targets.push_back(QuotedName(m));
    return Status::Refused(role + " " + Described(view, path) + " is mounted on " +
                           Join(targets) + ": unmount it first")
        .WithReason(RefusalReason::kInUse);
  }
  StatusOr<bool> swap = view.IsActiveSwap(rdev, path);
  if (!swap.ok()) return swap.status().WithPrefix("checking whether " + name + " is a swap area");
  if (*swap) {
    return Status::Refused(role + " " + name + " is an active swap area: swapoff it first")
        .WithReason(RefusalReason::kInUse);
  }
  return Status::Ok();
}

Status CheckNotInUse(SystemView& view, const std::string& role, const std::string& path,
                     const FileIdentity& identity) {
  if (!identity.block) return Status::Ok();
  return CheckNotMountedOrSwap(view, role, path, identity.rdev);
}

namespace {

// The regular file behind `file`: the image itself, or a loop device's
// backing file.
std::optional<FileIdentity> UnderlyingFile(const DeviceFile& file,
                                           const std::vector<LoopDevice>& loops) {
  if (!file.is_block_device) return file.identity();
  for (const LoopDevice& loop : loops) {
    if (loop.rdev == file.rdev) return loop.backing;
  }
  return std::nullopt;
}

// Loop devices other than `file` itself bound to `file`'s underlying file.
std::vector<const LoopDevice*> OtherLoopsOf(const DeviceFile& file,
                                            const std::vector<LoopDevice>& loops) {
  std::vector<const LoopDevice*> others;
  const std::optional<FileIdentity> underlying = UnderlyingFile(file, loops);
  if (!underlying) return others;
  for (const LoopDevice& loop : loops) {
    if (loop.backing == *underlying && !(file.is_block_device && loop.rdev == file.rdev)) {
      others.push_back(&loop);
    }
  }
  return others;
}

std::string LoopNames(const std::vector<const LoopDevice*>& loops) {
  std::vector<std::string> names;
  for (const LoopDevice* loop : loops) names.push_back(loop->name);
  return Join(names);
}

Status RefuseOtherLoops(const std::string& role, const DeviceFile& file,
                        const std::vector<LoopDevice>& loops) {
  const std::vector<const LoopDevice*> others = OtherLoopsOf(file, loops);
  if (others.empty()) return Status::Ok();
  const std::string detach = ": detach it first (losetup -d " + others.front()->name + ")";
  if (!file.is_block_device) {
    return Status::Refused(role + " image " + QuotedName(file.path) + " is the backing file of " +
                           LoopNames(others) + detach);
  }
  return Status::Refused(role + " " + QuotedName(file.path) + " is a loop device of " +
                         QuotedName(others.front()->backing_name) + ", which " +
                         LoopNames(others) + " is bound to as well" + detach);
}

}  // namespace

Status CheckNoAliases(SystemView& view, const DeviceFile& origin, const DeviceFile& store) {
  StatusOr<std::vector<LoopDevice>> loops = view.LoopDevices();
  if (!loops.ok()) return loops.status().WithPrefix("checking loop devices");
  const std::optional<FileIdentity> origin_file = UnderlyingFile(origin, *loops);
  const std::optional<FileIdentity> store_file = UnderlyingFile(store, *loops);
  const bool same = origin.identity() == store.identity() ||
                    (origin_file && store_file && *origin_file == *store_file);
  if (same) {
    const bool through_loop = origin.identity() != store.identity();
    return Status::Refused("the origin and the snapshot store are the same " +
                           std::string(through_loop           ? "file"
                                       : origin.is_block_device ? "device"
                                                                : "file") +
                           " (" + QuotedName(origin.path) + " and " + QuotedName(store.path) +
                           (through_loop ? ", through a loop device" : "") + ")");
  }
  Status s = RefuseOtherLoops("origin", origin, *loops);
  if (s.ok()) s = RefuseOtherLoops("snapshot store", store, *loops);
  return s;
}

Status CheckOpenCount(const std::string& role, const std::string& label, int open_count,
                      int explained) {
  if (open_count > explained) {
    return Status::Refused(role + " " + label + " is open (open count " +
                           std::to_string(open_count) + ", expected " +
                           std::to_string(explained) +
                           "): close whatever uses it first (see fuser -vm, lsof)")
        .WithReason(RefusalReason::kDeviceOpen);
  }
  return Status::Ok();
}

Status CheckNoHolders(SystemView& view, const std::string& role, const std::string& label,
                      dev_t rdev) {
  StatusOr<std::vector<std::string>> holders = view.HoldersOf(rdev);
  if (!holders.ok()) return holders.status().WithPrefix("checking what holds " + label);
  if (!holders->empty()) {
    return Status::Refused(role + " " + label + " is held by " + Join(*holders) +
                           " (a device stacked on it): remove that first")
        .WithReason(RefusalReason::kInUse);
  }
  return Status::Ok();
}

Status CheckNotOnDevices(SystemView& view, const std::string& what, dev_t fs_dev,
                         const std::vector<dev_t>& devices) {
  std::vector<dev_t> todo = devices;
  std::vector<dev_t> seen;
  while (!todo.empty()) {
    const dev_t dev = todo.back();
    todo.pop_back();
    if (std::find(seen.begin(), seen.end(), dev) != seen.end()) continue;
    seen.push_back(dev);
    if (dev == fs_dev) {
      const std::string name = view.KernelName(dev);
      return Status::Refused(what + " would lie on the device being reverted, or on one stacked on "
                             "it (" + (name.empty() ? std::string("device") : name) +
                             "): put it on another filesystem");
    }
    StatusOr<std::vector<std::string>> holders = view.HoldersOf(dev);
    if (!holders.ok()) return holders.status().WithPrefix("checking where " + what + " lies");
    for (const std::string& holder : *holders) {
      if (const std::optional<dev_t> d = view.DevOf(holder)) todo.push_back(*d);
    }
  }
  return Status::Ok();
}

std::string FilesystemUuidWarning(SystemView& view, const std::string& origin_path,
                                  const std::string& snapshot_path) {
  const std::optional<FilesystemInfo> origin = view.ProbeFilesystem(origin_path);
  const std::optional<FilesystemInfo> snapshot = view.ProbeFilesystem(snapshot_path);
  if (!origin || !snapshot || origin->uuid.empty() || snapshot->uuid.empty() ||
      origin->uuid == snapshot->uuid) {
    return "";
  }
  return "the snapshot's " + snapshot->type + " UUID " + snapshot->uuid +
         " differs from the origin's " + origin->uuid +
         ": after the revert the origin carries " + snapshot->uuid +
         " (check /etc/fstab and the boot loader)";
}

}  // namespace lvmrevert::safety
