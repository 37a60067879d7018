#include <blkid.h>
#include <dirent.h>
#include <libmount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <string>

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

StatusOr<std::vector<std::string>> LinuxSystemView::LoopDevicesBackedBy(dev_t dev, ino_t ino) {
  std::vector<std::string> found;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir("/sys/block"), ::closedir);
  if (!dir) return found;  // no sysfs (a bare chroot): nothing to find
  while (const dirent* entry = ::readdir(dir.get())) {
    const std::string name = entry->d_name;
    if (name.rfind("loop", 0) != 0) continue;
    std::string backing = ReadFirstLine("/sys/block/" + name + "/loop/backing_file");
    if (backing.empty()) continue;
    const std::string deleted = " (deleted)";
    if (backing.size() > deleted.size() &&
        backing.compare(backing.size() - deleted.size(), deleted.size(), deleted) == 0) {
      continue;  // its file is gone, so it cannot be ours
    }
    struct stat st {};
    if (::stat(backing.c_str(), &st) == 0 && st.st_dev == dev && st.st_ino == ino) {
      found.push_back("/dev/" + name);
    }
  }
  return found;
}

StatusOr<std::vector<std::string>> LinuxSystemView::HoldersOf(dev_t rdev) {
  std::vector<std::string> holders;
  const std::string dir_path = "/sys/dev/block/" + std::to_string(major(rdev)) + ":" +
                               std::to_string(minor(rdev)) + "/holders";
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

}  // namespace lvmrevert::safety
