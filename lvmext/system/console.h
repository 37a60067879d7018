// The command's view of its terminal: streams and stdin, replaceable in tests.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>

namespace lvmrevert::lvmext {

struct Console {
  std::ostream& out;
  std::ostream& err;
  bool stdin_is_terminal = false;
  bool stderr_is_terminal = false;
  // One line from stdin without its newline; nullopt at end of input.
  std::function<std::optional<std::string>()> read_line;
  // errno of the first failed write to `out` / `err`, where known (0 if none
  // or unknown); the streams' state says whether one failed at all.
  std::function<int()> out_error;
  std::function<int()> err_error;
  // The width of the terminal on stderr (TIOCGWINSZ), 0 when unknown; asked
  // at each redraw, so a resized window is followed.
  std::function<unsigned()> err_columns = [] { return 0u; };
};

}  // namespace lvmrevert::lvmext
