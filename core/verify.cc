#include "core/verify.h"

#include <algorithm>
#include <cstring>
#include <future>
#include <optional>
#include <string>

#include "core/aligned_buffer.h"
#include "core/digest.h"
#include "core/transfer.h"

namespace lvmrevert {
namespace {

// Reads back are grouped up to this many bytes at a time (two batches
// are in memory: one read, one digested).
constexpr uint64_t kBatchBytes = 16 << 20;

bool Aligned(uint64_t offset, uint64_t length) {
  return offset % kDirectIoAlignment == 0 && length % kDirectIoAlignment == 0;
}

// Reads `requests` from `source`: the aligned ones together (many in
// flight), the rest (an unaligned tail) one at a time.
Status ReadAll(ChunkSource& source, std::vector<ReadRequest>& requests) {
  std::vector<ReadRequest> aligned, other;
  for (const ReadRequest& r : requests) {
    (Aligned(r.offset_bytes, r.out.size()) ? aligned : other).push_back(r);
  }
  Status s = source.ReadMany(aligned);
  for (const ReadRequest& r : other) {
    if (s.ok()) s = source.ReadAt(r.offset_bytes, r.out);
  }
  return s;
}

size_t FirstDifference(std::span<const std::byte> a, std::span<const std::byte> b) {
  return static_cast<size_t>(std::mismatch(a.begin(), a.end(), b.begin()).first - a.begin());
}

}  // namespace

WriteLog::~WriteLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_one();
  if (worker_.joinable()) worker_.join();
}

void WriteLog::Record(uint64_t origin_offset_bytes, std::span<const std::byte> data) {
  {
    std::lock_guard lock(mutex_);
    ranges_.push_back({origin_offset_bytes, static_cast<uint32_t>(data.size()), 0});
    data_.push_back(data);
  }
  if (!worker_.joinable()) worker_ = std::thread([this] { DigestQueued(); });
  queued_.notify_one();
}

void WriteLog::DigestQueued() {
  std::unique_lock lock(mutex_);
  for (;;) {
    queued_.wait(lock, [this] { return stopping_ || digested_ < ranges_.size(); });
    if (digested_ == ranges_.size()) return;  // stopping, nothing left
    const std::span<const std::byte> data = data_[digested_];
    lock.unlock();
    const uint64_t digest = Digest(data);
    lock.lock();
    ranges_[digested_].digest = digest;
    data_[digested_] = {};
    ++digested_;
    digested_some_.notify_all();
  }
}

void WriteLog::Settle() const {
  std::unique_lock lock(mutex_);
  digested_some_.wait(lock, [this] { return digested_ == ranges_.size(); });
}

const std::deque<WriteLog::Range>& WriteLog::ranges() const {
  Settle();
  return ranges_;
}

Status ReadExpected(const Plan& plan, ChunkSource& store, uint64_t origin_offset_bytes,
                    std::span<std::byte> out) {
  const uint64_t chunk = plan.chunk_size_bytes();
  const auto exceptions = plan.exceptions();
  uint64_t done = 0;
  while (done < out.size()) {
    const uint64_t at = origin_offset_bytes + done;
    const uint64_t origin_chunk = at / chunk;
    const auto it = std::lower_bound(
        exceptions.begin(), exceptions.end(), origin_chunk,
        [](const Exception& e, uint64_t c) { return e.origin_chunk < c; });
    if (it == exceptions.end() || it->origin_chunk != origin_chunk) {
      return Status::InvalidArgument("origin chunk " + std::to_string(origin_chunk) +
                                     " is not in the plan");
    }
    const uint64_t in_chunk = at % chunk;
    const uint64_t length = std::min<uint64_t>(chunk - in_chunk, out.size() - done);
    Status s = store.ReadAt(it->cow_chunk * chunk + in_chunk, out.subspan(done, length));
    if (!s.ok()) return s;
    done += length;
  }
  return Status::Ok();
}

namespace {

// One batch of ranges read back together, back to back in one buffer.
struct ReadBackBatch {
  size_t first = 0, last = 0;  // ranges [first, last) of the log
  std::vector<uint64_t> at;    // each range's place in the buffer, aligned
  AlignedBuffer buffer;
  // Where range `i` (`r`) is read to.
  std::span<std::byte> Place(const WriteLog::Range& r, size_t i) {
    return buffer.span().subspan(at[i - first], r.length_bytes);
  }
};

// The first range of the batch whose digest differs, or `last`.
size_t FirstDamaged(const std::deque<WriteLog::Range>& ranges, ReadBackBatch& batch) {
  for (size_t i = batch.first; i < batch.last; ++i) {
    if (Digest(batch.Place(ranges[i], i)) != ranges[i].digest) return i;
  }
  return batch.last;
}

}  // namespace

StatusOr<VerifyResult> VerifyWritten(const WriteLog& log, ChunkSource& origin, const Plan& plan,
                                     ChunkSource& store) {
  VerifyResult result;
  const auto& ranges = log.ranges();
  // While the other core digests one batch, the next is read: the digest
  // is then no longer added to the read-back's time.
  ReadBackBatch batches[2];
  std::future<size_t> digesting;
  ReadBackBatch* digested = nullptr;
  // Waits for the batch being digested: nothing while all is well, the
  // result (or the error that stopped it) on damage.
  const auto settle = [&]() -> std::optional<StatusOr<VerifyResult>> {
    if (!digesting.valid()) return std::nullopt;
    const size_t damaged = digesting.get();
    for (size_t i = digested->first; i < damaged; ++i) result.verified_bytes += ranges[i].length_bytes;
    if (damaged == digested->last) return std::nullopt;
    const WriteLog::Range& r = ranges[damaged];
    const std::span<const std::byte> got = digested->Place(r, damaged);
    std::vector<std::byte> expected(r.length_bytes);
    Status s = ReadExpected(plan, store, r.offset_bytes, expected);
    if (!s.ok()) return StatusOr<VerifyResult>(s.WithPrefix("reading the snapshot's bytes for a mismatch"));
    const size_t k = FirstDifference(got, expected);
    result.verified_bytes += k;
    result.first_mismatch_bytes = r.offset_bytes + std::min<size_t>(k, got.size() - 1);
    return StatusOr<VerifyResult>(result);
  };
  for (size_t first = 0, n = 0; first < ranges.size(); ++n) {
    ReadBackBatch& batch = batches[n % 2];
    batch.first = first;
    batch.at.clear();
    uint64_t bytes = 0;
    size_t last = first;
    while (last < ranges.size() && (last == first || bytes + ranges[last].length_bytes <= kBatchBytes)) {
      batch.at.push_back(bytes);
      bytes += (ranges[last].length_bytes + kDirectIoAlignment - 1) / kDirectIoAlignment *
               kDirectIoAlignment;
      ++last;
    }
    batch.last = last;
    if (batch.buffer.size() < bytes) batch.buffer = AlignedBuffer(bytes);
    std::vector<ReadRequest> requests;
    for (size_t i = first; i < last; ++i) {
      requests.push_back({ranges[i].offset_bytes, batch.Place(ranges[i], i)});
    }
    Status s = ReadAll(origin, requests);
    if (auto done = settle()) return std::move(*done);
    if (!s.ok()) return s.WithPrefix("reading the origin back");
    digested = &batch;
    digesting = std::async(std::launch::async, [&ranges, &batch] { return FirstDamaged(ranges, batch); });
    first = last;
  }
  if (auto done = settle()) return std::move(*done);
  return result;
}

StatusOr<CompareResult> ComparePlan(const Plan& plan, ChunkSource& store, ChunkSource& origin) {
  CompareResult result;
  const uint64_t chunk = plan.chunk_size_bytes();
  constexpr uint32_t kTransferBytes = 8 << 20;
  TransferCursor cursor(plan, kTransferBytes);
  AlignedBuffer from_store(kTransferBytes), from_origin(kTransferBytes);
  Transfer t;
  uint64_t last_differing = UINT64_MAX;
  while (cursor.Next(&t)) {
    std::vector<ReadRequest> store_reads, origin_reads;
    for (const TransferPiece& p : t.reads) {
      store_reads.push_back({p.device_offset_bytes,
                             from_store.span().subspan(p.buffer_offset_bytes, p.length_bytes)});
    }
    for (const TransferPiece& p : t.writes) {
      origin_reads.push_back({p.device_offset_bytes,
                              from_origin.span().subspan(p.buffer_offset_bytes, p.length_bytes)});
    }
    Status s = ReadAll(store, store_reads);
    if (!s.ok()) return s.WithPrefix("reading the store");
    s = ReadAll(origin, origin_reads);
    if (!s.ok()) return s.WithPrefix("reading the origin");
    for (const TransferPiece& p : t.writes) {
      // One chunk at a time: what differs is counted in chunks and bytes. A
      // chunk may come in two pieces (an unaligned tail is split off).
      for (uint64_t off = 0; off < p.length_bytes;) {
        const uint64_t pos = p.device_offset_bytes + off;
        const uint64_t length = std::min<uint64_t>(chunk - pos % chunk, p.length_bytes - off);
        const auto a = from_store.span().subspan(p.buffer_offset_bytes + off, length);
        const auto b = from_origin.span().subspan(p.buffer_offset_bytes + off, length);
        off += length;
        if (pos % chunk == 0) ++result.chunks;
        result.bytes += length;
        if (std::equal(a.begin(), a.end(), b.begin())) continue;
        if (last_differing != pos / chunk) ++result.differing_chunks;
        last_differing = pos / chunk;
        uint64_t differing = 0;
        for (size_t i = 0; i < length; ++i) differing += a[i] != b[i];
        result.differing_bytes += differing;
        if (!result.first_difference_bytes) {
          result.first_difference_bytes = pos + FirstDifference(a, b);
        }
      }
    }
  }
  return result;
}

StatusOr<CompareResult> CompareWhole(ChunkSource& expected, ChunkSource& actual,
                                     uint64_t length_bytes, uint32_t chunk_bytes) {
  CompareResult result;
  if (chunk_bytes == 0) return Status::InvalidArgument("a chunk size of 0 bytes");
  // Whole chunks per read, about 8 MiB.
  const uint64_t transfer_bytes = std::max<uint64_t>(chunk_bytes, (8u << 20) / chunk_bytes * chunk_bytes);
  AlignedBuffer a_buffer(transfer_bytes), b_buffer(transfer_bytes);
  for (uint64_t at = 0; at < length_bytes; at += transfer_bytes) {
    const uint64_t length = std::min(transfer_bytes, length_bytes - at);
    const auto a = a_buffer.span().subspan(0, length);
    const auto b = b_buffer.span().subspan(0, length);
    Status s = expected.ReadAt(at, a);
    if (!s.ok()) return s.WithPrefix("reading the snapshot");
    s = actual.ReadAt(at, b);
    if (!s.ok()) return s.WithPrefix("reading the origin");
    for (uint64_t off = 0; off < length; off += chunk_bytes) {
      const uint64_t piece = std::min<uint64_t>(chunk_bytes, length - off);
      const auto x = a.subspan(off, piece);
      const auto y = b.subspan(off, piece);
      ++result.chunks;
      result.bytes += piece;
      if (std::equal(x.begin(), x.end(), y.begin())) continue;
      ++result.differing_chunks;
      uint64_t differing = 0;
      for (size_t i = 0; i < piece; ++i) differing += x[i] != y[i];
      result.differing_bytes += differing;
      if (!result.first_difference_bytes) {
        result.first_difference_bytes = at + off + FirstDifference(x, y);
      }
    }
  }
  return result;
}

}  // namespace lvmrevert
