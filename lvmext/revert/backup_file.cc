#include "lvmext/revert/backup_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>

#include "core/backup_store.h"
#include "core/quoting.h"
#include "lvmext/cli/plan_output.h"
#include "safety/device_checks.h"

namespace lvmrevert::lvmext {
namespace {

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

std::string NameOf(const std::string& path) { return "backup file " + QuotedName(path); }

// The room reserved now cannot run out half-way.
Status Reserve(int fd, const std::string& name, uint64_t need) {
  int rc = ::fallocate(fd, 0, 0, static_cast<off_t>(need));
  if (rc != 0 && (errno == EOPNOTSUPP || errno == ENOSYS)) {
    rc = ::posix_fallocate(fd, 0, static_cast<off_t>(need));
    if (rc != 0) errno = rc;
  }
  if (rc == 0) return Status::Ok();
  const int err = errno;
  if (err == ENOSPC || err == EDQUOT) {
    return Status::Refused("no room for " + name + ": it needs " + std::to_string(need) +
                           " bytes (" + MiB(need) + ")");
  }
  return Status::FromErrno(err, "reserving room for " + name).WithCode(StatusCode::kRefused);
}

}  // namespace

Status BackupFile::CheckTarget(safety::SystemView& view, const std::string& path,
                               const std::vector<dev_t>& protected_devices) {
  const std::string name = NameOf(path);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    return Status::Refused(name + " exists: lvm-revert never overwrites one; give a new name");
  }
  struct stat dir_st {};
  if (::stat(DirectoryOf(path).c_str(), &dir_st) != 0) {
    return Status::FromErrno(errno, name).WithCode(StatusCode::kRefused);
  }
  return safety::CheckNotOnDevices(view, name, dir_st.st_dev, protected_devices);
}

StatusOr<uint64_t> BackupFile::CheckRoom(const std::string& path, const Plan& plan) {
  const std::string name = NameOf(path);
  struct stat dir_st {};
  if (::stat(DirectoryOf(path).c_str(), &dir_st) != 0) {
    return Status::FromErrno(errno, name).WithCode(StatusCode::kRefused);
  }
  const uint64_t need = BackupLayout(plan).store_bytes();
  struct statvfs fs {};
  if (::statvfs(DirectoryOf(path).c_str(), &fs) == 0 &&
      uint64_t{fs.f_bavail} * fs.f_frsize < need) {
    return Status::Refused("no room for " + name + ": it needs " + std::to_string(need) +
                           " bytes (" + MiB(need) + "), its filesystem has " +
                           std::to_string(uint64_t{fs.f_bavail} * fs.f_frsize) + " free");
  }
  return need;
}

StatusOr<BackupFile> BackupFile::Create(const std::string& path, const Plan& plan,
                                        uint64_t need_bytes) {
  const std::string name = NameOf(path);
  struct stat dir_st {};
  if (::stat(DirectoryOf(path).c_str(), &dir_st) != 0) {
    return Status::FromErrno(errno, name).WithCode(StatusCode::kRefused);
  }
  // Created without O_DIRECT, which is set afterwards where the filesystem
  // takes it: one that refuses O_DIRECT (tmpfs before Linux 6.6) fails the
  // open with EINVAL only after creating the file, and a second O_EXCL open
  // would then find it there ("File exists") and leave it behind. Where
  // O_DIRECT is refused the backup is written buffered; its flushes make
  // it durable all the same.
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) return Status::FromErrno(errno, "creating " + name).WithCode(StatusCode::kRefused);
  BackupFile file(path, UniqueFd(fd));  // removes it again on any refusal below
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_DIRECT) != 0 && errno != EINVAL) {
    return Status::FromErrno(errno, "fcntl " + name).WithCode(StatusCode::kRefused);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_dev != dir_st.st_dev) {
    return Status::Refused(name + " changed while it was being created");
  }
  Status s = Reserve(fd, name, need_bytes);
  if (s.ok()) s = StartBackup(plan, fd);
  if (!s.ok()) return s.WithCode(StatusCode::kRefused);
  return file;
}

BackupFile::BackupFile(BackupFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::move(other.fd_)), complete_(other.complete_) {
  other.complete_ = true;  // the moved-from object owns nothing to remove
}

BackupFile::~BackupFile() {
  if (complete_ || !fd_.valid()) return;
  fd_.reset();
  ::unlink(path_.c_str());
}

Status BackupFile::Write(const Plan& plan, IoEngine& engine, int origin_fd,
                         const CopyOptions& options) {
  Status s = WriteBackup(plan, engine, origin_fd, fd_.get(), options);
  // The file is durable; so must its name be, before the origin is touched.
  if (s.ok()) {
    const UniqueFd dir_fd(::open(DirectoryOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd.valid() || ::fsync(dir_fd.get()) != 0) {
      s = Status::FromErrno(errno, "flushing the directory of " + QuotedName(path_));
    }
  }
  // The origin was only read: whatever failed here, nothing was written.
  if (!s.ok()) return s.code() == StatusCode::kRefused ? s : s.WithCode(StatusCode::kIOError);
  complete_ = true;
  fd_.reset();
  return Status::Ok();
}

}  // namespace lvmrevert::lvmext
