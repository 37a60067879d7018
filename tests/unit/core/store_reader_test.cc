// The reader on stores built in memory, each test damaging one thing.
#include "core/store_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "core/endian.h"
#include "tests/support/store_builder.h"

namespace lvmrevert {
namespace {

using ::testing::HasSubstr;
using testing::StoreBuilder;

constexpr uint32_t kChunk8 = 8;  // 4 KiB chunks: 256 exceptions per area
constexpr uint64_t kBigOrigin = uint64_t{1} << 40;

StatusOr<ExceptionStore> Read(const std::vector<std::byte>& bytes,
                              uint64_t origin_size_bytes = kBigOrigin) {
  MemoryChunkSource source(bytes);
  return ReadExceptionStore(source, StoreReadOptions{origin_size_bytes});
}

void PutLe32(std::vector<std::byte>& bytes, uint64_t offset, uint32_t v) {
  StoreLe32(bytes.data() + offset, v);
}
void PutLe64(std::vector<std::byte>& bytes, uint64_t offset, uint64_t v) {
  StoreLe64(bytes.data() + offset, v);
}

StoreBuilder ThreeExceptions() {
  StoreBuilder b(kChunk8);
  b.Add(10).Add(3).Add(7);
  return b;
}

TEST(StoreReaderTest, ValidStoreIsReadSortedByOriginChunk) {
  auto store = Read(ThreeExceptions().Build());
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(store->chunk_size_sectors, 8u);
  EXPECT_EQ(store->metadata_areas, 1u);
  ASSERT_EQ(store->exceptions.size(), 3u);
  // Data chunks 2, 3, 4 were allocated in table order.
  EXPECT_EQ(store->exceptions[0], (Exception{3, 3}));
  EXPECT_EQ(store->exceptions[1], (Exception{7, 4}));
  EXPECT_EQ(store->exceptions[2], (Exception{10, 2}));
}

TEST(StoreReaderTest, EmptyTableHasNoExceptions) {
  auto store = Read(StoreBuilder(kChunk8).Build());
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_TRUE(store->exceptions.empty());
  EXPECT_EQ(store->metadata_areas, 1u);
}

TEST(StoreReaderTest, TableSpanningManyAreasIsReadWhole) {
  StoreBuilder b(kChunk8);
  for (uint64_t i = 0; i < 1000; ++i) b.Add(999 - i);
  auto store = Read(b.Build());
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_EQ(store->exceptions.size(), 1000u);
  EXPECT_EQ(store->metadata_areas, 4u);  // 256 + 256 + 256 + 232
  for (uint64_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(store->exceptions[i].origin_chunk, i);
    EXPECT_EQ(store->exceptions[i].cow_chunk, b.geometry().NthDataChunk(999 - i));
  }
}

TEST(StoreReaderTest, LargestLvmChunkSizeIsRead) {
  StoreBuilder b(1024);  // 512 KiB chunks: areas read in pieces
  b.Add(5).Add(6);
  auto store = Read(b.Build());
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(store->exceptions.size(), 2u);
}

TEST(StoreReaderTest, TerminatorExactlyAtAreaBoundaryEndsTable) {
  StoreBuilder b(kChunk8);
  for (uint64_t i = 0; i < 256; ++i) b.Add(i);  // area 0 exactly full
  auto bytes = b.Build();
  // Area 1 (chunk 258) exists and is all zeros: its first entry ends the table.
  ASSERT_EQ(bytes.size(), 259u * 4096);
  auto store = Read(bytes);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(store->exceptions.size(), 256u);
  EXPECT_EQ(store->metadata_areas, 2u);
}

TEST(StoreReaderTest, FullAreaWithNoRoomForNextAreaIsTruncated) {
  StoreBuilder b(kChunk8);
  for (uint64_t i = 0; i < 256; ++i) b.Add(i);
  b.SetStoreChunks(258);  // ends right before area 1
  auto store = Read(b.Build());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(store.status().message(),
              HasSubstr("area 1 would be chunk 258, past the end of the store (258 chunks), but "
                        "area 0 is full: the store is truncated"));
}

TEST(StoreReaderTest, StaleAreasAfterTheLastAreaAreNeverRead) {
  StoreBuilder b(kChunk8);
  b.Add(1);
  b.SetStoreChunks(600);
  auto bytes = b.Build();
  // Garbage where area 1 and 2 would be, as an old merge can leave behind.
  PutLe64(bytes, 258 * 4096, 77);
  PutLe64(bytes, 258 * 4096 + 8, 1);
  auto store = Read(bytes);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(store->exceptions.size(), 1u);
}

TEST(StoreReaderTest, BadMagicIsRefused) {
  auto bytes = ThreeExceptions().Build();
  PutLe32(bytes, 0, 0x12345678);
  auto store = Read(bytes);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(store.status().message(),
            "bad magic 0x12345678 in the store header (expected 0x70416e53, \"SnAp\"): not a "
            "dm-snapshot exception store");
}

TEST(StoreReaderTest, ZeroMagicMeansNeverInitialised) {
  auto bytes = ThreeExceptions().Build();
  PutLe32(bytes, 0, 0);
  auto store = Read(bytes);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(), HasSubstr("magic 0"));
}

TEST(StoreReaderTest, Version2IsRefused) {
  auto bytes = ThreeExceptions().Build();
  PutLe32(bytes, 8, 2);
  auto store = Read(bytes);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(store.status().message(),
            "unsupported store version 2 (the kernel only writes version 1)");
}

TEST(StoreReaderTest, InvalidatedSnapshotIsRefused) {
  auto bytes = ThreeExceptions().Build();
  PutLe32(bytes, 4, 0);
  auto store = Read(bytes);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kRefused);
  EXPECT_THAT(store.status().message(), HasSubstr("marked this snapshot invalid (header valid=0)"));
}

TEST(StoreReaderTest, AnyNonZeroValidIsValid) {
  auto bytes = ThreeExceptions().Build();
  PutLe32(bytes, 4, 7);  // the kernel only tests !valid
  EXPECT_TRUE(Read(bytes).ok());
}

class BadChunkSizeTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(BadChunkSizeTest, IsRefused) {
  auto bytes = ThreeExceptions().Build();
  PutLe32(bytes, 12, GetParam());
  auto store = Read(bytes);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(store.status().message(),
            "invalid chunk size " + std::to_string(GetParam()) +
                " sectors in the store header (must be a power of two from 8 to 2097152)");
}

INSTANTIATE_TEST_SUITE_P(Sizes, BadChunkSizeTest,
                         ::testing::Values(0u, 12u, 4u, 1u, 24u, 1u << 22, 0xffffffffu));

TEST(StoreReaderTest, HeaderChunkSizeIsTrustedOverAnyOther) {
  // 16-sector header on a store laid out for 16 sectors: read with 8 KiB chunks.
  StoreBuilder b(16);
  b.Add(4);
  auto store = Read(b.Build());
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(store->chunk_size_sectors, 16u);
  EXPECT_EQ(store->exceptions[0], (Exception{4, 2}));
}

TEST(StoreReaderTest, DuplicateOldChunkNamesBothEntries) {
  StoreBuilder b(kChunk8);
  for (uint64_t i = 0; i < 300; ++i) b.Add(i == 290 ? 7 : i);  // 7 again in area 1
  auto store = Read(b.Build());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(store.status().message(),
            "old_chunk 7 appears more than once in the table: area 0 entry 7 and area 1 entry 34");
}

TEST(StoreReaderTest, NewChunkOnFirstMetadataAreaIsRefused) {
  StoreBuilder b(kChunk8);
  b.Add(1).Add(2, 1).Add(3);
  auto store = Read(b.Build());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message(),
            "area 0 entry 1: new_chunk 1 is a metadata chunk, not a data chunk");
}

TEST(StoreReaderTest, NewChunkOnLaterMetadataAreaIsRefused) {
  StoreBuilder b(kChunk8);
  b.Add(1).Add(2, 258 + 257);  // area 2 lives at chunk 1 + 2 * 257
  b.SetStoreChunks(1000);
  auto store = Read(b.Build());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message(),
            "area 0 entry 1: new_chunk 515 is a metadata chunk, not a data chunk");
}

TEST(StoreReaderTest, NewChunkOnHeaderEndsTableAndLaterEntriesAreDamage) {
  // new_chunk 0 would point at the header: the kernel reads it as the end of
  // the table. With live entries after it, the table has been damaged.
  StoreBuilder b(kChunk8);
  b.Add(1).Add(2, 0).Add(3);
  auto bytes = b.Build();
  PutLe64(bytes, b.EntryOffset(1), 0);  // the end marker itself is clean
  auto store = Read(bytes);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(store.status().message(),
            "area 0 entry 1: the table ends here (new_chunk 0) but area 0 entry 2 is not empty");
}

TEST(StoreReaderTest, EndMarkerWithOldChunkIsDamage) {
  StoreBuilder b(kChunk8);
  b.Add(1).Add(9, 0);
  auto store = Read(b.Build());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message(),
            "area 0 entry 1: the table ends here (new_chunk 0) but its old_chunk is 9, not 0");
}

TEST(StoreReaderTest, NewChunkPastEndOfStoreIsRefused) {
  StoreBuilder b(kChunk8);
  b.Add(1).Add(2, 5000);
  b.SetStoreChunks(300);
  auto store = Read(b.Build());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message(),
            "area 0 entry 1: new_chunk 5000 lies past the end of the store (300 chunks)");
}

TEST(StoreReaderTest, NewChunkBeyond56BitsIsRefused) {
  StoreBuilder b(kChunk8);
  b.Add(1).Add(2, (uint64_t{1} << 56) + 2);
  auto store = Read(b.Build());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message(),
            "area 0 entry 1: new_chunk 72057594037927938 is not a valid chunk number (not below "
            "2^56)");
}

TEST(StoreReaderTest, OldChunkPastEndOfOriginIsRefused) {
  StoreBuilder b(kChunk8);
  b.Add(1).Add(16);
  auto store = Read(b.Build(), 16 * 4096);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message(),
            "area 0 entry 1: old_chunk 16 lies past the end of the origin (16 chunks)");
}

TEST(StoreReaderTest, PartialLastOriginChunkIsInsideTheOrigin) {
  StoreBuilder b(kChunk8);
  b.Add(16);
  auto store = Read(b.Build(), 16 * 4096 + 512);
  ASSERT_TRUE(store.ok()) << store.status().message();
}

TEST(StoreReaderTest, TruncatedInsideDataIsRefused) {
  StoreBuilder b(kChunk8);
  for (uint64_t i = 0; i < 10; ++i) b.Add(i);
  auto bytes = b.Build();
  bytes.resize(6 * 4096 + 100);  // data chunks 6.. are gone
  auto store = Read(bytes);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message(),
            "area 0 entry 4: new_chunk 6 lies past the end of the store (6 chunks)");
}

TEST(StoreReaderTest, TruncatedBeforeFirstAreaIsRefused) {
  auto bytes = ThreeExceptions().Build();
  bytes.resize(4096 + 2048);
  auto store = Read(bytes);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message(),
            "the store is 6144 bytes, too small for the header and first metadata area of "
            "4096-byte chunks: it is truncated");
}

TEST(StoreReaderTest, TruncatedInsideHeaderIsRefused) {
  auto bytes = ThreeExceptions().Build();
  bytes.resize(10);
  auto store = Read(bytes);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().message(), "the store is 10 bytes, too small to hold a header");
}

TEST(StoreReaderTest, EmptyFileIsRefused) {
  auto store = Read({});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
}

class FailingSource : public ChunkSource {
 public:
  explicit FailingSource(std::vector<std::byte> bytes, uint64_t fail_at)
      : bytes_(std::move(bytes)), inner_(bytes_), fail_at_(fail_at) {}
  uint64_t size_bytes() const override { return bytes_.size(); }
  Status ReadAt(uint64_t offset, std::span<std::byte> out) override {
    if (offset == fail_at_) return Status::IOError("Input/output error");
    return inner_.ReadAt(offset, out);
  }

 private:
  std::vector<std::byte> bytes_;
  MemoryChunkSource inner_;
  uint64_t fail_at_;
};

TEST(StoreReaderTest, ReadErrorNamesTheArea) {
  FailingSource source(ThreeExceptions().Build(), 4096);
  auto store = ReadExceptionStore(source, StoreReadOptions{kBigOrigin});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kIOError);
  EXPECT_EQ(store.status().message(), "reading area 0: Input/output error");
}

}  // namespace
}  // namespace lvmrevert
