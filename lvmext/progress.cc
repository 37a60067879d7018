#include "lvmext/progress.h"

#include <cstdio>

namespace lvmrevert::cli {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
// A terminal is redrawn often; a log gets a line now and then.
constexpr std::chrono::milliseconds kTerminalInterval(200);
constexpr std::chrono::seconds kLogInterval(5);

std::string HoursMinutesSeconds(double seconds) {
  const auto total = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (total >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", total / 60, total % 60);
  }
  return buf;
}

}  // namespace

ProgressMeter::ProgressMeter(std::ostream& out, uint64_t total_bytes, bool terminal,
                             std::function<Clock::time_point()> now)
    : out_(out), total_bytes_(total_bytes), terminal_(terminal), now_(std::move(now)) {
  start_ = now_();
  last_draw_ = start_;
}

std::string ProgressMeter::Line(uint64_t done_bytes, uint64_t total_bytes, double seconds) {
  const double percent = total_bytes == 0 ? 100.0 : 100.0 * static_cast<double>(done_bytes) /
                                                        static_cast<double>(total_bytes);
  const double rate = seconds > 0 ? static_cast<double>(done_bytes) / seconds : 0;
  char buf[160];
  std::snprintf(buf, sizeof buf, "%3.0f%% %.1f MiB of %.1f MiB  %.1f MiB/s", percent,
                static_cast<double>(done_bytes) / kMiB, static_cast<double>(total_bytes) / kMiB,
                rate / kMiB);
  std::string line = buf;
  if (done_bytes < total_bytes) {
    line += rate > 0 ? "  ETA " + HoursMinutesSeconds(static_cast<double>(total_bytes - done_bytes) / rate)
                     : "  ETA -:--";
  } else {
    line += "  in " + HoursMinutesSeconds(seconds);
  }
  return line;
}

void ProgressMeter::Update(uint64_t done_bytes) {
  const Clock::time_point now = now_();
  const auto interval = terminal_ ? std::chrono::duration_cast<Clock::duration>(kTerminalInterval)
                                  : std::chrono::duration_cast<Clock::duration>(kLogInterval);
  if (now - last_draw_ < interval) return;
  last_draw_ = now;
  Draw(done_bytes, false);
}

void ProgressMeter::Finish(uint64_t done_bytes) { Draw(done_bytes, true); }

void ProgressMeter::Draw(uint64_t done_bytes, bool final) {
  const double seconds = std::chrono::duration<double>(now_() - start_).count();
  const std::string line = "lvm-revert: " + Line(done_bytes, total_bytes_, seconds);
  if (terminal_) {
    // \r and clear to end of line: one line, redrawn in place.
    out_ << "\r" << line << "\x1b[K";
    if (final) out_ << "\n";
  } else {
    out_ << line << "\n";
  }
  out_ << std::flush;
}

}  // namespace lvmrevert::cli
