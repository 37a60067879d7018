#include "safety/device_number.h"

#include <sys/sysmacros.h>

namespace lvmrevert::safety {

std::string MajorMinor(dev_t dev) {
  return std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
}

}  // namespace lvmrevert::safety
