// The kernel command line as --boot reads it: switch words in any case and
// quoted, one-off pairs, and anything else failing closed.
#include "lvmext/boot/cmdline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lvmrevert::lvmext {
namespace {

using State = BootCommandLine::State;

TEST(BootCmdline, NoWordMeansOn) {
  const BootCommandLine c = ParseBootCommandLine("BOOT_IMAGE=/vmlinuz root=/dev/mapper/vg-root ro quiet\n");
  EXPECT_EQ(c.state, State::kOn);
  EXPECT_TRUE(c.pairs.empty());
}

TEST(BootCmdline, SwitchWordsInAnyCaseAndQuoted) {
  for (const char* word : {"off", "OFF", "Off", "0", "no", "NO", "false", "False", "n", "\"off\""}) {
    SCOPED_TRACE(word);
    const BootCommandLine c = ParseBootCommandLine(std::string("ro lvmrevert=") + word + " quiet");
    EXPECT_EQ(c.state, State::kOff);
  }
  for (const char* word : {"on", "ON", "1", "yes", "True", "y", "\"on\""}) {
    SCOPED_TRACE(word);
    EXPECT_EQ(ParseBootCommandLine(std::string("lvmrevert=") + word).state, State::kOn);
  }
}

TEST(BootCmdline, PairsAreOneOffReverts) {
  const BootCommandLine c = ParseBootCommandLine("lvmrevert=vg0/root:vg0/monday,vg1/home:vg1/h");
  ASSERT_EQ(c.state, State::kOn);
  ASSERT_EQ(c.pairs.size(), 2u);
  EXPECT_EQ(c.pairs[0].origin.full(), "vg0/root");
  EXPECT_EQ(c.pairs[0].snapshot.full(), "vg0/monday");
  EXPECT_EQ(c.pairs[0].when, "command line");
  EXPECT_EQ(c.pairs[1].snapshot.full(), "vg1/h");
}

TEST(BootCmdline, AnythingElseFailsClosedAndSaysWhy) {
  for (const char* value : {"offf", "disable", "", "vg0/root", "vg0/root:", "vg0/root:vg0/snap,",
                            "vg0/root:vg0/snap,junk", "vg0/root:vg0/snap,,vg1/a:vg1/b", "-1"}) {
    SCOPED_TRACE(value);
    const BootCommandLine c = ParseBootCommandLine(std::string("quiet lvmrevert=") + value);
    EXPECT_EQ(c.state, State::kInvalid);
    EXPECT_TRUE(c.pairs.empty());
    EXPECT_EQ(c.why_invalid, std::string("lvmrevert=") + value +
                                 " on the kernel command line is neither on/off nor a list of "
                                 "VG/LV:VG/SNAP pairs and @TAG sets");
  }
}

TEST(BootCmdline, OffAndPairsTogetherRunNoPair) {
  const BootCommandLine c = ParseBootCommandLine("lvmrevert=vg0/root:vg0/snap lvmrevert=off");
  EXPECT_EQ(c.state, State::kOff);
  EXPECT_TRUE(c.pairs.empty());
}

TEST(BootCmdline, AnInvalidWordWinsOverOff) {
  EXPECT_EQ(ParseBootCommandLine("lvmrevert=off lvmrevert=junk").state, State::kInvalid);
  EXPECT_EQ(ParseBootCommandLine("lvmrevert=junk lvmrevert=off").state, State::kInvalid);
}

TEST(BootCmdline, OtherKeysAreNotOurs) {
  EXPECT_EQ(ParseBootCommandLine("xlvmrevert=junk lvmrevert.tag=x lvmrevert").state, State::kOn);
}

}  // namespace
}  // namespace lvmrevert::lvmext
