// Where a run's time goes, for -v: the wall time of each phase of the work.
// Phases nest (a flush inside a copy, an LVM command inside a check); the
// inner one's time is not also counted in the outer one, so the phases never
// add up to more than the run took.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lvmrevert {

enum class Phase {
  kLvmTools,      // waiting for LVM's commands (lvs, lvmconfig, lvchange...)
  kReadingStore,  // the store's header and metadata areas
  kPlanning,      // validating the exceptions and building the plan
  kBackingUp,     // --backup: what the revert overwrites, saved first
  kCopying,       // the store's chunks onto the origin
  kFlushing,      // waiting for the device to make writes durable
  kVerifying,     // --verify and --compare: reading back and checking
};
inline constexpr size_t kPhaseCount = 7;

// As -v prints it: "LVM tools", "reading the store"...
const char* PhaseName(Phase phase);

class PhaseClock {
 public:
  // Nanoseconds on a monotonic clock; steady_clock unless a test gives one.
  using Now = std::function<int64_t()>;
  explicit PhaseClock(Now now = {});

  void Enter(Phase phase);
  void Leave();
  // Time spent in `phase` so far, its inner phases' excluded.
  double Seconds(Phase phase) const;

 private:
  void ChargeUntil(int64_t now_ns);

  Now now_;
  std::array<int64_t, kPhaseCount> spent_ns_{};
  std::vector<Phase> open_;
  int64_t since_ns_ = 0;
};

// The one the whole process charges its time to.
PhaseClock& ProcessPhaseClock();

// Charges the time of a scope to `phase`.
class InPhase {
 public:
  explicit InPhase(Phase phase, PhaseClock& clock = ProcessPhaseClock()) : clock_(clock) {
    clock_.Enter(phase);
  }
  ~InPhase() { clock_.Leave(); }
  InPhase(const InPhase&) = delete;
  InPhase& operator=(const InPhase&) = delete;

 private:
  PhaseClock& clock_;
};

// "LVM tools 0.912 s, reading the store 0.004 s, ..., other 0.051 s, in all
// 1.473 s": every phase, and what none of them took of `total_seconds`.
std::string DescribePhases(const PhaseClock& clock, double total_seconds);

}  // namespace lvmrevert
