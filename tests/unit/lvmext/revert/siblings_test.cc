// What a revert costs the origin's other snapshots: the lvextend advice
// covers the missing chunks and their metadata areas, and an overflow is
// refused unless --allow-invalidate makes it a warning.
#include "lvmext/revert/siblings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lvmrevert::lvmext {
namespace {

using ::testing::HasSubstr;

SiblingReport Sibling(uint64_t new_chunks, uint64_t free_chunks) {
  SiblingReport r;
  r.name = "vg/sib";
  r.chunk_size_bytes = 4096;
  r.new_chunks = new_chunks;
  r.free_chunks = free_chunks;
  r.would_overflow = new_chunks > free_chunks;
  return r;
}

TEST(SiblingsTest, ExtendCoversTheMissingChunksAndTheirAreas) {
  // 4 KiB chunks: 256 exceptions per metadata area.
  EXPECT_EQ(SiblingExtendBytes(Sibling(10, 4)), (6 + 0 + 2) * 4096u);
  EXPECT_EQ(SiblingExtendBytes(Sibling(600, 0)), (600 + 2 + 2) * 4096u);
}

TEST(SiblingsTest, AnOverflowIsRefusedWithTheLvextendThatMakesRoom) {
  std::vector<std::string> warnings;
  const Status s = RefuseSiblingOverflow({Sibling(1, 1), Sibling(600, 0)}, false,
                                         [&](const std::string& w) { warnings.push_back(w); });
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.reason(), RefusalReason::kSiblingWouldOverflow);
  EXPECT_EQ(s.message(),
            "sibling snapshot vg/sib would overflow: the revert makes it save 600 more chunks but "
            "it has room for 0; the kernel would invalidate it. Extend it first (lvextend -L +3M "
            "vg/sib) or pass --allow-invalidate");
  EXPECT_TRUE(warnings.empty());
}

TEST(SiblingsTest, AllowInvalidateWarnsInstead) {
  std::vector<std::string> warnings;
  const Status s = RefuseSiblingOverflow({Sibling(10, 4)}, true,
                                         [&](const std::string& w) { warnings.push_back(w); });
  EXPECT_TRUE(s.ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("(--allow-invalidate given)"));
}

TEST(SiblingsTest, RoomEnoughIsNoRefusal) {
  EXPECT_TRUE(RefuseSiblingOverflow({Sibling(4, 4)}, false, [](const std::string&) {}).ok());
  EXPECT_EQ(SiblingLine(Sibling(4, 4)),
            "Sibling snapshot vg/sib: the revert makes it save 4 chunks of 4096 bytes; it has room "
            "for 4.");
  EXPECT_EQ(SiblingLine(Sibling(5, 4)),
            "Sibling snapshot vg/sib: the revert makes it save 5 chunks of 4096 bytes; it has room "
            "for 4 (it would overflow).");
}

}  // namespace
}  // namespace lvmrevert::lvmext
