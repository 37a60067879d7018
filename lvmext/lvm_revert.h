// The whole command, minus the process: argv in, exit code out. main() and
// the CLI tests both call this.
#pragma once

#include "lvmext/console.h"
#include "safety/system_view.h"

namespace lvmrevert::cli {

int RunLvmRevert(int argc, const char* const* argv, Console& console, safety::SystemView& view);

}  // namespace lvmrevert::cli
