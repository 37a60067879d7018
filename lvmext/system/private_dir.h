// A directory only this process uses, made with mkdtemp(3) and removed with
// whatever was left in it when the object goes.
#pragma once

#include <string>

#include "core/status.h"

namespace lvmrevert::lvmext {

class PrivateDir {
 public:
  // `pattern` ends in XXXXXX, as mkdtemp wants it.
  static StatusOr<PrivateDir> Create(const std::string& pattern);
  PrivateDir(PrivateDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  PrivateDir& operator=(PrivateDir&&) = delete;
  PrivateDir(const PrivateDir&) = delete;
  ~PrivateDir();

  const std::string& path() const { return path_; }

 private:
  explicit PrivateDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace lvmrevert::lvmext
