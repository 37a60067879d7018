#include "core/exception_list.h"

#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>

namespace lvmrevert {

static_assert(std::is_trivially_copyable_v<Exception>, "realloc moves Exceptions bytewise");

ExceptionList::~ExceptionList() { std::free(data_); }

ExceptionList::ExceptionList(ExceptionList&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

ExceptionList& ExceptionList::operator=(ExceptionList&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

void ExceptionList::push_back(const Exception& e) {
  if (size_ == capacity_) {
    const size_t new_capacity = capacity_ == 0 ? 256 : capacity_ * 2;
    void* grown = std::realloc(data_, new_capacity * sizeof(Exception));
    if (grown == nullptr) throw std::bad_alloc();
    data_ = static_cast<Exception*>(grown);
    capacity_ = new_capacity;
  }
  data_[size_++] = e;
}

}  // namespace lvmrevert
