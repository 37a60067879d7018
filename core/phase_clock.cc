#include "core/phase_clock.h"

#include <algorithm>
#include <cstdio>

namespace lvmrevert {
namespace {

int64_t SteadyNanoseconds() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string Seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f s", s);
  return text;
}

}  // namespace

const char* PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kLvmTools: return "LVM tools";
    case Phase::kReadingStore: return "reading the store";
    case Phase::kPlanning: return "planning";
    case Phase::kBackingUp: return "backing up";
    case Phase::kCopying: return "copying";
    case Phase::kFlushing: return "flushing";
    case Phase::kVerifying: return "verifying";
  }
  return "?";
}

PhaseClock::PhaseClock(Now now) : now_(now ? std::move(now) : Now(SteadyNanoseconds)) {}

void PhaseClock::ChargeUntil(int64_t now_ns) {
  if (!open_.empty()) spent_ns_[static_cast<size_t>(open_.back())] += now_ns - since_ns_;
  since_ns_ = now_ns;
}

void PhaseClock::Enter(Phase phase) {
  ChargeUntil(now_());
  open_.push_back(phase);
}

void PhaseClock::Leave() {
  ChargeUntil(now_());
  if (!open_.empty()) open_.pop_back();
}

double PhaseClock::Seconds(Phase phase) const {
  return static_cast<double>(spent_ns_[static_cast<size_t>(phase)]) / 1e9;
}

PhaseClock& ProcessPhaseClock() {
  static PhaseClock clock;
  return clock;
}

std::string DescribePhases(const PhaseClock& clock, double total_seconds) {
  std::string text;
  double phases = 0;
  for (size_t i = 0; i < kPhaseCount; ++i) {
    const Phase phase = static_cast<Phase>(i);
    phases += clock.Seconds(phase);
    text += std::string(PhaseName(phase)) + " " + Seconds(clock.Seconds(phase)) + ", ";
  }
  return text + "other " + Seconds(std::max(0.0, total_seconds - phases)) + ", in all " +
         Seconds(total_seconds);
}

}  // namespace lvmrevert
