// io_uring: many reads and writes in flight, submitted in batches, into
// buffers registered once (fixed buffers, pinned for O_DIRECT).
#pragma once

#include <memory>

#include "core/io_engine.h"
#include "core/status.h"

namespace lvmrevert {

// Why not, when io_uring cannot be used here: no kernel support (ENOSYS),
// forbidden (EPERM: a container's seccomp profile, kernel.io_uring_disabled),
// or no memory for the rings (ENOMEM).
StatusOr<std::unique_ptr<IoEngine>> MakeUringEngine(unsigned queue_depth);

// False when built without liburing.
bool UringCompiledIn();

}  // namespace lvmrevert
