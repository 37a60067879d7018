// The backup store, --verify's read-back and --compare, in core; then the
// command with --backup, --verify and --compare on image files.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

#include "core/backup_store.h"
#include "core/file_chunk_source.h"
#include "core/psync_engine.h"
#include "core/store_reader.h"
#include "core/unique_fd.h"
#include "core/verify.h"
#include "tests/support/store_builder.h"
#include "tests/support/temp_dir.h"

namespace lvmrevert {
namespace {

using ::testing::HasSubstr;
using lvmrevert::testing::PatternImage;
using lvmrevert::testing::StoreBuilder;
using lvmrevert::testing::TempDir;
using lvmrevert::testing::WriteFile;

constexpr uint64_t kChunk = 4096;

class BackupStoreTest : public ::testing::TestWithParam<uint64_t> {
 protected:
  // 300 chunks (more than one metadata area of 256 entries) plus GetParam()
  // bytes: a partial last chunk when it is not 0.
  void SetUp() override {
    origin_bytes_ = 300 * kChunk + GetParam();
    origin_ = PatternImage(7, origin_bytes_, kChunk);
    for (uint64_t c = 0; c < 300; c += 1 + c % 3) chunks_.push_back(c);
    if (GetParam() != 0) chunks_.push_back(300);  // the partial one
    ExceptionList list;
    for (size_t i = 0; i < chunks_.size(); ++i) list.push_back({chunks_[i], 1000 + i});
    plan_.emplace(std::move(Plan::Build(std::move(list), kChunk, origin_bytes_)).value());
    WriteFile(dir_.File("origin.img"), origin_);
  }

  UniqueFd Open(const std::string& name, int flags) {
    return UniqueFd(::open(dir_.File(name).c_str(), flags | O_CLOEXEC, 0600));
  }

  TempDir dir_;
  uint64_t origin_bytes_ = 0;
  std::vector<std::byte> origin_;
  std::vector<uint64_t> chunks_;
  std::optional<Plan> plan_;
};

TEST_P(BackupStoreTest, IsAStoreOfWhatThePlanOverwritesAndValidOnlyWhenDone) {
  const BackupLayout layout(*plan_);
  UniqueFd origin = Open("origin.img", O_RDONLY);
  UniqueFd backup = Open("backup.img", O_RDWR | O_CREAT);
  ASSERT_EQ(::ftruncate(backup.get(), static_cast<off_t>(layout.store_bytes())), 0);
  ASSERT_TRUE(StartBackup(*plan_, backup.get()).ok());
  {
    FileChunkSource half_done(backup.get(), layout.store_bytes());
    StatusOr<ExceptionStore> unfinished = ReadExceptionStore(half_done, {origin_bytes_});
    ASSERT_FALSE(unfinished.ok());
    EXPECT_EQ(unfinished.status().code(), StatusCode::kRefused);
    EXPECT_THAT(unfinished.status().message(), HasSubstr("valid=0"));
  }
  PsyncEngine engine;
  ASSERT_TRUE(WriteBackup(*plan_, engine, origin.get(), backup.get(), CopyOptions{}).ok());

  FileChunkSource source(backup.get(), layout.store_bytes());
  StatusOr<ExceptionStore> store = ReadExceptionStore(source, {origin_bytes_});
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(store->chunk_size_sectors, kChunk / 512);
  ASSERT_EQ(store->exceptions.size(), chunks_.size());
  EXPECT_EQ(store->metadata_areas, chunks_.size() / 256 + 1);
  for (size_t i = 0; i < chunks_.size(); ++i) {
    const Exception& e = store->exceptions[i];
    EXPECT_EQ(e.origin_chunk, chunks_[i]);
    const uint64_t length = std::min(kChunk, origin_bytes_ - e.origin_chunk * kChunk);
    std::vector<std::byte> saved(length);
    ASSERT_TRUE(source.ReadAt(e.cow_chunk * kChunk, saved).ok());
    EXPECT_EQ(0, std::memcmp(saved.data(), origin_.data() + e.origin_chunk * kChunk, length))
        << "chunk " << e.origin_chunk;
  }
}

INSTANTIATE_TEST_SUITE_P(Tails, BackupStoreTest, ::testing::Values(0, 1536, 512));

// --- verify and compare, on memory ------------------------------------------------

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreBuilder b(8);
    for (uint64_t c : {1, 2, 3, 10, 20}) b.Add(c);
    store_bytes_ = b.Build();
    origin_ = PatternImage(3, 32 * kChunk, kChunk);
    MemoryChunkSource src(store_bytes_);
    StatusOr<ExceptionStore> s = ReadExceptionStore(src, {origin_.size()});
    ASSERT_TRUE(s.ok());
    plan_.emplace(std::move(Plan::Build(std::move(s->exceptions), kChunk, origin_.size())).value());
  }

  // The origin once the plan was copied onto it.
  std::vector<std::byte> Reverted() {
    std::vector<std::byte> r = origin_;
    for (const Exception& e : plan_->exceptions()) {
      std::memcpy(r.data() + e.origin_chunk * kChunk, store_bytes_.data() + e.cow_chunk * kChunk, kChunk);
    }
    return r;
  }

  std::vector<std::byte> store_bytes_;
  std::vector<std::byte> origin_;
  std::optional<Plan> plan_;
};

TEST_F(VerifyTest, CompareCountsWhatDiffersThenNothing) {
  MemoryChunkSource store(store_bytes_);
  MemoryChunkSource before(origin_);
  StatusOr<CompareResult> c = ComparePlan(*plan_, store, before);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->chunks, 5u);
  EXPECT_EQ(c->bytes, 5 * kChunk);
  EXPECT_EQ(c->differing_chunks, 5u);
  EXPECT_GT(c->differing_bytes, 5 * kChunk * 9 / 10);
  EXPECT_EQ(c->first_difference_bytes, kChunk);  // chunk 1, byte 0
  const std::vector<std::byte> reverted = Reverted();
  MemoryChunkSource after(reverted);
  c = ComparePlan(*plan_, store, after);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->differing_chunks, 0u);
  EXPECT_EQ(c->differing_bytes, 0u);
  EXPECT_FALSE(c->first_difference_bytes);
}

TEST_F(VerifyTest, CompareNamesTheFirstDifferingByte) {
  std::vector<std::byte> almost = Reverted();
  almost[10 * kChunk + 77] ^= std::byte{1};
  almost[20 * kChunk + 5] ^= std::byte{1};
  MemoryChunkSource store(store_bytes_), origin(almost);
  StatusOr<CompareResult> c = ComparePlan(*plan_, store, origin);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->differing_chunks, 2u);
  EXPECT_EQ(c->differing_bytes, 2u);
  EXPECT_EQ(c->first_difference_bytes, 10 * kChunk + 77);
}

TEST_F(VerifyTest, ReadBackFindsTheFirstByteThatDidNotStick) {
  const std::vector<std::byte> reverted = Reverted();
  WriteLog log;
  plan_->ForEachRun([&](const ChunkRun& run) {
    log.Record(run.origin_chunk * kChunk,
               std::span(reverted).subspan(run.origin_chunk * kChunk, run.length_bytes));
    return true;
  });
  MemoryChunkSource store(store_bytes_);
  MemoryChunkSource good(reverted);
  StatusOr<VerifyResult> v = VerifyWritten(log, good, *plan_, store);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->verified_bytes, 5 * kChunk);
  EXPECT_FALSE(v->first_mismatch_bytes);

  std::vector<std::byte> bad = reverted;
  bad[2 * kChunk + 4000] ^= std::byte{0x40};
  MemoryChunkSource damaged(bad);
  v = VerifyWritten(log, damaged, *plan_, store);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->first_mismatch_bytes, 2 * kChunk + 4000);
}

}  // namespace
}  // namespace lvmrevert

namespace lvmrevert {
namespace {

// More than two read-back batches (16 MiB each): the damage is found in the
// third, while the next batch is read, and counts only what came before it.
TEST(VerifyBatchesTest, DamageInALaterBatchIsFoundAtItsByte) {
  constexpr uint64_t kPiece = 1 << 20;
  constexpr uint64_t kPieces = 40;
  const std::vector<std::byte> written = PatternImage(5, kPieces * kPiece, kPiece);
  ExceptionList list;
  for (uint64_t i = 0; i < kPieces; ++i) list.push_back({i, i});  // the "store" is the image
  StatusOr<Plan> plan = Plan::Build(std::move(list), kPiece, written.size());
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  WriteLog log;
  for (uint64_t i = 0; i < kPieces; ++i) log.Record(i * kPiece, std::span(written).subspan(i * kPiece, kPiece));
  MemoryChunkSource store(written);
  MemoryChunkSource good(written);
  StatusOr<VerifyResult> v = VerifyWritten(log, good, *plan, store);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->verified_bytes, kPieces * kPiece);
  EXPECT_FALSE(v->first_mismatch_bytes);

  std::vector<std::byte> bad = written;
  const uint64_t damaged_at = 35 * kPiece + 12345;
  bad[damaged_at] ^= std::byte{0x10};
  bad[38 * kPiece] ^= std::byte{0x10};  // later damage is not the one named
  MemoryChunkSource damaged(bad);
  v = VerifyWritten(log, damaged, *plan, store);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->first_mismatch_bytes, damaged_at);
  EXPECT_EQ(v->verified_bytes, damaged_at);
}

}  // namespace
}  // namespace lvmrevert
