// LVM's VG lock: flock() on <locking_dir>/V_<vg>, taken exactly as LVM takes
// it (lib/locking/file_locking.c, lib/misc/lvm-flock.c) so LVM commands wait
// for us and we for them:
//  - open(O_CREAT|O_APPEND|O_RDWR), flock, then check that the path still
//    names the inode we locked (a releasing process may have unlinked it);
//  - writers first take <file>:aux exclusively, so waiting readers cannot
//    starve them (prioritise_write_locks);
//  - on release, unlink the file if nobody else holds it.
#pragma once

#include <functional>
#include <string>

#include "core/status.h"
#include "core/unique_fd.h"

namespace lvmrevert::lvmext {

enum class LockMode { kShared, kExclusive };

class VgLock {
 public:
  VgLock() = default;
  ~VgLock();
  VgLock(VgLock&& other) noexcept = default;
  VgLock& operator=(VgLock&& other) noexcept;
  VgLock(const VgLock&) = delete;
  VgLock& operator=(const VgLock&) = delete;

  // Blocks while another holder conflicts, calling `on_wait` once first.
  // Gives up with kRefused when a signal interrupts the wait.
  static StatusOr<VgLock> Acquire(const std::string& locking_dir, const std::string& vg,
                                  LockMode mode, const std::function<void()>& on_wait);

  const std::string& path() const { return path_; }
  void Release();

 private:
  std::string path_;
  UniqueFd fd_;
};

}  // namespace lvmrevert::lvmext
