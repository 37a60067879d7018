// The portable engine: each request is one pread or pwrite, done at Submit.
#pragma once

#include <vector>

#include "core/io_engine.h"

namespace lvmrevert {

class PsyncEngine final : public IoEngine {
 public:
  const char* name() const override { return "psync"; }
  size_t queue_depth() const override { return 1; }
  Status Submit(const IoRequest& request) override;
  Status Reap(size_t min_completions, std::vector<IoCompletion>* out) override;
  Status Flush(int fd) override;

 private:
  std::vector<IoCompletion> done_;
};

}  // namespace lvmrevert
