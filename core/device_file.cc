#include "core/device_file.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <cerrno>

namespace lvmrevert {

StatusOr<DeviceFile> OpenDeviceFile(const OpenRequest& request) {
  struct stat st {};
  if (::stat(request.path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound(request.path + ": no such file or device");
    return Status::FromErrno(err, "stat " + request.path);
  }
  const bool is_block = S_ISBLK(st.st_mode);
  if (!is_block && !S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(request.path + " is neither a block device nor a regular file");
  }

  int flags = O_CLOEXEC | (request.access == Access::kReadWrite ? O_RDWR : O_RDONLY);
  if (request.exclusive && is_block) flags |= O_EXCL;

  DeviceFile file;
  file.path = request.path;
  file.is_block_device = is_block;
  file.direct = true;
  int fd = ::open(request.path.c_str(), flags | O_DIRECT);
  if (fd < 0 && errno == EINVAL) {
    file.direct = false;
    fd = ::open(request.path.c_str(), flags);
  }
  if (fd < 0) {
    const int err = errno;
    if (err == EBUSY && (flags & O_EXCL)) {
      return Status::Refused(request.path +
                             " is in use (mounted, an active swap, held by another device, or "
                             "opened exclusively by another program)");
    }
    return Status::FromErrno(err, "open " + request.path);
  }
  file.fd = UniqueFd(fd);

  if (::fstat(fd, &st) != 0) return Status::FromErrno(errno, "fstat " + request.path);
  file.rdev = st.st_rdev;
  file.dev = st.st_dev;
  file.ino = st.st_ino;
  if (is_block) {
    uint64_t size = 0;
    if (::ioctl(fd, BLKGETSIZE64, &size) != 0) {
      return Status::FromErrno(errno, "BLKGETSIZE64 " + request.path);
    }
    file.size_bytes = size;
    int lbs = 0;
    if (::ioctl(fd, BLKSSZGET, &lbs) == 0 && lbs > 0) {
      file.logical_block_bytes = static_cast<uint32_t>(lbs);
    }
  } else {
    file.size_bytes = static_cast<uint64_t>(st.st_size);
  }
  return file;
}

bool SameFile(const DeviceFile& a, const DeviceFile& b) {
  if (a.is_block_device != b.is_block_device) return false;
  if (a.is_block_device) return a.rdev == b.rdev;
  return a.dev == b.dev && a.ino == b.ino;
}

}  // namespace lvmrevert
