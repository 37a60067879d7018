#include "core/sibling_impact.h"

#include <gtest/gtest.h>

#include "tests/support/store_builder.h"

namespace lvmrevert {
namespace {

using testing::StoreBuilder;

ExceptionStore ReadBuilt(const StoreBuilder& b) {
  const auto bytes = b.Build();
  MemoryChunkSource source(bytes);
  auto store = ReadExceptionStore(source, StoreReadOptions{uint64_t{1} << 40});
  EXPECT_TRUE(store.ok()) << store.status().message();
  return std::move(store).value();
}

// The kernel's allocator and committer, step by step (persistent_prepare_
// exception, persistent_commit_exception): how many more exceptions commit
// before one fails or invalidates the snapshot.
uint64_t SimulateKernel(const ExceptionStore& s) {
  const store::Geometry g = s.geometry();
  const uint64_t epa = g.exceptions_per_area();
  uint64_t next_free = 2;
  for (const Exception& e : s.exceptions) next_free = std::max(next_free, e.cow_chunk + 1);
  if (next_free % (epa + 1) == 1) ++next_free;
  uint64_t committed_in_area = s.exceptions.size() % epa;
  uint64_t area = s.exceptions.size() / epa;
  for (uint64_t added = 0;; ++added) {
    if (s.store_chunks < next_free + 1) return added;  // -ENOSPC
    ++next_free;
    if (next_free % (epa + 1) == 1) ++next_free;
    if (++committed_in_area == epa) {
      if (g.AreaChunk(area + 1) >= s.store_chunks) return added;  // zeroing fails: invalid
      ++area;
      committed_in_area = 0;
    }
  }
}

TEST(SiblingImpactTest, CapacityMatchesTheKernelsAllocatorEverywhere) {
  // 8-sector chunks: 256 exceptions per area, areas every 257 chunks.
  for (uint64_t existing : {0, 1, 100, 255, 256, 257, 511, 600}) {
    for (uint64_t extra_chunks = 0; extra_chunks < 600; extra_chunks += 7) {
      StoreBuilder b(8);
      for (uint64_t i = 0; i < existing; ++i) b.Add(i);
      b.SetStoreChunks(b.StoreChunks() + extra_chunks);
      const ExceptionStore s = ReadBuilt(b);
      ASSERT_EQ(RemainingCapacity(s), SimulateKernel(s))
          << "existing " << existing << " store chunks " << s.store_chunks;
    }
  }
}

TEST(SiblingImpactTest, FullAreaAtTheEndLeavesRoomForOneLessThanTheDataChunks) {
  StoreBuilder b(8);  // area 0 at chunk 1, data 2..257, area 1 at 258
  b.SetStoreChunks(258);
  const ExceptionStore s = ReadBuilt(b);
  // 256 data chunks, but the 256th commit must zero area 1, which is missing.
  EXPECT_EQ(RemainingCapacity(s), 255u);
}

Plan MakePlan(std::initializer_list<Exception> items, uint64_t chunk_bytes, uint64_t origin) {
  ExceptionList list;
  for (const Exception& e : items) list.push_back(e);
  return std::move(Plan::Build(std::move(list), chunk_bytes, origin)).value();
}

TEST(SiblingImpactTest, CountsChunksTheSiblingHasNotSaved) {
  StoreBuilder sib(8);
  sib.Add(5).Add(9);
  sib.SetStoreChunks(100);
  const ExceptionStore s = ReadBuilt(sib);
  const Plan plan = MakePlan({{4, 2}, {5, 3}, {6, 4}, {9, 5}, {20, 6}}, 4096, 100 * 4096);
  const SiblingImpact impact = AssessSibling(plan, s, 100 * 4096);
  EXPECT_EQ(impact.new_chunks, 3u);  // 4, 6, 20; 5 and 9 are saved already
  EXPECT_EQ(impact.free_chunks, 96u);  // data chunks 4..99
  EXPECT_FALSE(impact.would_overflow());
}

TEST(SiblingImpactTest, LargerSiblingChunksAreCountedOnce) {
  StoreBuilder sib(64);  // 32 KiB chunks: 8 of the plan's 4 KiB chunks each
  const ExceptionStore s = ReadBuilt(sib);
  const Plan plan = MakePlan({{0, 2}, {3, 3}, {7, 4}, {8, 9}, {70, 20}}, 4096, 1000 * 4096);
  EXPECT_EQ(AssessSibling(plan, s, 1000 * 4096).new_chunks, 3u);  // sibling chunks 0, 1, 8
}

TEST(SiblingImpactTest, SmallerSiblingChunksAreCountedEach) {
  StoreBuilder sib(8);
  sib.Add(17);
  const ExceptionStore s = ReadBuilt(sib);
  // One 64 KiB chunk (origin chunk 1 = bytes 64K..128K) covers sibling chunks 16..31.
  const Plan plan = MakePlan({{1, 2}}, 65536, 100 * 65536);
  EXPECT_EQ(AssessSibling(plan, s, 100 * 65536).new_chunks, 15u);
}

TEST(SiblingImpactTest, WritesPastTheSiblingsLengthCostNothing) {
  StoreBuilder sib(8);
  const ExceptionStore s = ReadBuilt(sib);
  const Plan plan = MakePlan({{1, 2}, {50, 3}}, 4096, 100 * 4096);
  EXPECT_EQ(AssessSibling(plan, s, 10 * 4096).new_chunks, 1u);
}

TEST(SiblingImpactTest, OverflowWhenMoreIsNeededThanFree) {
  StoreBuilder sib(8);
  sib.SetStoreChunks(5);  // header, area 0, data chunks 2..4: room for 3
  const ExceptionStore s = ReadBuilt(sib);
  const Plan plan = MakePlan({{1, 2}, {2, 3}, {3, 4}, {4, 5}}, 4096, 100 * 4096);
  const SiblingImpact impact = AssessSibling(plan, s, 100 * 4096);
  EXPECT_EQ(impact.free_chunks, 3u);
  EXPECT_EQ(impact.new_chunks, 4u);
  EXPECT_TRUE(impact.would_overflow());
}

}  // namespace
}  // namespace lvmrevert
