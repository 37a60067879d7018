#include "core/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace lvmrevert {
namespace {

using ::testing::ElementsAre;

constexpr uint64_t kChunk = 4096;

ExceptionList List(std::initializer_list<Exception> items) {
  ExceptionList list;
  for (const Exception& e : items) list.push_back(e);
  return list;
}

std::vector<ChunkRun> Runs(const Plan& plan) {
  std::vector<ChunkRun> runs;
  plan.ForEachRun([&](const ChunkRun& r) {
    runs.push_back(r);
    return true;
  });
  return runs;
}

TEST(PlanTest, EmptyPlanHasNothingToDo) {
  auto plan = Plan::Build(ExceptionList(), kChunk, 100 * kChunk);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->totals().exceptions, 0u);
  EXPECT_EQ(plan->totals().runs, 0u);
  EXPECT_EQ(plan->totals().bytes, 0u);
  EXPECT_TRUE(Runs(*plan).empty());
}

TEST(PlanTest, SortsByDestination) {
  auto plan = Plan::Build(List({{9, 2}, {1, 3}, {5, 4}}), kChunk, 100 * kChunk);
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(Runs(*plan), ElementsAre(ChunkRun{1, 3, 1, kChunk}, ChunkRun{5, 4, 1, kChunk},
                                       ChunkRun{9, 2, 1, kChunk}));
}

TEST(PlanTest, CoalescesChunksConsecutiveOnBothSides) {
  auto plan =
      Plan::Build(List({{10, 2}, {11, 3}, {12, 4}, {20, 5}, {21, 6}}), kChunk, 100 * kChunk);
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(Runs(*plan), ElementsAre(ChunkRun{10, 2, 3, 3 * kChunk}, ChunkRun{20, 5, 2, 2 * kChunk}));
  EXPECT_EQ(plan->totals().exceptions, 5u);
  EXPECT_EQ(plan->totals().runs, 2u);
  EXPECT_EQ(plan->totals().bytes, 5 * kChunk);
}

TEST(PlanTest, AdjacentOriginChunksFromScatteredStoreChunksAreSeparateRuns) {
  // Written backwards: origin-adjacent, but the store holds them in reverse.
  auto plan = Plan::Build(List({{12, 2}, {11, 3}, {10, 4}}), kChunk, 100 * kChunk);
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(Runs(*plan), ElementsAre(ChunkRun{10, 4, 1, kChunk}, ChunkRun{11, 3, 1, kChunk},
                                       ChunkRun{12, 2, 1, kChunk}));
}

TEST(PlanTest, ClampsPartialLastChunkToOriginSize) {
  const uint64_t origin = 10 * kChunk + 1536;  // chunk 10 is three sectors long
  auto plan = Plan::Build(List({{9, 2}, {10, 3}}), kChunk, origin);
  ASSERT_TRUE(plan.ok());
  EXPECT_THAT(Runs(*plan), ElementsAre(ChunkRun{9, 2, 2, kChunk + 1536}));
  EXPECT_EQ(plan->totals().bytes, kChunk + 1536);
}

TEST(PlanTest, RejectsDuplicateDestination) {
  auto plan = Plan::Build(List({{4, 2}, {4, 3}}), kChunk, 100 * kChunk);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(plan.status().message(), "origin chunk 4 is saved twice");
}

TEST(PlanTest, RejectsChunkPastOriginEnd) {
  auto plan = Plan::Build(List({{4, 2}, {100, 3}}), kChunk, 100 * kChunk);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(),
            "origin chunk 100 lies past the end of the origin (409600 bytes)");
}

TEST(PlanTest, ForEachRunStopsWhenAsked) {
  auto plan = Plan::Build(List({{1, 2}, {5, 3}, {9, 4}}), kChunk, 100 * kChunk);
  ASSERT_TRUE(plan.ok());
  int seen = 0;
  plan->ForEachRun([&](const ChunkRun&) { return ++seen < 2; });
  EXPECT_EQ(seen, 2);
}

TEST(PlanTest, CursorAndForEachAgree) {
  auto plan = Plan::Build(List({{1, 2}, {2, 3}, {9, 4}}), kChunk, 100 * kChunk);
  ASSERT_TRUE(plan.ok());
  RunCursor cursor(*plan);
  std::vector<ChunkRun> pulled;
  ChunkRun r;
  while (cursor.Next(&r)) pulled.push_back(r);
  EXPECT_EQ(pulled, Runs(*plan));
  EXPECT_FALSE(cursor.Next(&r));
}

}  // namespace
}  // namespace lvmrevert
