// Opening an image file or a block device for direct I/O.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "core/status.h"
#include "core/unique_fd.h"

namespace lvmrevert {

enum class Access { kReadOnly, kReadWrite };

struct OpenRequest {
  std::string path;
  Access access = Access::kReadOnly;
  // O_EXCL on a block device: the open fails with EBUSY while the device is
  // mounted, an active swap, held by dm/md, or opened O_EXCL by anyone else,
  // and it keeps them all out for as long as the fd stays open.
  bool exclusive = false;
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
};

// Opens `request.path` with O_DIRECT, falling back to buffered I/O only when
// the filesystem refuses O_DIRECT (EINVAL). Refuses anything that is neither
// a regular file nor a block device. Errors: kNotFound, kRefused (EBUSY on an
// exclusive open), kIOError.
StatusOr<DeviceFile> OpenDeviceFile(const OpenRequest& request);

// True when both name the same file or block device.
bool SameFile(const DeviceFile& a, const DeviceFile& b);

}  // namespace lvmrevert
