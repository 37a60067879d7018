// Opening an image file or a block device for direct I/O, and telling files
// apart by what they are (device number, or filesystem and inode), never by
// the text of their path.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "core/unique_fd.h"

namespace lvmrevert {

enum class Access { kReadOnly, kReadWrite };

// What a path names: a block device by its device number, a regular file by
// its filesystem and inode. Two paths with equal identities are one thing.
struct FileIdentity {
  bool block = false;
  dev_t rdev = 0;  // block devices
  dev_t dev = 0;   // regular files
  ino_t ino = 0;

  static FileIdentity Block(dev_t rdev) { return {true, rdev, 0, 0}; }
  static FileIdentity File(dev_t dev, ino_t ino) { return {false, 0, dev, ino}; }
  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

// What `path` names now. kNotFound, or kInvalidArgument for anything that is
// neither a block device nor a regular file.
StatusOr<FileIdentity> IdentifyPath(const std::string& path);

struct OpenRequest {
  std::string path;
  Access access = Access::kReadOnly;
  // O_EXCL on a block device: the open fails with EBUSY while the device is
  // mounted, an active swap, held by dm/md, or opened O_EXCL by anyone else,
  // and it keeps them all out for as long as the fd stays open.
  bool exclusive = false;
  // What the caller checked the path to be; the opened file must be it, so a
  // path swapped between the checks and the open is refused.
  std::optional<FileIdentity> expected;
};

struct DeviceFile {
  std::string path;
  UniqueFd fd;
  bool is_block_device = false;
  bool direct = false;  // false where O_DIRECT was refused (tmpfs, some FUSE)
  dev_t rdev = 0;       // block devices
  dev_t dev = 0;        // files: the filesystem and inode identify them
  ino_t ino = 0;
  uint64_t size_bytes = 0;
  uint32_t logical_block_bytes = 512;

  FileIdentity identity() const {
    return is_block_device ? FileIdentity::Block(rdev) : FileIdentity::File(dev, ino);
  }
};

// Opens `request.path` with O_DIRECT, falling back to buffered I/O only when
// the filesystem refuses O_DIRECT (EINVAL). What was opened is checked with
// fstat: anything that is neither a regular file nor a block device is
// refused. For kReadWrite, a target that cannot be written (read-only device
// or mount, immutable file, no permission) is refused before any write.
// Errors: kNotFound, kInvalidArgument, kRefused (EBUSY on an exclusive open,
// not writable, not what `expected` said), kIOError.
StatusOr<DeviceFile> OpenDeviceFile(const OpenRequest& request);

// A second descriptor for the same open file without O_DIRECT, for writes
// that O_DIRECT cannot take (an unaligned tail). Reopened through
// /proc/self/fd, and checked to be the same file.
StatusOr<UniqueFd> ReopenBuffered(const DeviceFile& file);

// True when both name the same file or block device.
bool SameFile(const DeviceFile& a, const DeviceFile& b);

}  // namespace lvmrevert
