// SIGINT, SIGTERM, SIGHUP and SIGQUIT only raise a flag while a revert runs:
// the copier then stops issuing I/O, drains, and every suspended device is
// resumed on the way out. No SA_RESTART, so a blocking wait (the VG lock, the
// prompt) returns EINTR and can give up.
#pragma once

#include "core/status.h"

namespace lvmrevert::lvmext {

class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
};

// The signal that arrived, or 0.
int InterruptSignal();
inline bool Interrupted() { return InterruptSignal() != 0; }
// kRefused "interrupted by signal N" once a signal arrived: a copy's check_continue.
Status StopIfInterrupted();

// For tests only: LVM_REVERT_DEBUG_PAUSE=STAGE:SECONDS sleeps that long when
// `stage` is reached (once per stage), waking early on a signal. Lets the VM
// suite act while a revert holds the lock or is in the middle of copying.
void MaybeDebugPause(const char* stage);

}  // namespace lvmrevert::lvmext
