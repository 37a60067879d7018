// Choosing the I/O engine: --io-engine auto|uring|psync.
#pragma once

#include <memory>
#include <string>

#include "core/io_engine.h"
#include "core/status.h"

namespace lvmrevert {

enum class EngineKind { kAuto, kUring, kPsync };

inline constexpr unsigned kDefaultQueueDepth = 128;

struct EngineChoice {
  std::unique_ptr<IoEngine> engine;
  std::string note;  // why auto fell back to psync, for -v
};

// kAuto prefers io_uring and falls back to psync, saying why in `note`;
// kUring fails with kRefused when io_uring is unavailable.
StatusOr<EngineChoice> MakeEngine(EngineKind kind, unsigned queue_depth = kDefaultQueueDepth);

}  // namespace lvmrevert
