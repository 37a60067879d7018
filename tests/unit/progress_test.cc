#include "lvmext/progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace lvmrevert::cli {
namespace {

using ::testing::HasSubstr;
using Clock = ProgressMeter::Clock;

TEST(ProgressTest, LineShowsPercentBytesRateAndEta) {
  EXPECT_EQ(ProgressMeter::Line(100 << 20, 400 << 20, 2.0),
            " 25% 100.0 MiB of 400.0 MiB  50.0 MiB/s  ETA 0:06");
  EXPECT_EQ(ProgressMeter::Line(400 << 20, 400 << 20, 8.0),
            "100% 400.0 MiB of 400.0 MiB  50.0 MiB/s  in 0:08");
  EXPECT_EQ(ProgressMeter::Line(0, 400 << 20, 0.0), "  0% 0.0 MiB of 400.0 MiB  0.0 MiB/s  ETA -:--");
  EXPECT_THAT(ProgressMeter::Line(1 << 20, uint64_t{1} << 40, 1.0), HasSubstr("ETA 291:16:15"));
}

TEST(ProgressTest, TerminalRedrawsOneLineAtMostFiveTimesASecond) {
  std::ostringstream out;
  Clock::time_point now{};
  ProgressMeter meter(out, 1000, true, [&now] { return now; });
  for (int i = 1; i <= 10; ++i) {
    now += std::chrono::milliseconds(100);
    meter.Update(static_cast<uint64_t>(i) * 100);
  }
  meter.Finish(1000);
  const std::string s = out.str();
  EXPECT_EQ(std::count(s.begin(), s.end(), '\r'), 6);  // 5 updates + the final one
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 1);
  EXPECT_THAT(s, HasSubstr("\rlvm-revert: 100%"));
}

TEST(ProgressTest, LogGetsALineEveryFiveSeconds) {
  std::ostringstream out;
  Clock::time_point now{};
  ProgressMeter meter(out, 1000, false, [&now] { return now; });
  for (int i = 1; i <= 12; ++i) {
    now += std::chrono::seconds(1);
    meter.Update(static_cast<uint64_t>(i) * 50);
  }
  meter.Finish(1000);
  const std::string s = out.str();
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 3);  // at 5 s, 10 s, and the end
  EXPECT_EQ(s.find('\r'), std::string::npos);
  EXPECT_EQ(s.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace lvmrevert::cli
