// The kernel's thin-pool status, and the limits at which LVM refuses a new
// thin volume: each refusal, and each limit at its edge.
#include "lvmext/lvm/thin_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lvmrevert::lvmext {
namespace {

using ::testing::HasSubstr;

// 1000 metadata blocks of 4 KiB (about 4 MiB), 1000 data blocks.
ThinPoolStatus Pool(uint64_t used_metadata, uint64_t used_data) {
  StatusOr<ThinPoolStatus> s = ParseThinPoolStatus(
      "7 " + std::to_string(used_metadata) + "/1000 " + std::to_string(used_data) +
      "/1000 - rw discard_passdown queue_if_no_space - 1024");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return *s;
}

TEST(ThinPoolTest, TheKernelsStatusLineIsRead) {
  StatusOr<ThinPoolStatus> s = ParseThinPoolStatus(
      "12 300/1024 5000/16384 - rw discard_passdown queue_if_no_space - 1024");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->used_metadata_blocks, 300u);
  EXPECT_EQ(s->total_metadata_blocks, 1024u);
  EXPECT_EQ(s->used_data_blocks, 5000u);
  EXPECT_EQ(s->total_data_blocks, 16384u);
  EXPECT_FALSE(s->read_only || s->out_of_data_space || s->needs_check || s->failed);
  EXPECT_TRUE(ParseThinPoolStatus("Fail")->failed);
  EXPECT_TRUE(ParseThinPoolStatus("1 1/2 1/2 - ro no_discard_passdown error_if_no_space - 1")
                  ->read_only);
  EXPECT_TRUE(ParseThinPoolStatus("1 1/2 2/2 - out_of_data_space discard_passdown "
                                  "queue_if_no_space - 1")
                  ->out_of_data_space);
  EXPECT_TRUE(ParseThinPoolStatus("1 1/2 1/2 - rw discard_passdown queue_if_no_space "
                                  "needs_check 1")
                  ->needs_check);
  EXPECT_FALSE(ParseThinPoolStatus("1 1/0 1/2 - rw").ok());
  EXPECT_FALSE(ParseThinPoolStatus("garbage").ok());
}

TEST(ThinPoolTest, APoolWithRoomTakesASnapshot) {
  EXPECT_TRUE(CheckThinPoolTakesASnapshot("vg/pool", Pool(100, 500), 100, 4096000).ok());
}

TEST(ThinPoolTest, FlagsTheKernelRaisesAreRefused) {
  for (const char* line : {"Fail", "1 1/1000 1/1000 - ro discard_passdown queue_if_no_space - 1",
                           "1 1/1000 1/1000 - out_of_data_space discard_passdown "
                           "queue_if_no_space - 1",
                           "1 1/1000 1/1000 - rw discard_passdown queue_if_no_space needs_check "
                           "1"}) {
    Status s = CheckThinPoolTakesASnapshot("vg/pool", *ParseThinPoolStatus(line), 100, 4096000);
    EXPECT_EQ(s.code(), StatusCode::kRefused) << line;
    EXPECT_THAT(s.message(), HasSubstr("thin pool vg/pool ")) << line;
  }
}

TEST(ThinPoolTest, DataAboveTheThresholdIsRefusedAndTheSetsOtherMembersCount) {
  EXPECT_TRUE(CheckThinPoolTakesASnapshot("vg/pool", Pool(1, 800), 80, 4096000).ok());
  const Status above = CheckThinPoolTakesASnapshot("vg/pool", Pool(1, 801), 80, 4096000);
  EXPECT_EQ(above.message(),
            "thin pool vg/pool has 80.10% of its data in use, above "
            "activation/thin_pool_autoextend_threshold (80%), so LVM would not create the copy "
            "the reset needs; nothing was changed");
  EXPECT_FALSE(CheckThinPoolTakesASnapshot("vg/pool", Pool(1, 700), 80, 4096000, 101).ok());
  // The default threshold, 100: only a full pool is refused.
  EXPECT_TRUE(CheckThinPoolTakesASnapshot("vg/pool", Pool(1, 999), 100, 4096000).ok());
  EXPECT_FALSE(CheckThinPoolTakesASnapshot("vg/pool", Pool(1, 1000), 100, 4096000).ok());
}

TEST(ThinPoolTest, MetadataMustKeepFourMibOrAQuarterFree) {
  // 4096000 bytes of metadata: 4 MiB is more than a quarter, so a quarter.
  EXPECT_TRUE(CheckThinPoolTakesASnapshot("vg/pool", Pool(749, 1), 100, 4096000).ok());
  EXPECT_FALSE(CheckThinPoolTakesASnapshot("vg/pool", Pool(750, 1), 100, 4096000).ok());
  // 1 GiB of metadata: 4 MiB free is enough (0.39%).
  EXPECT_TRUE(CheckThinPoolTakesASnapshot("vg/pool", Pool(990, 1), 100, 1u << 30).ok());
  EXPECT_FALSE(CheckThinPoolTakesASnapshot("vg/pool", Pool(997, 1), 100, 1u << 30).ok());
}

}  // namespace
}  // namespace lvmrevert::lvmext
