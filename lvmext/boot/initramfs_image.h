// The boot image a scheduled revert needs: the real one under /boot.
#pragma once

#include "lvmext/cli/environment.h"

namespace lvmrevert::lvmext {

// What an image's `listing` (lsinitramfs or lsinitrd) lacks for a scheduled
// revert (`needs_thin`: a thin one), said of `image` with the command that
// rebuilds it; nothing when it lacks nothing.
std::optional<std::string> WhyImageNotReady(const std::string& listing, const std::string& image,
                                            const std::string& rebuild, bool needs_thin);

// /boot/initrd.img-$(uname -r), listed with lsinitramfs (initramfs-tools) or
// lsinitrd (dracut).
class InitramfsBootImage final : public BootImage {
 public:
  std::optional<std::string> WhyNotReady(bool needs_thin) override;
};

}  // namespace lvmrevert::lvmext
