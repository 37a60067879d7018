#include "lvmext/lvm/vg_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>

#include "lvmext/system/interrupt.h"

namespace lvmrevert::lvmext {
namespace {

bool SameInode(const std::string& path, int fd) {
  struct stat by_path {}, by_fd {};
  return ::stat(path.c_str(), &by_path) == 0 && ::fstat(fd, &by_fd) == 0 &&
         by_path.st_dev == by_fd.st_dev && by_path.st_ino == by_fd.st_ino;
}

// LVM's _do_flock. `would_block` is set when a non-blocking attempt found the
// lock taken.
Status LockFile(const std::string& path, int operation, bool nonblock, UniqueFd* fd,
                bool* would_block) {
  for (;;) {
    fd->reset();
    const int raw = ::open(path.c_str(), O_CREAT | O_APPEND | O_RDWR | O_CLOEXEC, 0777);
    if (raw < 0) return Status::FromErrno(errno, "open " + path);
    *fd = UniqueFd(raw);
    if (::flock(raw, operation | (nonblock ? LOCK_NB : 0)) != 0) {
      const int err = errno;
      fd->reset();
      if (err == EWOULDBLOCK && nonblock) {
        *would_block = true;
        return Status::Ok();
      }
      if (err == EINTR) {
        return Status::Refused("interrupted while waiting for the lock " + path);
      }
      return Status::FromErrno(err, "flock " + path);
    }
    if (SameInode(path, raw)) return Status::Ok();
    // The file was unlinked between our open and flock: lock the new one.
  }
}

// LVM's _undo_flock: release, and remove the file if nobody else holds it.
void UnlockFile(const std::string& path, UniqueFd* fd) {
  if (!fd->valid()) return;
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) == 0 && SameInode(path, fd->get())) {
    ::unlink(path.c_str());
  }
  fd->reset();
}

}  // namespace

VgLock::~VgLock() { Release(); }

VgLock& VgLock::operator=(VgLock&& other) noexcept {
  if (this != &other) {
    Release();
    path_ = std::move(other.path_);
    fd_ = std::move(other.fd_);
  }
  return *this;
}

void VgLock::Release() { UnlockFile(path_, &fd_); }

StatusOr<VgLock> VgLock::Acquire(const std::string& locking_dir, const std::string& vg,
                                 LockMode mode, const std::function<void()>& on_wait) {
  // LVM creates its lock directory when it is missing (a rescue shell, an
  // initramfs without /run/lock): so do we, parents included.
  for (size_t slash = locking_dir.find('/', 1);; slash = locking_dir.find('/', slash + 1)) {
    const std::string dir = locking_dir.substr(0, slash);
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::FromErrno(errno, "creating the LVM lock directory " + dir);
    }
    if (slash == std::string::npos) break;
  }
  VgLock lock;
  lock.path_ = locking_dir + "/V_" + vg;
  const std::string aux_path = lock.path_ + ":aux";
  const int operation = mode == LockMode::kExclusive ? LOCK_EX : LOCK_SH;

  // Writers queue on the aux file first; readers pass through it.
  UniqueFd aux;
  bool ignored = false;
  Status s = LockFile(aux_path, LOCK_EX, false, &aux, &ignored);
  if (!s.ok()) return s;
  if (mode == LockMode::kShared) UnlockFile(aux_path, &aux);

  bool would_block = false;
  s = LockFile(lock.path_, operation, true, &lock.fd_, &would_block);
  if (s.ok() && would_block) {
    if (on_wait) on_wait();
    s = LockFile(lock.path_, operation, false, &lock.fd_, &would_block);
  }
  UnlockFile(aux_path, &aux);
  if (!s.ok()) return s;
  return lock;
}

}  // namespace lvmrevert::lvmext
