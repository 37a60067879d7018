// The digest --verify keeps of each write and compares with what is read
// back. Not cryptographic: it finds damage, not attacks. Both sides are
// digested in the same process, so the value need not be stable across
// versions or CPUs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace lvmrevert {

// 64 bits, at memory speed where the CPU has SSE2 (every x86-64): on this
// project's 2-core build machine, about 3x the 4-lane xxHash64 round it
// replaces (15 against 5 GB/s), which had --verify spend more time
// digesting than reading.
uint64_t Digest(std::span<const std::byte> data);

// The same function, one lane at a time (other CPUs; tests compare the two).
uint64_t DigestPortable(std::span<const std::byte> data);

}  // namespace lvmrevert
