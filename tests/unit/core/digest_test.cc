#include "core/digest.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

namespace lvmrevert {
namespace {

std::vector<std::byte> RandomBytes(size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::byte> v(n);
  for (std::byte& b : v) b = static_cast<std::byte>(rng());
  return v;
}

// Both sides of --verify use Digest; DigestPortable is what other CPUs get.
TEST(DigestTest, VectorAndPortableAgreeOnEveryLengthAndAlignment) {
  const std::vector<std::byte> data = RandomBytes(3 * 1024 + 200, 1);
  for (size_t start = 0; start < 9; ++start) {
    for (size_t n = 0; start + n <= data.size(); n += (n < 300 ? 1 : 61)) {
      const auto piece = std::span(data).subspan(start, n);
      ASSERT_EQ(Digest(piece), DigestPortable(piece)) << "start " << start << ", " << n << " bytes";
    }
  }
}

TEST(DigestTest, EveryOneBitChangeIsSeen) {
  const std::vector<std::byte> a = RandomBytes(4096, 2);
  const uint64_t digest = Digest(a);
  for (size_t byte = 0; byte < a.size(); ++byte) {
    std::vector<std::byte> b = a;
    b[byte] ^= std::byte{1} << (byte % 8);
    ASSERT_NE(Digest(b), digest) << "byte " << byte;
  }
}

// What damage looks like: zeros, the right data at the wrong place (stripes
// or blocks swapped, a shift), a different length.
TEST(DigestTest, MovedZeroedAndShortenedDataDiffer) {
  const std::vector<std::byte> a = RandomBytes(8192, 3);
  std::set<uint64_t> seen = {Digest(a)};
  std::vector<std::byte> zeros(a.size());
  EXPECT_TRUE(seen.insert(Digest(zeros)).second);
  std::vector<std::byte> stripes_swapped = a;
  std::swap_ranges(stripes_swapped.begin(), stripes_swapped.begin() + 64,
                   stripes_swapped.begin() + 64);
  EXPECT_TRUE(seen.insert(Digest(stripes_swapped)).second);
  std::vector<std::byte> blocks_swapped = a;
  std::swap_ranges(blocks_swapped.begin(), blocks_swapped.begin() + 1024,
                   blocks_swapped.begin() + 1024);
  EXPECT_TRUE(seen.insert(Digest(blocks_swapped)).second);
  std::vector<std::byte> shifted(a.begin() + 8, a.end());
  shifted.insert(shifted.end(), a.begin(), a.begin() + 8);
  EXPECT_TRUE(seen.insert(Digest(shifted)).second);
  EXPECT_TRUE(seen.insert(Digest(std::span(a).first(a.size() - 1))).second);
  const std::vector<std::byte> sevens(4096, std::byte{7});
  EXPECT_NE(Digest(std::span(sevens).first(100)), Digest(std::span(sevens).first(101)));
}

}  // namespace
}  // namespace lvmrevert
