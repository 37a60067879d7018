// The whole command, minus the process: argv in, exit code out. main() and
// the CLI tests both call this.
#pragma once

#include "lvmext/system/console.h"
#include "lvmext/cli/environment.h"

namespace lvmrevert::lvmext {

int RunLvmRevert(int argc, const char* const* argv, Console& console, Environment& env);

}  // namespace lvmrevert::lvmext
