#include "lvmext/revert/progress.h"

#include <cstdio>
#include <vector>

#include "lvmext/cli/plan_output.h"

namespace lvmrevert::lvmext {
namespace {

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
                             std::function<unsigned()> columns,
                             std::function<Clock::time_point()> now)
    : out_(out),
      total_bytes_(total_bytes),
      terminal_(terminal),
      columns_(std::move(columns)),
      now_(std::move(now)) {
  start_ = now_();
  last_draw_ = start_;
}

std::string ProgressMeter::Line(uint64_t done_bytes, uint64_t total_bytes, double seconds,
                                unsigned max_columns, const std::string& label) {
  const double percent = total_bytes == 0 ? 100.0 : 100.0 * static_cast<double>(done_bytes) /
                                                        static_cast<double>(total_bytes);
  const double rate = seconds > 0 ? static_cast<double>(done_bytes) / seconds : 0;
  char percent_text[16];
  std::snprintf(percent_text, sizeof percent_text, "%3.0f%%", percent);
  const std::string bytes = MiB(done_bytes) + " of " + MiB(total_bytes);
  const std::string rate_text = MiB(static_cast<uint64_t>(rate)) + "/s";
  std::string time_left;
  if (done_bytes < total_bytes) {
    time_left = rate > 0 ? "ETA " + HoursMinutesSeconds(static_cast<double>(total_bytes - done_bytes) / rate)
                         : "ETA -:--";
  } else {
    time_left = "in " + HoursMinutesSeconds(seconds);
  }
  const std::string prefix = "lvm-revert: ";
  const std::string labelled = label.empty() ? prefix : prefix + label + " ";
  const std::vector<std::string> candidates = {
      labelled + percent_text + " " + bytes + "  " + rate_text + "  " + time_left,
      labelled + percent_text + " " + bytes + "  " + time_left,
      prefix + percent_text + " " + bytes + "  " + rate_text + "  " + time_left,
      prefix + percent_text + " " + bytes + "  " + time_left,
      prefix + percent_text + "  " + time_left,
      std::string(percent_text) + " " + time_left,
  };
  for (const std::string& line : candidates) {
    if (max_columns == 0 || line.size() < max_columns) return line;
  }
  const std::string& shortest = candidates.back();
  return shortest.substr(0, max_columns > 1 ? max_columns - 1 : 0);
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

void ProgressMeter::StartPart(std::string label, uint64_t offset_bytes) {
  label_ = std::move(label);
  offset_bytes_ = offset_bytes;
}

void ProgressMeter::Draw(uint64_t done_bytes, bool final) {
  const double seconds = std::chrono::duration<double>(now_() - start_).count();
  const std::string line =
      Line(done_bytes, total_bytes_, seconds, terminal_ ? columns_() : 0u, label_);
  if (terminal_) {
    // \r and clear to end of line: one line, redrawn in place.
    out_ << "\r" << line << "\x1b[K";
    if (final) out_ << "\n";
  } else {
    out_ << line << "\n";
  }
  out_ << std::flush;
}

}  // namespace lvmrevert::lvmext
