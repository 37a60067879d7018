#include "core/digest.h"

#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lvmrevert {
namespace {

// XXH3's shape: 64-byte stripes over 8 lanes of 64 bits. Each lane adds the
// product of the two halves of its word mixed with a key (which spreads the
// bits) and its neighbour's plain word (so no change is lost to a product
// with zero). The keys differ per stripe of a 1 KiB block and the lanes are
// scrambled after each block: where a byte sits counts, not only its value.
constexpr size_t kLanes = 8;
constexpr size_t kStripeBytes = kLanes * 8;
constexpr size_t kStripesPerBlock = 16;
constexpr uint64_t kP1 = 0x9e3779b185ebca87ull, kP2 = 0xc2b2ae3d27d4eb4full;
constexpr uint64_t kScramble = 0x9e3779b1u;  // fits in 32 bits: SSE2 multiplies those

struct Keys {
  alignas(16) uint64_t key[kStripesPerBlock][kLanes];
  constexpr Keys() : key{} {
    uint64_t x = kP2;  // splitmix64
    for (auto& stripe : key) {
      for (uint64_t& k : stripe) {
        x += kP1;
        uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        k = z ^ (z >> 31);
      }
    }
  }
};
constexpr Keys kKeys;

using Lanes = std::array<uint64_t, kLanes>;
constexpr Lanes kStart = {kP1, kP2, kP1 ^ kP2, kP1 + kP2, kP2 - kP1, ~kP1, ~kP2, 0};

uint64_t Load64(const std::byte* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

void StripesPortable(const std::byte* p, size_t stripes, Lanes& acc) {
  for (size_t s = 0; s < stripes; ++s, p += kStripeBytes) {
    const uint64_t* key = kKeys.key[s % kStripesPerBlock];
    for (size_t i = 0; i < kLanes; ++i) {
      const uint64_t w = Load64(p + 8 * i);
      const uint64_t k = w ^ key[i];
      acc[i] += (k & 0xffffffffu) * (k >> 32);
      acc[i ^ 1] += w;
    }
    if (s % kStripesPerBlock == kStripesPerBlock - 1) {
      for (uint64_t& a : acc) a = (a ^ (a >> 47)) * kScramble;
    }
  }
}

#if defined(__SSE2__)
void StripesSse2(const std::byte* p, size_t stripes, Lanes& acc) {
  __m128i v[4];
  for (int j = 0; j < 4; ++j) v[j] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&acc[2 * j]));
  const __m128i scramble = _mm_set1_epi64x(kScramble);
  for (size_t s = 0; s < stripes; ++s, p += kStripeBytes) {
    const auto* key = reinterpret_cast<const __m128i*>(kKeys.key[s % kStripesPerBlock]);
    for (int j = 0; j < 4; ++j) {
      const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p) + j);
      const __m128i k = _mm_xor_si128(w, _mm_load_si128(key + j));
      // Each lane's low half times its high half; the neighbour's word.
      const __m128i product = _mm_mul_epu32(k, _mm_srli_epi64(k, 32));
      const __m128i swapped = _mm_shuffle_epi32(w, _MM_SHUFFLE(1, 0, 3, 2));
      v[j] = _mm_add_epi64(v[j], _mm_add_epi64(product, swapped));
    }
    if (s % kStripesPerBlock == kStripesPerBlock - 1) {
      for (__m128i& a : v) {
        a = _mm_xor_si128(a, _mm_srli_epi64(a, 47));
        // A 64-bit lane times a 32-bit constant, from two 32x32 products.
        const __m128i low = _mm_mul_epu32(a, scramble);
        const __m128i high = _mm_mul_epu32(_mm_srli_epi64(a, 32), scramble);
        a = _mm_add_epi64(low, _mm_slli_epi64(high, 32));
      }
    }
  }
  for (int j = 0; j < 4; ++j) _mm_storeu_si128(reinterpret_cast<__m128i*>(&acc[2 * j]), v[j]);
}
#endif

uint64_t Finish(Lanes acc, std::span<const std::byte> data, size_t done) {
  const auto round = [](uint64_t h, uint64_t w) {
    h ^= w * kP2;
    h = (h << 31) | (h >> 33);
    return h * kP1;
  };
  uint64_t h = data.size() * kP1;
  for (const uint64_t a : acc) h = round(h, a);
  for (size_t i = done; i < data.size(); ++i) h = (h ^ static_cast<uint64_t>(data[i])) * kP1;
  h ^= h >> 33;
  h *= kP2;
  return h ^ (h >> 29);
}

// The whole stripes through `stripes`, the tail and the length in Finish.
uint64_t DigestWith(void (*stripes)(const std::byte*, size_t, Lanes&),
                    std::span<const std::byte> data) {
  Lanes acc = kStart;
  const size_t count = data.size() / kStripeBytes;
  stripes(data.data(), count, acc);
  return Finish(acc, data, count * kStripeBytes);
}

}  // namespace

uint64_t DigestPortable(std::span<const std::byte> data) {
  return DigestWith(StripesPortable, data);
}

uint64_t Digest(std::span<const std::byte> data) {
#if defined(__SSE2__)
  return DigestWith(StripesSse2, data);
#else
  return DigestPortable(data);
#endif
}

}  // namespace lvmrevert
