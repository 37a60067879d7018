// A SystemView that reports exactly what a test tells it to.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "safety/system_view.h"

namespace lvmrevert::testing {

class FakeSystemView final : public safety::SystemView {
 public:
  std::map<std::string, std::vector<std::string>> mounts_by_path;
  std::vector<std::string> swaps;
  std::vector<safety::LoopDevice> loops;
  bool fail_loops = false;
  std::map<dev_t, std::string> kernel_names;
  std::map<std::string, std::string> dm_names;  // kernel name -> dm name
  std::map<std::string, safety::FilesystemInfo> filesystems;
  std::map<dev_t, std::vector<std::string>> holders;
  bool fail_mount_table = false;

  StatusOr<std::vector<std::string>> MountPointsOf(dev_t, const std::string& path) override {
    if (fail_mount_table) return Status::IOError("mountinfo unreadable");
    auto it = mounts_by_path.find(path);
    return it == mounts_by_path.end() ? std::vector<std::string>{} : it->second;
  }
  StatusOr<bool> IsActiveSwap(dev_t, const std::string& path) override {
    for (const auto& s : swaps) {
      if (s == path) return true;
    }
    return false;
  }
  StatusOr<std::vector<safety::LoopDevice>> LoopDevices() override {
    if (fail_loops) return Status::Refused("cannot ask /dev/loop0 what it is bound to");
    return loops;
  }
  std::string KernelName(dev_t rdev) override {
    auto it = kernel_names.find(rdev);
    return it == kernel_names.end() ? "" : it->second;
  }
  std::map<std::string, dev_t> devs;  // kernel name -> device number
  std::optional<dev_t> DevOf(const std::string& kernel_name) override {
    auto it = devs.find(kernel_name);
    if (it == devs.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> DmName(const std::string& kernel_name) override {
    auto it = dm_names.find(kernel_name);
    if (it == dm_names.end()) return std::nullopt;
    return it->second;
  }
  StatusOr<std::vector<std::string>> HoldersOf(dev_t dev) override {
    auto it = holders.find(dev);
    return it == holders.end() ? std::vector<std::string>{} : it->second;
  }
  std::optional<safety::FilesystemInfo> ProbeFilesystem(const std::string& path) override {
    auto it = filesystems.find(path);
    if (it == filesystems.end()) return std::nullopt;
    return it->second;
  }
};

}  // namespace lvmrevert::testing
