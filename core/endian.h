// Explicit little-endian decoding of on-disk fields. The store is little-endian
// whatever the host is (dm-snap-persistent.c), so every field goes through here.
#pragma once

#include <endian.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lvmrevert {

inline uint32_t LoadLe32(const std::byte* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return le32toh(v);
}

inline uint64_t LoadLe64(const std::byte* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return le64toh(v);
}

inline void StoreLe32(std::byte* p, uint32_t value) {
  const uint32_t v = htole32(value);
  std::memcpy(p, &v, sizeof v);
}

inline void StoreLe64(std::byte* p, uint64_t value) {
  const uint64_t v = htole64(value);
  std::memcpy(p, &v, sizeof v);
}

}  // namespace lvmrevert
