#include "core/quoting.h"

#include <gtest/gtest.h>

namespace lvmrevert {
namespace {

TEST(QuotedNameTest, PlainNamesStayAsTheyAre) {
  EXPECT_EQ(QuotedName("/dev/mapper/vg-lv"), "/dev/mapper/vg-lv");
  EXPECT_EQ(QuotedName("/var/tmp/a_b+c%d=e@f:g,h^i.img"), "/var/tmp/a_b+c%d=e@f:g,h^i.img");
}

TEST(QuotedNameTest, SpacesAndQuotesAreQuotedForTheShell) {
  EXPECT_EQ(QuotedName("/tmp/my image"), "'/tmp/my image'");
  EXPECT_EQ(QuotedName("it's"), "'it'\\''s'");
  EXPECT_EQ(QuotedName(""), "''");
}

TEST(QuotedNameTest, ControlCharactersCannotSplitOrColourALine) {
  EXPECT_EQ(QuotedName("/tmp/a\nb"), "'/tmp/a'$'\\n''b'");
  EXPECT_EQ(QuotedName("/tmp/\x1b[31mred"), "'/tmp/'$'\\033''[31mred'");
  EXPECT_EQ(QuotedName("\nx"), "$'\\n''x'");
  EXPECT_EQ(QuotedName("x\t"), "'x'$'\\t'");
}

TEST(QuotedNameTest, ValidUtf8StaysReadableAndInvalidBytesAreEscaped) {
  EXPECT_EQ(QuotedName("/tmp/caf\xc3\xa9"), "'/tmp/caf\xc3\xa9'");
  EXPECT_EQ(QuotedName("/tmp/\xff"), "'/tmp/'$'\\377'");
}

TEST(ValidUtf8Test, InvalidSequencesBecomeReplacementCharacters) {
  EXPECT_EQ(ValidUtf8("ok \xc3\xa9"), "ok \xc3\xa9");
  EXPECT_EQ(ValidUtf8("a\xff" "b"), "a\xef\xbf\xbd" "b");
  EXPECT_EQ(ValidUtf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");          // overlong '/'
  EXPECT_EQ(ValidUtf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
  EXPECT_EQ(ValidUtf8("\xe2\x82"), "\xef\xbf\xbd\xef\xbf\xbd");          // cut short
  EXPECT_EQ(ValidUtf8("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");          // U+1F600
}

TEST(EscapeControlCharactersTest, KeepsALineOneLine) {
  EXPECT_EQ(EscapeControlCharacters("a\nb\x1b[0m\x7f"), "a\\nb\\033[0m\\177");
  EXPECT_EQ(EscapeControlCharacters("plain text"), "plain text");
}

}  // namespace
}  // namespace lvmrevert
