// A device number as the kernel writes it in sysfs and device-mapper tables,
// and as messages show it: "253:4".
#pragma once

#include <sys/types.h>

#include <string>

namespace lvmrevert::safety {

// "MAJOR:MINOR", both in decimal.
std::string MajorMinor(dev_t dev);

}  // namespace lvmrevert::safety
