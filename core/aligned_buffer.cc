#include "core/aligned_buffer.h"

#include <cstdlib>
#include <new>
#include <utility>

namespace lvmrevert {

AlignedBuffer::AlignedBuffer(size_t size_bytes) : size_(size_bytes) {
  if (size_bytes == 0) return;
  void* p = nullptr;
  const size_t rounded = (size_bytes + kDirectIoAlignment - 1) / kDirectIoAlignment * kDirectIoAlignment;
  if (posix_memalign(&p, kDirectIoAlignment, rounded) != 0) throw std::bad_alloc();
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
