#include "lvmext/cli/environment.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

namespace lvmrevert::lvmext {

std::string DmDevicePath(const std::string& name, dev_t dev) {
  const std::string mapper = "/dev/mapper/" + name;
  struct stat st {};
  if (::stat(mapper.c_str(), &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == dev) return mapper;
  return "/dev/dm-" + std::to_string(minor(dev));
}

}  // namespace lvmrevert::lvmext
