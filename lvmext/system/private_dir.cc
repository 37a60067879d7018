#include "lvmext/system/private_dir.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace lvmrevert::lvmext {

StatusOr<PrivateDir> PrivateDir::Create(const std::string& pattern) {
  std::vector<char> path(pattern.begin(), pattern.end());
  path.push_back('\0');
  if (::mkdtemp(path.data()) == nullptr) return Status::FromErrno(errno, "mkdtemp " + pattern);
  return PrivateDir(std::string(path.data()));
}

PrivateDir::~PrivateDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace lvmrevert::lvmext
