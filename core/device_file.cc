#include "core/device_file.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <cerrno>

#include "core/quoting.h"

namespace lvmrevert {
namespace {

FileIdentity IdentityOf(const struct stat& st) {
  return S_ISBLK(st.st_mode) ? FileIdentity::Block(st.st_rdev)
                             : FileIdentity::File(st.st_dev, st.st_ino);
}

Status CheckKind(const struct stat& st, const std::string& path) {
  if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(QuotedName(path) +
                                   " is neither a block device nor a regular file");
  }
  return Status::Ok();
}

// Why a read-write open failed, as a refusal when the target simply cannot
// be written: nothing was written, and re-running will not change that.
Status OpenFailure(int err, const OpenRequest& request, int flags) {
  const std::string name = QuotedName(request.path);
  if (err == ENOENT) return Status::NotFound(name + ": no such file or device");
  if (err == EBUSY && (flags & O_EXCL)) {
    return Status::Refused(name +
                           " is in use (mounted, an active swap, held by another device, or "
                           "opened exclusively by another program)")
        .WithReason(RefusalReason::kInUse);
  }
  if (request.access == Access::kReadWrite &&
      (err == EROFS || err == EACCES || err == EPERM || err == ETXTBSY)) {
    return Status::FromErrno(err, name + " cannot be opened for writing")
        .WithCode(StatusCode::kRefused);
  }
  return Status::FromErrno(err, "open " + name);
}

}  // namespace

StatusOr<FileIdentity> IdentifyPath(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound(QuotedName(path) + ": no such file or device");
    return Status::FromErrno(err, "stat " + QuotedName(path));
  }
  Status s = CheckKind(st, path);
  if (!s.ok()) return s;
  return IdentityOf(st);
}

StatusOr<DeviceFile> OpenDeviceFile(const OpenRequest& request) {
  const std::string name = QuotedName(request.path);
  // A FIFO or a character device must not even be opened (a tape rewinds,
  // a FIFO blocks): look first, then check again what was opened.
  StatusOr<FileIdentity> looked = IdentifyPath(request.path);
  if (!looked.ok()) return looked.status();
  const bool is_block = looked->block;

  // O_NONBLOCK keeps an open of something swapped in meanwhile from
  // blocking; it is cleared once fstat says what we have.
  int flags = O_CLOEXEC | O_NONBLOCK | (request.access == Access::kReadWrite ? O_RDWR : O_RDONLY);
  if (request.exclusive && is_block) flags |= O_EXCL;

  DeviceFile file;
  file.path = request.path;
  file.direct = true;
  int fd = ::open(request.path.c_str(), flags | O_DIRECT);
  if (fd < 0 && errno == EINVAL) {
    file.direct = false;
    fd = ::open(request.path.c_str(), flags);
  }
  if (fd < 0) return OpenFailure(errno, request, flags);
  file.fd = UniqueFd(fd);

  struct stat st {};
  if (::fstat(fd, &st) != 0) return Status::FromErrno(errno, "fstat " + name);
  Status s = CheckKind(st, request.path);
  if (!s.ok()) return s;
  const FileIdentity opened = IdentityOf(st);
  if (opened != *looked || (request.expected && opened != *request.expected)) {
    return Status::Refused(name + " changed while it was being opened (renamed or replaced?)");
  }
  if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
    return Status::FromErrno(errno, "fcntl " + name);
  }
  file.is_block_device = is_block;
  file.rdev = st.st_rdev;
  file.dev = st.st_dev;
  file.ino = st.st_ino;
  if (is_block) {
    uint64_t size = 0;
    if (::ioctl(fd, BLKGETSIZE64, &size) != 0) {
      return Status::FromErrno(errno, "BLKGETSIZE64 " + name);
    }
    file.size_bytes = size;
    int lbs = 0;
    if (::ioctl(fd, BLKSSZGET, &lbs) == 0 && lbs > 0) {
      file.logical_block_bytes = static_cast<uint32_t>(lbs);
    }
    // A read-only block device (losetup -r, blockdev --setro, a read-only
    // LV) opens for writing but fails every write with EPERM.
    int read_only = 0;
    if (request.access == Access::kReadWrite && ::ioctl(fd, BLKROGET, &read_only) == 0 &&
        read_only != 0) {
      return Status::Refused(name + " is a read-only block device: nothing can be written to it");
    }
  } else {
    file.size_bytes = static_cast<uint64_t>(st.st_size);
  }
  return file;
}

StatusOr<UniqueFd> ReopenBuffered(const DeviceFile& file) {
  const std::string self = "/proc/self/fd/" + std::to_string(file.fd.get());
  int fd = ::open(self.c_str(), O_RDWR | O_CLOEXEC);
  // Without /proc (a bare rescue chroot) the path is the only way back; the
  // identity check below still makes sure it is the same file.
  if (fd < 0 && errno == ENOENT) fd = ::open(file.path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "reopening " + QuotedName(file.path));
  UniqueFd reopened(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Status::FromErrno(errno, "fstat " + QuotedName(file.path));
  if (IdentityOf(st) != file.identity()) {
    return Status::Refused(QuotedName(file.path) + " changed while it was being reopened");
  }
  return reopened;
}

bool SameFile(const DeviceFile& a, const DeviceFile& b) { return a.identity() == b.identity(); }

}  // namespace lvmrevert
