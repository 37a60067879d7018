// A backup of what a revert overwrites, written as an exception store in the
// kernel's own layout (header, metadata areas, data chunks), with the plan's
// chunk size: it reads, plans, dry-runs and restores like any store.
//
// Until the backup is complete its header says valid=0, which every reader
// (ours, and the kernel's) refuses: an interrupted backup never passes for a
// complete one. The header is made valid only after the data and the areas
// are durable.
#pragma once

#include <cstdint>

#include "core/copier.h"
#include "core/io_engine.h"
#include "core/plan.h"
#include "core/status.h"

namespace lvmrevert {

// Where the backup of a plan's n-th chunk (in origin order) lives, and how
// big the store is.
class BackupLayout {
 public:
  explicit BackupLayout(const Plan& plan);

  uint64_t chunk_size_bytes() const { return chunk_bytes_; }
  uint64_t data_chunk(uint64_t n) const;
  // Header, every area (including the empty one that ends a full table)
  // and every data chunk.
  uint64_t store_chunks() const { return store_chunks_; }
  uint64_t store_bytes() const { return store_chunks_ * chunk_bytes_; }

 private:
  uint32_t chunk_sectors_;
  uint64_t chunk_bytes_;
  uint64_t count_;
  uint64_t store_chunks_;
};

// Writes `valid=0` into the header of the (preallocated, zeroed) backup file,
// so it reads as unfinished from its first byte on (a zeroed header is
// refused too, so this needs no flush of its own).
Status StartBackup(const Plan& plan, int backup_fd);

// Writes the areas, copies the origin's current content of every chunk the
// plan writes into the backup (through `engine`, as many reads and writes in
// flight as the copy itself uses), makes all of it durable, then makes the
// header valid and durable. `origin_fd` is only read. A partial last chunk
// is backed up as a whole chunk, zero-padded past the origin's end.
Status WriteBackup(const Plan& plan, IoEngine& engine, int origin_fd, int backup_fd,
                   const CopyOptions& options);

}  // namespace lvmrevert
