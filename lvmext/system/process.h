// Running a command and collecting what it printed: the LVM tools and the
// initramfs listers. stdout and stderr go to memory files, so several
// commands can run at once without juggling pipes.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/status.h"
#include "core/unique_fd.h"

namespace lvmrevert::lvmext {

struct Output {
  int exit_code = 0;  // 128 + signal when killed
  std::string out;
  std::string err;
};

// A started command.
struct Running {
  pid_t pid = -1;
  std::string name;
  UniqueFd out;
  UniqueFd err;
};

// Starts argv[0] found on PATH, stdin from /dev/null, SIGPIPE at its default.
StatusOr<Running> Start(const std::vector<std::string>& argv);
// Waits for it and reads what it printed.
StatusOr<Output> Finish(Running& r);
// Both.
StatusOr<Output> Run(const std::vector<std::string>& argv);

}  // namespace lvmrevert::lvmext
