#include "core/engines.h"

#include "core/psync_engine.h"
#include "core/uring_engine.h"

namespace lvmrevert {

StatusOr<EngineChoice> MakeEngine(EngineKind kind, unsigned queue_depth) {
  if (kind == EngineKind::kPsync) return EngineChoice{std::make_unique<PsyncEngine>(), ""};
  StatusOr<std::unique_ptr<IoEngine>> uring = MakeUringEngine(queue_depth);
  if (uring.ok()) return EngineChoice{std::move(uring).value(), ""};
  if (kind == EngineKind::kUring) {
    return Status::Refused("io_uring is not available: " + uring.status().message());
  }
  return EngineChoice{std::make_unique<PsyncEngine>(),
                      "io_uring is not available (" + uring.status().message() +
                          "); using psync"};
}

}  // namespace lvmrevert
