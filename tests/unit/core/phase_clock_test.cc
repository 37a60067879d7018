#include "core/phase_clock.h"

#include <gtest/gtest.h>

namespace lvmrevert {
namespace {

TEST(PhaseClockTest, InnerPhaseTimeIsNotAlsoTheOuterPhases) {
  int64_t now_ns = 0;
  PhaseClock clock([&] { return now_ns; });
  clock.Enter(Phase::kCopying);
  now_ns += 3'000'000'000;
  clock.Enter(Phase::kFlushing);
  now_ns += 500'000'000;
  clock.Leave();
  now_ns += 1'000'000'000;
  clock.Leave();
  now_ns += 7'000'000'000;  // in no phase
  EXPECT_DOUBLE_EQ(clock.Seconds(Phase::kCopying), 4.0);
  EXPECT_DOUBLE_EQ(clock.Seconds(Phase::kFlushing), 0.5);
  EXPECT_DOUBLE_EQ(clock.Seconds(Phase::kVerifying), 0.0);
}

TEST(PhaseClockTest, APhaseEnteredAgainAddsUp) {
  int64_t now_ns = 0;
  PhaseClock clock([&] { return now_ns; });
  for (int i = 0; i < 3; ++i) {
    InPhase waiting(Phase::kLvmTools, clock);
    now_ns += 250'000'000;
  }
  EXPECT_DOUBLE_EQ(clock.Seconds(Phase::kLvmTools), 0.75);
}

TEST(PhaseClockTest, DescribesEveryPhaseAndWhatNoneTook) {
  int64_t now_ns = 0;
  PhaseClock clock([&] { return now_ns; });
  {
    InPhase waiting(Phase::kLvmTools, clock);
    now_ns += 912'000'000;
  }
  {
    InPhase copying(Phase::kCopying, clock);
    now_ns += 480'000'000;
  }
  EXPECT_EQ(DescribePhases(clock, 1.5),
            "LVM tools 0.912 s, reading the store 0.000 s, planning 0.000 s, backing up 0.000 s, "
            "copying 0.480 s, flushing 0.000 s, verifying 0.000 s, other 0.108 s, in all 1.500 s");
}

}  // namespace
}  // namespace lvmrevert
