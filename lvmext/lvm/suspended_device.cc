#include "lvmext/lvm/suspended_device.h"

#include <sys/mman.h>

namespace lvmrevert::lvmext {

Status SuspendedDevice::Suspend() {
  memory_locked_ = ::mlockall(MCL_CURRENT | MCL_FUTURE) == 0;
  Status s;
  try {
    s = dm_.Suspend(name_);
  } catch (...) {
    suspended_ = true;  // it may have been: resume on the way out
    throw;
  }
  if (s.ok()) suspended_ = true;
  if (!s.ok()) Unlock();
  return s;
}

Status SuspendedDevice::Resume() {
  if (!suspended_) return Status::Ok();
  Status s = dm_.Resume(name_, udev_);
  if (s.ok()) suspended_ = false;
  Unlock();
  return s;
}

void SuspendedDevice::Unlock() {
  if (memory_locked_) ::munlockall();
  memory_locked_ = false;
}

}  // namespace lvmrevert::lvmext
