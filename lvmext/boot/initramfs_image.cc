#include "lvmext/boot/initramfs_image.h"

#include <sys/stat.h>
#include <sys/utsname.h>

#include <sstream>

#include "lvmext/system/process.h"

namespace lvmrevert::lvmext {

namespace {

bool EndsWith(const std::string& line, std::string_view end) {
  return line.size() >= end.size() && line.compare(line.size() - end.size(), end.size(), end) == 0;
}

}  // namespace

std::optional<std::string> WhyImageNotReady(const std::string& listing, const std::string& image,
                                            const std::string& rebuild, bool needs_thin) {
  std::istringstream lines(listing);
  bool has_tool = false, has_thin_check = false, has_thin_module = false;
  for (std::string line; std::getline(lines, line);) {
    // lsinitramfs prints "usr/sbin/lvm-revert", lsinitrd an ls -l line,
    // a link's ending in " -> TARGET" (thin_check -> pdata_tools).
    line = line.substr(0, line.find(" -> "));
    has_tool = has_tool || EndsWith(line, "usr/sbin/lvm-revert");
    has_thin_check = has_thin_check || EndsWith(line, "sbin/thin_check");
    has_thin_module = has_thin_module || line.find("/dm-thin-pool.ko") != std::string::npos;
  }
  if (!has_tool) {
    return image + " has no lvm-revert in it, so nothing will revert at the next boot: run " +
           rebuild + " first";
  }
  if (needs_thin && !(has_thin_check && has_thin_module)) {
    return image + " has no " + (has_thin_check ? "dm-thin-pool module" : "thin_check") +
           " in it, so the boot cannot activate the thin pool: install "
           "thin-provisioning-tools and run " + rebuild;
  }
  return std::nullopt;
}

std::optional<std::string> InitramfsBootImage::WhyNotReady(bool needs_thin) {
  utsname uts {};
  if (::uname(&uts) != 0) return "cannot tell which kernel runs (uname)";
  const std::string release = uts.release;
  const std::string image = "/boot/initrd.img-" + release;
  // The image of the running kernel, by name: update-initramfs -u alone
  // rebuilds only the newest kernel's.
  const std::string rebuild = "update-initramfs -u -k " + release + " (or dracut -f " + image +
                              " " + release + ")";
  struct stat st {};
  if (::stat(image.c_str(), &st) != 0) {
    return "there is no " + image + ": the revert runs only from an initramfs that holds "
           "lvm-revert (install the package, or run " + rebuild + ")";
  }
  for (const char* lister : {"lsinitramfs", "lsinitrd"}) {
    StatusOr<Output> listed = Run({lister, image});
    if (!listed.ok()) continue;  // not installed
    if (listed->exit_code != 0) continue;
    return WhyImageNotReady(listed->out, image, rebuild, needs_thin);
  }
  return "cannot list " + image + " (no lsinitramfs or lsinitrd) to check that it holds lvm-revert";
}

}  // namespace lvmrevert::lvmext
