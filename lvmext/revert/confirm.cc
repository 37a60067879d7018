#include "lvmext/revert/confirm.h"

#include <algorithm>
#include <cctype>

#include "core/quoting.h"
#include "lvmext/system/interrupt.h"

namespace lvmrevert::lvmext {
namespace {

std::string Trimmed(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

Status Confirm(Console& console, const std::string& question) {
  if (!console.stdin_is_terminal) {
    return Status::Refused(
        "standard input is not a terminal, so nobody can confirm: pass -y/--yes to revert "
        "without asking");
  }
  for (;;) {
    console.err << question << " [y/n]: " << std::flush;
    const std::optional<std::string> line = console.read_line();
    if (!line) {
      // A signal (Ctrl-C) ends the read as end of input does; say which.
      const int signo = InterruptSignal();
      if (signo != 0) {
        console.err << "\n";
        return Status::Refused("revert aborted: interrupted at the prompt (signal " +
                               std::to_string(signo) + "); nothing was written");
      }
      console.err << "[n]\n";
      return Status::Refused("revert aborted: no answer (end of input); nothing was written");
    }
    const std::string answer = Trimmed(*line);
    if (answer == "y" || answer == "yes") return Status::Ok();
    if (answer == "n" || answer == "no") return Status::Refused("revert aborted at the prompt");
    console.err << "lvm-revert: WARNING: invalid input '" << EscapeControlCharacters(*line)
                << "': answer y or n.\n";
  }
}

}  // namespace lvmrevert::lvmext
