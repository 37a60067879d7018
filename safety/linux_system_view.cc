#include <blkid.h>
#include <dirent.h>
#include <fcntl.h>
#include <libmount.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "core/unique_fd.h"
#include "safety/device_number.h"
#include "safety/system_view.h"

namespace lvmrevert::safety {
namespace {

struct TableDeleter {
  void operator()(libmnt_table* t) const { mnt_unref_table(t); }
};
struct CacheDeleter {
  void operator()(libmnt_cache* c) const { mnt_unref_cache(c); }
};
struct IterDeleter {
  void operator()(libmnt_iter* i) const { mnt_free_iter(i); }
};
using Table = std::unique_ptr<libmnt_table, TableDeleter>;

bool SourceIsDevice(const char* source, dev_t rdev, const std::string& path) {
  if (source == nullptr) return false;
  if (path == source) return true;
  // Sources may name the device another way (/dev/dm-3 vs /dev/mapper/vg-lv).
  if (source[0] != '/') return false;
  struct stat st {};
  return ::stat(source, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == rdev;
}

// Parses a table with `parse`, then collects the targets (or sources) of the
// entries that name the device.
template <typename Parse, typename Pick>
StatusOr<std::vector<std::string>> Matches(Parse parse, dev_t rdev, const std::string& path,
                                           Pick pick, const char* what) {
  Table table(mnt_new_table());
  std::unique_ptr<libmnt_cache, CacheDeleter> cache(mnt_new_cache());
  if (!table || !cache) return Status::IOError("libmount: out of memory");
  mnt_table_set_cache(table.get(), cache.get());
  const int rc = parse(table.get());
  if (rc != 0) return Status::FromErrno(rc < 0 ? -rc : EINVAL, std::string("reading ") + what);

  std::unique_ptr<libmnt_iter, IterDeleter> iter(mnt_new_iter(MNT_ITER_FORWARD));
  std::vector<std::string> found;
  libmnt_fs* fs = nullptr;
  while (mnt_table_next_fs(table.get(), iter.get(), &fs) == 0) {
    if (mnt_fs_get_devno(fs) == rdev || SourceIsDevice(mnt_fs_get_srcpath(fs), rdev, path) ||
        SourceIsDevice(mnt_fs_get_source(fs), rdev, path)) {
      const char* value = pick(fs);
      found.emplace_back(value != nullptr ? value : "?");
    }
  }
  return found;
}

std::string ReadFirstLine(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

StatusOr<dev_t> ParseDevNumber(const std::string& text) {
  unsigned major_number = 0, minor_number = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%u:%u%c", &major_number, &minor_number, &extra) != 2) {
    return Status::IOError("not a device number: \"" + text + "\"");
  }
  return makedev(major_number, minor_number);
}

// What the loop device `node` (device number `rdev`) is bound to, asked of
// the driver; nothing when it is not bound. The node is opened read-only,
// which neither binds nor changes it.
StatusOr<std::optional<FileIdentity>> LoopBacking(const std::string& node, dev_t rdev) {
  const int fd = ::open(node.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return Status::FromErrno(errno, "cannot ask " + node + " what it is bound to: open")
        .WithCode(StatusCode::kRefused);
  }
  UniqueFd owner(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISBLK(st.st_mode) || st.st_rdev != rdev) {
    return Status::Refused("cannot ask " + node + " what it is bound to: it is not loop device " +
                           MajorMinor(rdev));
  }
  loop_info64 info {};
  if (::ioctl(fd, LOOP_GET_STATUS64, &info) != 0) {
    if (errno == ENXIO) return std::optional<FileIdentity>();
    return Status::FromErrno(errno, "LOOP_GET_STATUS64 " + node).WithCode(StatusCode::kRefused);
  }
  // The driver reports the backing inode's st_dev in the kernel's 64-bit
  // encoding, which is the one stat(2) uses too.
  return std::optional<FileIdentity>(
      FileIdentity::File(static_cast<dev_t>(info.lo_device), static_cast<ino_t>(info.lo_inode)));
}

}  // namespace

StatusOr<std::vector<std::string>> LinuxSystemView::MountPointsOf(dev_t rdev,
                                                                  const std::string& path) {
  return Matches([](libmnt_table* t) { return mnt_table_parse_mtab(t, nullptr); }, rdev, path,
                 [](libmnt_fs* fs) { return mnt_fs_get_target(fs); }, "the mount table");
}

StatusOr<bool> LinuxSystemView::IsActiveSwap(dev_t rdev, const std::string& path) {
  StatusOr<std::vector<std::string>> swaps =
      Matches([](libmnt_table* t) { return mnt_table_parse_swaps(t, nullptr); }, rdev, path,
              [](libmnt_fs* fs) { return mnt_fs_get_source(fs); }, "/proc/swaps");
  if (!swaps.ok()) return swaps.status();
  return !swaps->empty();
}

StatusOr<std::vector<LoopDevice>> LinuxSystemView::LoopDevices() {
  std::vector<LoopDevice> found;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir("/sys/block"), ::closedir);
  if (!dir) return found;  // no sysfs (a bare chroot): nothing to find
  while (const dirent* entry = ::readdir(dir.get())) {
    const std::string name = entry->d_name;
    if (name.rfind("loop", 0) != 0) continue;
    const std::string sys = "/sys/block/" + name;
    // loop/ exists only while the device is bound to a file.
    struct stat bound {};
    if (::stat((sys + "/loop").c_str(), &bound) != 0) continue;
    StatusOr<dev_t> rdev = ParseDevNumber(ReadFirstLine(sys + "/dev"));
    if (!rdev.ok()) return rdev.status().WithPrefix("reading " + sys + "/dev");
    StatusOr<std::optional<FileIdentity>> backing = LoopBacking("/dev/" + name, *rdev);
    if (!backing.ok()) return backing.status();
    if (!backing->has_value()) continue;  // unbound meanwhile
    found.push_back(LoopDevice{"/dev/" + name, *rdev, **backing,
                               ReadFirstLine(sys + "/loop/backing_file")});
  }
  return found;
}

StatusOr<std::vector<std::string>> LinuxSystemView::HoldersOf(dev_t rdev) {
  std::vector<std::string> holders;
  const std::string dir_path = "/sys/dev/block/" + MajorMinor(rdev) + "/holders";
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(dir_path.c_str()), ::closedir);
  if (!dir) {
    if (errno == ENOENT) return holders;
    return Status::FromErrno(errno, "reading " + dir_path);
  }
  while (const dirent* entry = ::readdir(dir.get())) {
    if (entry->d_name[0] != '.') holders.emplace_back(entry->d_name);
  }
  return holders;
}

std::optional<FilesystemInfo> LinuxSystemView::ProbeFilesystem(const std::string& path) {
  blkid_probe probe = blkid_new_probe_from_filename(path.c_str());
  if (probe == nullptr) return std::nullopt;
  blkid_probe_enable_superblocks(probe, 1);
  blkid_probe_set_superblocks_flags(probe,
                                    BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL);
  std::optional<FilesystemInfo> info;
  if (blkid_do_safeprobe(probe) == 0) {
    auto lookup = [probe](const char* name) {
      const char* value = nullptr;
      size_t length = 0;
      if (blkid_probe_lookup_value(probe, name, &value, &length) != 0 || value == nullptr) {
        return std::string();
      }
      return std::string(value);
    };
    info = FilesystemInfo{lookup("TYPE"), lookup("UUID"), lookup("LABEL")};
    if (info->type.empty()) info.reset();
  }
  blkid_free_probe(probe);
  return info;
}

std::string LinuxSystemView::KernelName(dev_t rdev) {
  char target[256];
  const std::string link = "/sys/dev/block/" + MajorMinor(rdev);
  const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0) return "";
  const std::string path(target, static_cast<size_t>(n));
  return path.substr(path.rfind('/') + 1);
}

std::optional<dev_t> LinuxSystemView::DevOf(const std::string& kernel_name) {
  if (kernel_name.empty() || kernel_name.find('/') != std::string::npos) return std::nullopt;
  StatusOr<dev_t> dev = ParseDevNumber(ReadFirstLine("/sys/class/block/" + kernel_name + "/dev"));
  if (!dev.ok()) return std::nullopt;
  return *dev;
}

std::optional<std::string> LinuxSystemView::DmName(const std::string& kernel_name) {
  if (kernel_name.empty() || kernel_name.find('/') != std::string::npos) return std::nullopt;
  const std::string name = ReadFirstLine("/sys/block/" + kernel_name + "/dm/name");
  if (name.empty()) return std::nullopt;
  return name;
}

}  // namespace lvmrevert::safety
