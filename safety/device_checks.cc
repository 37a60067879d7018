#include "safety/device_checks.h"

#include <sys/stat.h>

#include <cerrno>

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
  if (!fs) return path;
  return path + " (" + fs->type + (fs->label.empty() ? "" : " \"" + fs->label + "\"") + ")";
}

}  // namespace

Status CheckNotMountedOrSwap(SystemView& view, const std::string& role, const std::string& path,
                             dev_t rdev) {
  StatusOr<std::vector<std::string>> mounts = view.MountPointsOf(rdev, path);
  if (!mounts.ok()) return mounts.status().WithPrefix("checking whether " + path + " is mounted");
  if (!mounts->empty()) {
    return Status::Refused(role + " " + Described(view, path) + " is mounted on " +
                           Join(*mounts) + ": unmount it first");
  }
  StatusOr<bool> swap = view.IsActiveSwap(rdev, path);
  if (!swap.ok()) return swap.status().WithPrefix("checking whether " + path + " is a swap area");
  if (*swap) {
    return Status::Refused(role + " " + path + " is an active swap area: swapoff it first");
  }
  return Status::Ok();
}

Status CheckNotLoopBacking(SystemView& view, const std::string& role, const std::string& path,
                           dev_t dev, ino_t ino) {
  StatusOr<std::vector<std::string>> loops = view.LoopDevicesBackedBy(dev, ino);
  if (!loops.ok()) return loops.status().WithPrefix("checking loop devices");
  if (!loops->empty()) {
    return Status::Refused(role + " image " + path + " is the backing file of " + Join(*loops) +
                           ": detach it first (losetup -d " + loops->front() + ")");
  }
  return Status::Ok();
}

Status CheckPathNotInUse(SystemView& view, const std::string& role, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::Ok();
  if (S_ISBLK(st.st_mode)) return CheckNotMountedOrSwap(view, role, path, st.st_rdev);
  if (S_ISREG(st.st_mode)) return CheckNotLoopBacking(view, role, path, st.st_dev, st.st_ino);
  return Status::Ok();
}

Status CheckOpenCount(const std::string& role, const std::string& label, int open_count,
                      int explained) {
  if (open_count > explained) {
    return Status::Refused(role + " " + label + " is open (open count " +
                           std::to_string(open_count) + ", expected " +
                           std::to_string(explained) +
                           "): close whatever uses it first (see fuser -vm, lsof)");
  }
  return Status::Ok();
}

Status CheckNoHolders(SystemView& view, const std::string& role, const std::string& label,
                      dev_t rdev) {
  StatusOr<std::vector<std::string>> holders = view.HoldersOf(rdev);
  if (!holders.ok()) return holders.status().WithPrefix("checking what holds " + label);
  if (!holders->empty()) {
    return Status::Refused(role + " " + label + " is held by " + Join(*holders) +
                           " (a device stacked on it): remove that first");
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

Status CheckDistinct(const DeviceFile& origin, const DeviceFile& store) {
  if (SameFile(origin, store)) {
    return Status::Refused("the origin and the snapshot store are the same " +
                           std::string(origin.is_block_device ? "device" : "file") + " (" +
                           origin.path + " and " + store.path + ")");
  }
  return Status::Ok();
}

}  // namespace lvmrevert::safety
