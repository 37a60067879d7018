// What the command needs from the outside world beyond its console: the
// system's view of devices and a way to make the I/O engine. Tests replace
// both.
#pragma once

#include <functional>
#include <memory>

#include "core/io_engine.h"
#include "safety/system_view.h"

namespace lvmrevert::cli {

struct Environment {
  safety::SystemView& view;
  std::function<std::unique_ptr<IoEngine>()> make_engine;
};

}  // namespace lvmrevert::cli
