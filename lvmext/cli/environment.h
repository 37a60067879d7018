// What the command needs from the outside world beyond its console: the
// system's view of devices, a way to make the I/O engine, and for the LVM
// form device-mapper and the LVM tools. Tests replace all of them.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/engines.h"
#include "core/io_engine.h"
#include "lvmext/lvm/device_mapper.h"
#include "lvmext/lvm/lvm_tools.h"
#include "safety/system_view.h"

namespace lvmrevert::lvmext {

// Whether the initramfs that will boot can run a scheduled revert: without
// lvm-revert in it, a tag just sits there. An interface so the scheduling
// tests need no /boot (boot/initramfs_image.h is the real one).
class BootImage {
 public:
  virtual ~BootImage() = default;
  // Why the scheduled revert may not run at the next boot, or nothing when
  // the image has lvm-revert in it.
  // `needs_thin`: the image must also activate thin pools (dm-thin-pool,
  // thin_check).
  virtual std::optional<std::string> WhyNotReady(bool needs_thin) = 0;
};

struct Environment {
  safety::SystemView& view;
  std::function<StatusOr<EngineChoice>(EngineKind, unsigned queue_depth)> make_engine;
  DeviceMapper* dm = nullptr;
  LvmTools* lvm = nullptr;
  // Where to open the device-mapper device `name` (device number `dev`).
  std::function<std::string(const std::string& name, dev_t dev)> device_path;
  // Scheduling at boot: the initramfs to check (may be null: not checked),
  // the kernel command line, and where --boot keeps its log and state.
  BootImage* boot_image = nullptr;
  std::string kernel_cmdline_path = "/proc/cmdline";
  std::string run_dir = "/run/lvm-revert";
  // LVM's run-time state: vgs_online/VG once event autoactivation ran for VG.
  std::string lvm_run_dir = "/run/lvm";
  // Whether we run as root (the LVM form needs it); null: not checked.
  std::function<bool()> is_root{};
};

// /dev/mapper/<name> when that node is the device, else /dev/dm-<minor>
// (devtmpfs always has it, even without udev).
std::string DmDevicePath(const std::string& name, dev_t dev);

}  // namespace lvmrevert::lvmext
