#include "lvmext/revert/progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace lvmrevert::lvmext {
namespace {

using ::testing::HasSubstr;
using Clock = ProgressMeter::Clock;

TEST(ProgressTest, LineShowsPercentBytesRateAndEtaInTheSummarysUnits) {
  EXPECT_EQ(ProgressMeter::Line(100 << 20, 400 << 20, 2.0),
            "lvm-revert:  25% 100.00 MiB of 400.00 MiB  50.00 MiB/s  ETA 0:06");
  EXPECT_EQ(ProgressMeter::Line(400 << 20, 400 << 20, 8.0),
            "lvm-revert: 100% 400.00 MiB of 400.00 MiB  50.00 MiB/s  in 0:08");
  EXPECT_EQ(ProgressMeter::Line(0, 400 << 20, 0.0),
            "lvm-revert:   0% 0.00 MiB of 400.00 MiB  0.00 MiB/s  ETA -:--");
  EXPECT_THAT(ProgressMeter::Line(1 << 20, uint64_t{1} << 40, 1.0), HasSubstr("ETA 291:16:15"));
}

TEST(ProgressTest, LineFitsTheTerminalWidth) {
  const uint64_t done = 100 << 20, total = 400 << 20;
  // 64 characters in full: one column more is needed, as a line filling the
  // last column makes some terminals wrap.
  EXPECT_EQ(ProgressMeter::Line(done, total, 2.0, 65).size(), 64u);
  EXPECT_EQ(ProgressMeter::Line(done, total, 2.0, 64),
            "lvm-revert:  25% 100.00 MiB of 400.00 MiB  ETA 0:06");
  EXPECT_EQ(ProgressMeter::Line(done, total, 2.0, 45), "lvm-revert:  25%  ETA 0:06");
  EXPECT_EQ(ProgressMeter::Line(done, total, 2.0, 20), " 25% ETA 0:06");
  EXPECT_EQ(ProgressMeter::Line(done, total, 2.0, 8), " 25% ET");
  EXPECT_EQ(ProgressMeter::Line(done, total, 2.0, 200), ProgressMeter::Line(done, total, 2.0));
}

// A set's one line: the member it is at, and the bytes of the whole set.
TEST(ProgressTest, ASetsLineNamesTheMemberAndCountsTheWholeSet) {
  std::ostringstream out;
  Clock::time_point now{};
  ProgressMeter meter(out, 400 << 20, false, [] { return 0u; }, [&now] { return now; });
  meter.StartPart("member 2/3", 100 << 20);
  now += std::chrono::seconds(10);
  meter.Update(meter.Overall(100 << 20));
  EXPECT_EQ(out.str(),
            "lvm-revert: member 2/3  50% 200.00 MiB of 400.00 MiB  20.00 MiB/s  ETA 0:10\n");
  EXPECT_EQ(ProgressMeter::Line(200 << 20, 400 << 20, 10.0, 45, "member 2/3"),
            "lvm-revert:  50%  ETA 0:10");
}

TEST(ProgressTest, TerminalLineFollowsTheWidthAtEachRedraw) {
  std::ostringstream out;
  Clock::time_point now{};
  unsigned columns = 200;
  ProgressMeter meter(out, 400 << 20, true, [&columns] { return columns; }, [&now] { return now; });
  now += std::chrono::seconds(1);
  meter.Update(100 << 20);
  columns = 45;
  now += std::chrono::seconds(1);
  meter.Update(200 << 20);
  const std::string s = out.str();
  EXPECT_THAT(s, HasSubstr("\rlvm-revert:  25% 100.00 MiB of 400.00 MiB  100.00 MiB/s  ETA 0:03\x1b[K"));
  EXPECT_THAT(s, HasSubstr("\rlvm-revert:  50%  ETA 0:02\x1b[K"));
}

TEST(ProgressTest, TerminalRedrawsOneLineAtMostFiveTimesASecond) {
  std::ostringstream out;
  Clock::time_point now{};
  ProgressMeter meter(out, 1000, true, [] { return 0u; }, [&now] { return now; });
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
  ProgressMeter meter(out, 1000, false, [] { return 80u; }, [&now] { return now; });
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
}  // namespace lvmrevert::lvmext
