// A growable array of Exception backed by malloc/realloc. A store can hold
// hundreds of millions of exceptions; glibc grows large blocks with mremap,
// so growing the table never holds two copies of it at once, which
// std::vector would (old and new buffer during reallocation).
#pragma once

#include <cstddef>
#include <span>

#include "core/exception.h"

namespace lvmrevert {

class ExceptionList {
 public:
  ExceptionList() = default;
  ~ExceptionList();
  ExceptionList(ExceptionList&& other) noexcept;
  ExceptionList& operator=(ExceptionList&& other) noexcept;
  ExceptionList(const ExceptionList&) = delete;
  ExceptionList& operator=(const ExceptionList&) = delete;

  // Throws std::bad_alloc when memory runs out, as containers do.
  void push_back(const Exception& e);
  void clear() { size_ = 0; }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Exception* data() { return data_; }
  const Exception* data() const { return data_; }
  Exception* begin() { return data_; }
  Exception* end() { return data_ + size_; }
  const Exception* begin() const { return data_; }
  const Exception* end() const { return data_ + size_; }
  Exception& operator[](size_t i) { return data_[i]; }
  const Exception& operator[](size_t i) const { return data_[i]; }
  std::span<const Exception> span() const { return {data_, size_}; }

 private:
  Exception* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace lvmrevert
