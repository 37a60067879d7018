// A suspended device is resumed on every way out: at the end of its scope,
// after an exception, once only; a failed suspend leaves nothing to resume.
#include "lvmext/lvm/suspended_device.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/support/fake_device_mapper.h"

namespace lvmrevert::lvmext {
namespace {

using lvmrevert::testing::FakeDeviceMapper;

class SuspendedDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override { dm_.devices["vg-snap"] = {}; }
  FakeDeviceMapper dm_;
};

TEST_F(SuspendedDeviceTest, ResumedWhenItGoesOutOfScope) {
  {
    SuspendedDevice d(dm_, "vg-snap", UdevPolicy{});
    ASSERT_TRUE(d.Suspend().ok());
    EXPECT_TRUE(dm_.devices["vg-snap"].info.suspended);
  }
  EXPECT_EQ(dm_.calls, (std::vector<std::string>{"suspend vg-snap", "resume vg-snap"}));
  EXPECT_FALSE(dm_.AnySuspended());
}

TEST_F(SuspendedDeviceTest, ResumedOnceOnly) {
  {
    SuspendedDevice d(dm_, "vg-snap", UdevPolicy{});
    ASSERT_TRUE(d.Suspend().ok());
    ASSERT_TRUE(d.Resume().ok());
    ASSERT_TRUE(d.Resume().ok());
  }
  EXPECT_EQ(dm_.calls, (std::vector<std::string>{"suspend vg-snap", "resume vg-snap"}));
}

TEST_F(SuspendedDeviceTest, NeverSuspendedNeverResumed) {
  { SuspendedDevice d(dm_, "vg-snap", UdevPolicy{}); }
  EXPECT_TRUE(dm_.calls.empty());
}

TEST_F(SuspendedDeviceTest, ResumedWhenTheSuspendThrows) {
  // The kernel may have suspended it before the library gave up.
  dm_.on_suspend = [](const std::string&) { throw std::runtime_error("ioctl wrapper threw"); };
  try {
    SuspendedDevice d(dm_, "vg-snap", UdevPolicy{});
    (void)d.Suspend();
    FAIL() << "the exception was swallowed";
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(dm_.calls, (std::vector<std::string>{"suspend vg-snap", "resume vg-snap"}));
  EXPECT_FALSE(dm_.AnySuspended());
}

TEST_F(SuspendedDeviceTest, AFailedResumeIsReportedAndTriedAgain) {
  SuspendedDevice d(dm_, "vg-snap", UdevPolicy{});
  ASSERT_TRUE(d.Suspend().ok());
  dm_.fail_resume = true;
  EXPECT_FALSE(d.Resume().ok());
  dm_.fail_resume = false;
  EXPECT_TRUE(d.Resume().ok());
  EXPECT_FALSE(dm_.AnySuspended());
}

}  // namespace
}  // namespace lvmrevert::lvmext
