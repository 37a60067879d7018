// Parses argv with CLI11. CLI11's own error codes (100-127) become exit 3, as
// LVM's commands exit 3 for a bad command line.
#pragma once

#include <optional>
#include <ostream>

#include "lvmext/options.h"

namespace lvmrevert::cli {

struct ParsedCommandLine {
  std::optional<Options> options;  // empty when the command is already done
  int exit_code = 0;               // meaningful when options is empty
};

// Help and --version are printed to `out` (exit 0); errors to `err` (exit 3).
ParsedCommandLine ParseCommandLine(int argc, const char* const* argv, std::ostream& out,
                                   std::ostream& err);

}  // namespace lvmrevert::cli
