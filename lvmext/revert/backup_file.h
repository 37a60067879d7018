// --backup FILE: a new file that saves, as an exception store, what the
// revert is about to overwrite. It is created with an unfinished header and
// its room reserved before anything is written, filled and made durable
// (data and name) before the first write to the origin, and removed on
// every way out until it is complete: an unfinished backup never passes for
// one.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/copier.h"
#include "core/io_engine.h"
#include "core/plan.h"
#include "core/status.h"
#include "core/unique_fd.h"
#include "safety/system_view.h"

namespace lvmrevert::lvmext {

class BackupFile {
 public:
  // Before anything else is checked: `path` must be new, and its directory
  // off `protected_devices` (the origin, the snapshot and what is stacked
  // on them).
  static Status CheckTarget(safety::SystemView& view, const std::string& path,
                            const std::vector<dev_t>& protected_devices);
  // The bytes the backup of `plan` takes, once its filesystem is known to
  // have them free.
  static StatusOr<uint64_t> CheckRoom(const std::string& path, const Plan& plan);
  // Creates the file with room for `need_bytes` and an unfinished header.
  static StatusOr<BackupFile> Create(const std::string& path, const Plan& plan,
                                     uint64_t need_bytes);

  BackupFile(BackupFile&& other) noexcept;
  BackupFile& operator=(BackupFile&&) = delete;
  BackupFile(const BackupFile&) = delete;
  ~BackupFile();

  // Saves what `plan` overwrites on `origin_fd`, then flushes the file and
  // its directory. A failure is never a write to the origin.
  Status Write(const Plan& plan, IoEngine& engine, int origin_fd, const CopyOptions& options);

  const std::string& path() const { return path_; }

 private:
  BackupFile(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}

  std::string path_;
  UniqueFd fd_;
  bool complete_ = false;
};

}  // namespace lvmrevert::lvmext
