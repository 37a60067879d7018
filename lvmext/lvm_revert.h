// The whole command, minus the process: argv in, exit code out. main() and
// the CLI tests both call this.
#pragma once

#include "lvmext/console.h"
#include "lvmext/environment.h"

namespace lvmrevert::cli {

int RunLvmRevert(int argc, const char* const* argv, Console& console, Environment& env);

}  // namespace lvmrevert::cli
