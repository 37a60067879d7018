#include "lvmext/boot/initramfs_image.h"

#include <sys/stat.h>
#include <sys/utsname.h>

#include <sstream>

#include "lvmext/system/process.h"

namespace lvmrevert::lvmext {

std::optional<std::string> InitramfsBootImage::WhyNotReady() {
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
    std::istringstream lines(listed->out);
    std::string line;
    while (std::getline(lines, line)) {
      // lsinitramfs prints "usr/sbin/lvm-revert", lsinitrd an ls -l line.
      if (line.size() >= 19 && line.compare(line.size() - 19, 19, "usr/sbin/lvm-revert") == 0) {
        return std::nullopt;
      }
    }
    return image + " has no lvm-revert in it, so nothing will revert at the next boot: run " +
           rebuild + " first";
  }
  return "cannot list " + image + " (no lsinitramfs or lsinitrd) to check that it holds lvm-revert";
}

}  // namespace lvmrevert::lvmext
