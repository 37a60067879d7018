// Parses argv with CLI11. CLI11's own error codes (100-127) become exit 3, as
// LVM's commands exit 3 for a bad command line.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "lvmext/cli/options.h"

namespace lvmrevert::lvmext {

struct ParsedCommandLine {
  std::optional<Options> options;  // empty when the command is already done
  int exit_code = 0;               // meaningful when options is empty
  std::string error;               // the one-line reason for exit 3
};

// Help and --version are printed to `out` (exit 0); a bad command line
// comes back as exit 3 with its reason, which the caller prints.
ParsedCommandLine ParseCommandLine(int argc, const char* const* argv, std::ostream& out,
                                   std::ostream& err);

// Whether argv asks for JSON (--json, --format json, --reportformat json),
// looked for without parsing: a bad command line is reported in JSON too.
bool AsksForJson(int argc, const char* const* argv);

}  // namespace lvmrevert::lvmext
