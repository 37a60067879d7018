// A one-line progress display on stderr while the copy runs: percent,
// bytes, rate and time left, as admins want from a long revert. Redrawn in
// place on a terminal; on anything else (--progress) a line every few
// seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace lvmrevert::lvmext {

class ProgressMeter {
 public:
  using Clock = std::chrono::steady_clock;

  // `columns` gives the terminal's width (0: unknown); a redrawn line is kept
  // shorter than that, or it would wrap and pile up.
  ProgressMeter(std::ostream& out, uint64_t total_bytes, bool terminal,
                std::function<unsigned()> columns = [] { return 0u; },
                std::function<Clock::time_point()> now = Clock::now);

  // Called with the bytes written so far; draws when enough time passed.
  void Update(uint64_t done_bytes);
  // Draws the final state and ends the line.
  void Finish(uint64_t done_bytes);
  // A set's next member: one line for the whole set, so the bytes go on
  // from `offset_bytes` (the members before it) and the line names it.
  void StartPart(std::string label, uint64_t offset_bytes);
  // Bytes of the whole set so far, given the member's.
  uint64_t Overall(uint64_t part_done_bytes) const { return offset_bytes_ + part_done_bytes; }

  // "lvm-revert:  45% 123.45 MiB of 274.00 MiB  85.30 MiB/s  ETA 0:02" (the
  // units and precision of the summary), shortened to fewer than
  // `max_columns` characters when that is not 0: the rate goes first, then
  // the bytes, then the prefix.
  // `label` ("member 2/3") follows the prefix while there is room.
  static std::string Line(uint64_t done_bytes, uint64_t total_bytes, double seconds,
                          unsigned max_columns = 0, const std::string& label = "");

 private:
  void Draw(uint64_t done_bytes, bool final);

  std::ostream& out_;
  uint64_t total_bytes_;
  bool terminal_;
  std::function<unsigned()> columns_;
  std::function<Clock::time_point()> now_;
  Clock::time_point start_;
  Clock::time_point last_draw_;
  std::string label_;
  uint64_t offset_bytes_ = 0;
};

}  // namespace lvmrevert::lvmext
