#include "core/copier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <stdexcept>

#include "core/digest.h"
#include "core/transfer.h"
#include "core/verify.h"
#include "tests/support/fake_engine.h"

namespace lvmrevert {
namespace {

using ::testing::HasSubstr;
using testing::FakeEngine;
using testing::Fault;

constexpr uint64_t kChunk = 4096;
constexpr int kCowFd = 10;
constexpr int kOriginFd = 20;

std::vector<std::byte> Pattern(size_t size, uint8_t salt) {
  std::vector<std::byte> v(size);
  for (size_t i = 0; i < size; ++i) v[i] = static_cast<std::byte>((i * 31 + salt) & 0xff);
  return v;
}

class CopierTest : public ::testing::Test {
 protected:
  // Origin of 64 chunks plus half a chunk; store of 64 chunks.
  void SetUp() override {
    origin_size_ = 64 * kChunk + 2048;
    cow_ = Pattern(64 * kChunk, 7);
    origin_ = Pattern(origin_size_, 99);
  }

  Plan MakePlan(std::initializer_list<Exception> items) {
    ExceptionList list;
    for (const Exception& e : items) list.push_back(e);
    auto plan = Plan::Build(std::move(list), kChunk, origin_size_);
    EXPECT_TRUE(plan.ok());
    return std::move(plan).value();
  }

  // What the origin must look like after a complete copy of `plan`.
  std::vector<std::byte> Expected(const Plan& plan) {
    std::vector<std::byte> expected = origin_;
    plan.ForEachRun([&](const ChunkRun& r) {
      std::memcpy(expected.data() + r.origin_chunk * kChunk, cow_.data() + r.cow_chunk * kChunk,
                  r.length_bytes);
      return true;
    });
    return expected;
  }

  Status Copy(FakeEngine& engine, const Plan& plan, uint32_t max_io = 8192) {
    engine.files[kCowFd] = cow_;
    engine.files[kOriginFd] = origin_;
    CopyOptions options;
    options.max_io_bytes = max_io;
    options.on_progress = [this](uint64_t bytes) { progress_.push_back(bytes); };
    return CopyPlan(plan, engine, kCowFd, kOriginFd, options, &stats_);
  }

  Plan TypicalPlan() {
    return MakePlan({{3, 2}, {4, 3}, {5, 4}, {6, 5}, {40, 9}, {1, 30}, {64, 31}, {20, 50}});
  }

  uint64_t origin_size_ = 0;
  std::vector<std::byte> cow_;
  std::vector<std::byte> origin_;
  CopyStats stats_;
  std::vector<uint64_t> progress_;
};

TEST_F(CopierTest, CopiesEveryRunByteExactAndFlushesOnce) {
  FakeEngine engine;
  const Plan plan = TypicalPlan();
  ASSERT_TRUE(Copy(engine, plan).ok());
  EXPECT_EQ(engine.files[kOriginFd], Expected(plan));
  EXPECT_EQ(stats_.bytes_written, plan.totals().bytes);
  EXPECT_EQ(engine.flushes, 1);
  EXPECT_EQ(progress_.back(), plan.totals().bytes);
}

TEST_F(CopierTest, PartialLastChunkIsClampedToOriginEnd) {
  FakeEngine engine;
  const Plan plan = MakePlan({{64, 5}});
  ASSERT_TRUE(Copy(engine, plan).ok());
  EXPECT_EQ(engine.files[kOriginFd].size(), origin_size_);
  EXPECT_EQ(engine.files[kOriginFd], Expected(plan));
  EXPECT_EQ(stats_.bytes_written, 2048u);
}

// 64 chunks and 2048 bytes: chunk 64 is 2048 bytes, which O_DIRECT refuses on
// a device or filesystem with 4096-byte logical blocks.
TEST_F(CopierTest, UnalignedTailGoesToTheBufferedDescriptorAfterTheRest) {
  FakeEngine engine;
  const Plan plan = TypicalPlan();  // includes {64, 31}
  ASSERT_TRUE(WritesUnalignedTail(plan));
  const int buffered = ::memfd_create("origin-buffered", 0);
  ASSERT_GE(buffered, 0);
  ASSERT_EQ(::pwrite(buffered, origin_.data(), origin_.size(), 0),
            static_cast<ssize_t>(origin_.size()));
  engine.files[kCowFd] = cow_;
  engine.files[kOriginFd] = origin_;
  CopyOptions options;
  options.max_io_bytes = 8192;
  options.buffered_origin_fd = buffered;
  ASSERT_TRUE(CopyPlan(plan, engine, kCowFd, kOriginFd, options, &stats_).ok());

  const std::vector<std::byte> expected = Expected(plan);
  const uint64_t tail_at = 64 * kChunk;
  // The engine wrote everything but the tail; the buffered fd got the tail.
  for (uint64_t offset : engine.write_offsets) EXPECT_LT(offset, tail_at);
  EXPECT_TRUE(std::equal(engine.files[kOriginFd].begin(),
                         engine.files[kOriginFd].begin() + static_cast<ptrdiff_t>(tail_at),
                         expected.begin()));
  std::vector<std::byte> tail(2048);
  ASSERT_EQ(::pread(buffered, tail.data(), tail.size(), static_cast<off_t>(tail_at)), 2048);
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(), expected.begin() + static_cast<ptrdiff_t>(tail_at)));
  EXPECT_EQ(stats_.bytes_written, plan.totals().bytes);
  ::close(buffered);
}

TEST_F(CopierTest, AlignedPlansWriteNoTailApart) {
  EXPECT_FALSE(WritesUnalignedTail(MakePlan({{3, 2}, {63, 4}})));  // chunk 64 not saved
  origin_size_ = 64 * kChunk;
  EXPECT_FALSE(WritesUnalignedTail(MakePlan({{3, 2}, {63, 4}})));
}

TEST_F(CopierTest, ManyInFlightCompletingOutOfOrderGiveTheSameResult) {
  FakeEngine engine(8);
  engine.complete_in_reverse = true;
  const Plan plan = TypicalPlan();
  ASSERT_TRUE(Copy(engine, plan, 4096).ok());
  EXPECT_EQ(engine.files[kOriginFd], Expected(plan));
  EXPECT_FALSE(engine.depth_violated);
  EXPECT_GT(engine.max_outstanding_seen, 1u);
}

TEST_F(CopierTest, LongRunsAreSplitIntoMaxIoPieces) {
  FakeEngine engine;
  const Plan plan = MakePlan({{3, 2}, {4, 3}, {5, 4}, {6, 5}});  // 16 KiB run
  ASSERT_TRUE(Copy(engine, plan, 8192).ok());
  EXPECT_EQ(engine.reads_submitted, 2);
  EXPECT_EQ(engine.writes_submitted, 2);
  EXPECT_EQ(engine.files[kOriginFd], Expected(plan));
}

TEST_F(CopierTest, ScatteredStoreChunksAreWrittenInAscendingOriginOrder) {
  // Origin chunks written in random order after the snapshot: consecutive in
  // the store, scattered on the origin.
  FakeEngine engine(8);
  const Plan plan = MakePlan({{50, 2}, {7, 3}, {30, 4}, {12, 5}});
  ASSERT_TRUE(Copy(engine, plan, 16384).ok());
  EXPECT_EQ(engine.reads_submitted, 4);
  EXPECT_EQ(engine.write_offsets, (std::vector<uint64_t>{7 * kChunk, 12 * kChunk, 30 * kChunk, 50 * kChunk}));
  EXPECT_EQ(engine.files[kOriginFd], Expected(plan));
}

TEST_F(CopierTest, ChunksConsecutiveInTheStoreAreReadTogether) {
  FakeEngine engine;
  const Plan plan = MakePlan({{5, 2}, {9, 3}, {11, 4}});
  ASSERT_TRUE(Copy(engine, plan, 16384).ok());
  EXPECT_EQ(engine.reads_submitted, 1);  // store chunks 2-4 in one read
  EXPECT_EQ(engine.writes_submitted, 3);
  EXPECT_EQ(engine.files[kOriginFd], Expected(plan));
}

TEST_F(CopierTest, ChunksConsecutiveOnTheOriginAreWrittenTogether) {
  // Written backwards: the store holds origin 12, 11, 10 in that order.
  FakeEngine engine;
  const Plan plan = MakePlan({{12, 2}, {11, 3}, {10, 4}});
  ASSERT_TRUE(Copy(engine, plan, 16384).ok());
  EXPECT_EQ(engine.reads_submitted, 3);
  EXPECT_EQ(engine.writes_submitted, 1);  // origin chunks 10-12 in one write
  EXPECT_EQ(engine.files[kOriginFd], Expected(plan));
}

TEST_F(CopierTest, ShortJoinedWriteIsReissuedForTheRest) {
  FakeEngine engine;
  engine.faults.push_back(Fault{IoOp::kWrite, 0, 0, 5000, false, true});  // 5000 bytes at a time
  const Plan plan = MakePlan({{12, 2}, {11, 3}, {10, 4}});
  ASSERT_TRUE(Copy(engine, plan, 16384).ok());
  EXPECT_EQ(engine.writes_submitted, 3);  // 5000 + 5000 + 2288
  EXPECT_EQ(engine.files[kOriginFd], Expected(plan));
}

TEST_F(CopierTest, ShortReadsAreReissuedForTheRest) {
  FakeEngine engine;
  engine.faults.push_back(Fault{IoOp::kRead, 0, 0, 512, false, true});  // every read: 512 bytes
  const Plan plan = TypicalPlan();
  ASSERT_TRUE(Copy(engine, plan).ok());
  EXPECT_EQ(engine.files[kOriginFd], Expected(plan));
  // Whole store chunks are read (the partial origin chunk's too): 8 chunks.
  EXPECT_EQ(stats_.reads, 8u * 4096 / 512);
}

TEST_F(CopierTest, ShortWritesAreReissuedForTheRest) {
  FakeEngine engine(4);
  engine.faults.push_back(Fault{IoOp::kWrite, 1, 0, 1024, false, true});
  const Plan plan = TypicalPlan();
  ASSERT_TRUE(Copy(engine, plan).ok());
  EXPECT_EQ(engine.files[kOriginFd], Expected(plan));
  EXPECT_GT(stats_.writes, 8u);
}

TEST_F(CopierTest, ReadErrorBeforeAnyWriteLeavesOriginUntouched) {
  FakeEngine engine;
  engine.faults.push_back(Fault{IoOp::kRead, 0, EIO});
  const Status s = Copy(engine, TypicalPlan());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  // Origin order: origin chunk 1, saved in store chunk 30, comes first.
  EXPECT_EQ(s.message(), "read of 4096 bytes at store offset 122880: Input/output error");
  EXPECT_EQ(engine.writes_submitted, 0);
  EXPECT_EQ(engine.flushes, 0);
  EXPECT_EQ(engine.files[kOriginFd], origin_);
}

TEST_F(CopierTest, WriteErrorMidwayIsIncompleteAndStopsNewWork) {
  FakeEngine engine;
  engine.faults.push_back(Fault{IoOp::kWrite, 2, EIO});
  const Status s = Copy(engine, TypicalPlan());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kIncomplete);
  EXPECT_EQ(s.message(), "write of 8192 bytes at origin offset 16384: Input/output error");
  EXPECT_EQ(engine.writes_submitted, 3);  // nothing after the failure
  EXPECT_EQ(engine.reads_submitted, 3);
  EXPECT_EQ(engine.flushes, 0);
}

TEST_F(CopierTest, ErrorWithManyInFlightDrainsThemAll) {
  FakeEngine engine(8);
  engine.faults.push_back(Fault{IoOp::kRead, 0, EIO});
  const Status s = Copy(engine, TypicalPlan(), 4096);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(engine.reads_submitted, 8);  // all eight pieces were in flight
  EXPECT_EQ(engine.outstanding(), 0u);
  // The seven good reads completed after the error: none was written.
  EXPECT_EQ(engine.writes_submitted, 0);
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_EQ(engine.files[kOriginFd], origin_);
}

TEST_F(CopierTest, ReadReturningZeroIsAnError) {
  FakeEngine engine;
  const Plan plan = TypicalPlan();
  cow_.resize(20 * kChunk);  // chunks 30 and later are missing
  const Status s = Copy(engine, plan);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "read of 4096 bytes at store offset 122880 transferred 0 bytes");
}

TEST_F(CopierTest, SubmitRefusalIsAnError) {
  FakeEngine engine;
  engine.faults.push_back(Fault{IoOp::kWrite, 1, 0, 0, true});
  const Status s = Copy(engine, TypicalPlan());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kIncomplete);
  EXPECT_THAT(s.message(), HasSubstr("queue refused"));
  EXPECT_EQ(engine.outstanding(), 0u);
}

TEST_F(CopierTest, FlushFailureIsIncomplete) {
  FakeEngine engine;
  engine.flush_error = EIO;
  const Status s = Copy(engine, TypicalPlan());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kIncomplete);
  EXPECT_EQ(s.message(), "flushing the origin: fdatasync: Input/output error");
}

TEST_F(CopierTest, RerunAfterFailureCompletesTheRevert) {
  FakeEngine engine;
  engine.faults.push_back(Fault{IoOp::kWrite, 4, EIO});
  const Plan plan = TypicalPlan();
  ASSERT_FALSE(Copy(engine, plan).ok());
  origin_ = engine.files[kOriginFd];  // what the failed run left behind

  FakeEngine again;
  ASSERT_TRUE(Copy(again, plan).ok());
  EXPECT_EQ(again.files[kOriginFd], Expected(plan));
}

TEST_F(CopierTest, EmptyPlanOnlyFlushes) {
  FakeEngine engine;
  ASSERT_TRUE(Copy(engine, MakePlan({})).ok());
  EXPECT_EQ(engine.reads_submitted, 0);
  EXPECT_EQ(engine.flushes, 1);
  EXPECT_EQ(engine.files[kOriginFd], origin_);
}

}  // namespace
}  // namespace lvmrevert

namespace lvmrevert {
namespace {

TEST_F(CopierTest, StopRequestDrainsAndReportsIt) {
  FakeEngine engine(2);
  engine.files[kCowFd] = cow_;
  engine.files[kOriginFd] = origin_;
  int polls = 0;
  CopyOptions options;
  options.max_io_bytes = 4096;
  options.check_continue = [&polls]() {
    return ++polls < 3 ? Status::Ok() : Status::Refused("interrupted by signal 15");
  };
  const Status s = CopyPlan(TypicalPlan(), engine, kCowFd, kOriginFd, options, &stats_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kIncomplete);  // writes had been issued
  EXPECT_EQ(s.message(), "interrupted by signal 15");
  EXPECT_EQ(engine.outstanding(), 0u);
  EXPECT_EQ(engine.flushes, 0);
  EXPECT_LT(engine.writes_submitted, 8);
}

TEST_F(CopierTest, StopBeforeAnyWriteLeavesNothingWritten) {
  FakeEngine engine;
  engine.files[kCowFd] = cow_;
  engine.files[kOriginFd] = origin_;
  CopyOptions options;
  options.check_continue = [] { return Status::Refused("interrupted by signal 2"); };
  const Status s = CopyPlan(TypicalPlan(), engine, kCowFd, kOriginFd, options, &stats_);
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(engine.reads_submitted, 0);
  EXPECT_EQ(engine.files[kOriginFd], origin_);
}

}  // namespace
}  // namespace lvmrevert

namespace lvmrevert {
namespace {

// --verify's digests are taken on another thread from the copier's own
// buffers: every buffer is handed back (before_buffer_reuse) before it is
// filled again, and all of them before the copy returns and frees them, so
// each digest is of the bytes written. 40 runs through a queue of depth 2
// (2 buffers): every buffer is reused many times.
TEST(CopierDigestTest, BuffersComeBackBeforeReuseAndBeforeTheCopyReturns) {
  constexpr uint64_t kChunks = 40;
  const std::vector<std::byte> cow = Pattern(2 * kChunks * kChunk, 5);
  ExceptionList list;
  for (uint64_t c = 0; c < kChunks; ++c) list.push_back({2 * c, 2 * c});  // 40 runs of one chunk
  StatusOr<Plan> plan = Plan::Build(std::move(list), kChunk, 2 * kChunks * kChunk);
  ASSERT_TRUE(plan.ok());
  FakeEngine engine(2);
  engine.files[kCowFd] = cow;
  engine.files[kOriginFd] = std::vector<std::byte>(2 * kChunks * kChunk);
  std::vector<std::string> events;
  WriteLog log;
  CopyOptions options;
  options.max_io_bytes = kChunk;
  options.on_write_data = [&](uint64_t offset, std::span<const std::byte> data) {
    events.push_back("write");
    log.Record(offset, data);
  };
  options.before_buffer_reuse = [&] {
    events.push_back("reuse");
    log.Settle();
  };
  ASSERT_TRUE(CopyPlan(*plan, engine, kCowFd, kOriginFd, options, nullptr).ok());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), "reuse");
  ASSERT_EQ(log.ranges().size(), kChunks);
  for (const WriteLog::Range& r : log.ranges()) {
    EXPECT_EQ(r.digest, Digest(std::span(cow).subspan(r.offset_bytes, r.length_bytes)))
        << "offset " << r.offset_bytes;
  }
}

// An exception out of the copy (on_write_data's, say) frees the buffers
// too: they are handed back first.
TEST(CopierDigestTest, BuffersComeBackBeforeAnExceptionLeavesTheCopy) {
  const std::vector<std::byte> cow = Pattern(16 * kChunk, 5);
  ExceptionList list;
  for (uint64_t c = 0; c < 8; ++c) list.push_back({2 * c, 2 * c});
  StatusOr<Plan> plan = Plan::Build(std::move(list), kChunk, 16 * kChunk);
  ASSERT_TRUE(plan.ok());
  FakeEngine engine(2);
  engine.files[kCowFd] = cow;
  engine.files[kOriginFd] = std::vector<std::byte>(16 * kChunk);
  std::vector<std::string> events;
  CopyOptions options;
  options.max_io_bytes = kChunk;
  options.on_write_data = [&](uint64_t, std::span<const std::byte>) {
    events.push_back("write");
    if (events.size() > 4) throw std::runtime_error("no memory for the log");
  };
  options.before_buffer_reuse = [&] { events.push_back("reuse"); };
  EXPECT_THROW((void)CopyPlan(*plan, engine, kCowFd, kOriginFd, options, nullptr), std::runtime_error);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), "reuse");
}

}  // namespace
}  // namespace lvmrevert
