// The boot image a scheduled revert needs: the real one under /boot.
#pragma once

#include "lvmext/cli/environment.h"

namespace lvmrevert::lvmext {

// /boot/initrd.img-$(uname -r), listed with lsinitramfs (initramfs-tools) or
// lsinitrd (dracut).
class InitramfsBootImage final : public BootImage {
 public:
  std::optional<std::string> WhyNotReady(bool needs_thin) override;
};

}  // namespace lvmrevert::lvmext
