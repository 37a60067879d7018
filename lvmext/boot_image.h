// Whether the initramfs that will boot can run a scheduled revert: without
// lvm-revert in it, a tag just sits there. An interface so the scheduling
// tests need no /boot.
#pragma once

#include <optional>
#include <string>

namespace lvmrevert::cli {

class BootImage {
 public:
  virtual ~BootImage() = default;
  // Why the scheduled revert may not run at the next boot, or nothing when
  // the image has lvm-revert in it.
  virtual std::optional<std::string> WhyNotReady() = 0;
};

// /boot/initrd.img-$(uname -r), listed with lsinitramfs (initramfs-tools) or
// lsinitrd (dracut).
class InitramfsBootImage final : public BootImage {
 public:
  std::optional<std::string> WhyNotReady() override;
};

}  // namespace lvmrevert::cli
