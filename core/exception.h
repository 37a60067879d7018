// One saved chunk: the origin chunk it belongs to and where the store keeps
// its data. Both are chunk indexes in units of the store's chunk size.
#pragma once

#include <cstdint>

namespace lvmrevert {

struct Exception {
  uint64_t origin_chunk = 0;  // the kernel's old_chunk
  uint64_t cow_chunk = 0;     // the kernel's new_chunk

  friend bool operator==(const Exception&, const Exception&) = default;
};

}  // namespace lvmrevert
