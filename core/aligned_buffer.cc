#include "core/aligned_buffer.h"

#include <sys/mman.h>

#include <cstdlib>
#include <new>
#include <utility>

namespace lvmrevert {
namespace {

constexpr size_t kHugePageBytes = 2 << 20;

}  // namespace

AlignedBuffer::AlignedBuffer(size_t size_bytes) : size_(size_bytes) {
  if (size_bytes == 0) return;
  void* p = nullptr;
  // Big buffers in huge pages where the kernel offers them (THP "madvise",
  // Debian's default): a 32 MiB buffer is then 16 page faults, not 8192,
  // which shows when every page must be faulted in before the first I/O.
  const size_t align = size_bytes >= kHugePageBytes ? kHugePageBytes : kDirectIoAlignment;
  const size_t rounded = (size_bytes + align - 1) / align * align;
  if (posix_memalign(&p, align, rounded) != 0) throw std::bad_alloc();
  if (align == kHugePageBytes) (void)::madvise(p, rounded, MADV_HUGEPAGE);
  data_ = static_cast<std::byte*>(p);
}

AlignedBuffer::~AlignedBuffer() { std::free(data_); }

AlignedBuffer::AlignedBuffer(AlignedBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

AlignedBuffer& AlignedBuffer::operator=(AlignedBuffer&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

}  // namespace lvmrevert
