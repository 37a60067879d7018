// What the kernel command line says to --boot: lvmrevert=off (or 0, no,
// false, n; any case) skips the scheduled reverts, lvmrevert=on (1, yes,
// true, y) changes nothing, lvmrevert=VG/LV:VG/SNAP[,...] adds one-off
// pairs, and lvmrevert=@TAG the set of snapshots tagged TAG, as one (both
// may be in one list). Anything else fails closed: no scheduled revert runs, and the
// console says why. A revert that started and did not finish is completed
// whatever this says (boot_run.h).
#pragma once

#include <string>
#include <vector>

#include "lvmext/cli/report.h"

namespace lvmrevert::lvmext {

struct BootCommandLine {
  enum class State { kOn, kOff, kInvalid };
  State state = State::kOn;
  std::string switch_value;  // the word that turned it off, as given
  std::string why_invalid;   // the console's line for kInvalid
  std::vector<ScheduledRevert> pairs;  // when = kWhenCommandLine
  std::vector<std::string> set_tags;   // @TAG, without the '@'
};

// `text` is /proc/cmdline's content.
BootCommandLine ParseBootCommandLine(const std::string& text);
// Reads and parses the file (a missing file reads as an empty line).
BootCommandLine ReadBootCommandLine(const std::string& path);

}  // namespace lvmrevert::lvmext
