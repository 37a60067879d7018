#include "core/backup_store.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "core/aligned_buffer.h"
#include "core/file_chunk_source.h"
#include "core/store_format.h"

namespace lvmrevert {
namespace {

Status WriteAll(int fd, const std::byte* data, size_t length, uint64_t offset_bytes,
                const char* what) {
  size_t done = 0;
  while (done < length) {
    const ssize_t n = ::pwrite(fd, data + done, length - done, static_cast<off_t>(offset_bytes + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::FromErrno(n < 0 ? errno : EIO,
                               std::string("writing the backup's ") + what + " at offset " +
                                   std::to_string(offset_bytes + done));
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status WriteHeader(const Plan& plan, int backup_fd, uint32_t valid) {
  AlignedBuffer chunk(plan.chunk_size_bytes());
  std::memset(chunk.data(), 0, chunk.size());
  store::DiskHeader h{store::kSnapMagic, valid, store::kDiskVersion,
                      static_cast<uint32_t>(plan.chunk_size_bytes() / store::kSectorBytes)};
  store::EncodeHeader(h, std::span<std::byte, store::kHeaderBytes>(chunk.data(), store::kHeaderBytes));
  return WriteAll(backup_fd, chunk.data(), chunk.size(), 0, "header");
}

Status Sync(int fd) {
  if (::fdatasync(fd) != 0) return Status::FromErrno(errno, "flushing the backup");
  return Status::Ok();
}

}  // namespace

BackupLayout::BackupLayout(const Plan& plan)
    : chunk_sectors_(static_cast<uint32_t>(plan.chunk_size_bytes() / store::kSectorBytes)),
      chunk_bytes_(plan.chunk_size_bytes()),
      count_(plan.exceptions().size()) {
  const store::Geometry g(chunk_sectors_);
  // The area after the last full one holds the end marker (zeroes).
  store_chunks_ = g.AreaChunk(count_ / g.exceptions_per_area()) + 1;
  if (count_ > 0) store_chunks_ = std::max(store_chunks_, g.NthDataChunk(count_ - 1) + 1);
}

uint64_t BackupLayout::data_chunk(uint64_t n) const {
  return store::Geometry(chunk_sectors_).NthDataChunk(n);
}

Status StartBackup(const Plan& plan, int backup_fd) { return WriteHeader(plan, backup_fd, 0); }

Status WriteBackup(const Plan& plan, IoEngine& engine, int origin_fd, int backup_fd,
                   const CopyOptions& options) {
  const BackupLayout layout(plan);
  const uint64_t chunk = plan.chunk_size_bytes();
  const auto exceptions = plan.exceptions();
  const bool partial_tail =
      !exceptions.empty() &&
      (exceptions[exceptions.size() - 1].origin_chunk + 1) * chunk > plan.origin_size_bytes();

  AlignedBuffer buffer(chunk);
  // The areas, each a chunk of {old_chunk, new_chunk} entries.
  const store::Geometry g(static_cast<uint32_t>(chunk / store::kSectorBytes));
  const uint64_t epa = g.exceptions_per_area();
  for (uint64_t area = 0; area * epa <= exceptions.size(); ++area) {
    std::memset(buffer.data(), 0, buffer.size());
    const uint64_t first = area * epa;
    const uint64_t last = std::min<uint64_t>(exceptions.size(), first + epa);
    for (uint64_t n = first; n < last; ++n) {
      store::EncodeException(
          {exceptions[n].origin_chunk, layout.data_chunk(n)},
          std::span<std::byte, store::kDiskExceptionBytes>(
              buffer.data() + (n - first) * store::kDiskExceptionBytes, store::kDiskExceptionBytes));
    }
    Status s = WriteAll(backup_fd, buffer.data(), chunk, g.AreaChunk(area) * chunk, "metadata");
    if (!s.ok()) return s;
  }
  if (partial_tail) {
    const Exception& last = exceptions[exceptions.size() - 1];
    const uint64_t at = last.origin_chunk * chunk;
    const uint64_t length = plan.origin_size_bytes() - at;
    std::memset(buffer.data(), 0, buffer.size());
    FileChunkSource origin(origin_fd, plan.origin_size_bytes());
    Status s = origin.ReadAt(at, buffer.span().first(length));
    if (!s.ok()) return s.WithPrefix("backing up the origin's last chunk");
    s = WriteAll(backup_fd, buffer.data(), chunk, layout.data_chunk(exceptions.size() - 1) * chunk,
                 "last chunk");
    if (!s.ok()) return s;
  }

  // The data: the copier, run the other way round. Its "store" is the
  // origin (read whole chunks at origin_chunk) and its "origin" the backup
  // (written at the chunk the layout gives). The partial last chunk is
  // not whole on the origin, so it was read apart above.
  ExceptionList reversed;
  const size_t whole = exceptions.size() - (partial_tail ? 1 : 0);
  for (size_t n = 0; n < whole; ++n) reversed.push_back({layout.data_chunk(n), exceptions[n].origin_chunk});
  StatusOr<Plan> copy = Plan::Build(std::move(reversed), chunk, layout.store_bytes());
  if (!copy.ok()) return copy.status().WithPrefix("planning the backup");
  CopyOptions copy_options = options;
  copy_options.buffered_origin_fd = -1;  // the backup's chunks are all whole
  CopyStats stats;
  Status s = CopyPlan(*copy, engine, origin_fd, backup_fd, copy_options, &stats);
  // Nothing of the origin was written, whatever the copier says.
  if (!s.ok()) return s.WithCode(StatusCode::kIOError).WithPrefix("backing up the origin");

  // The copier's flush made the areas, the tail and the data durable: only
  // then may the header say valid.
  s = WriteHeader(plan, backup_fd, 1);
  if (s.ok()) s = Sync(backup_fd);
  return s;
}

}  // namespace lvmrevert
