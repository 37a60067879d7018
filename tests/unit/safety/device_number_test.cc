#include "safety/device_number.h"

#include <gtest/gtest.h>
#include <sys/sysmacros.h>

namespace lvmrevert::safety {
namespace {

TEST(MajorMinorTest, WritesBothNumbersInDecimal) {
  EXPECT_EQ(MajorMinor(makedev(253, 4)), "253:4");
  EXPECT_EQ(MajorMinor(makedev(0, 0)), "0:0");
  // Minors above 255 use the wide encoding's upper bits.
  EXPECT_EQ(MajorMinor(makedev(259, 1048575)), "259:1048575");
}

}  // namespace
}  // namespace lvmrevert::safety
