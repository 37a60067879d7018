#include <unistd.h>

#include <iostream>
#include <string>

#include "core/engines.h"
#include "lvmext/device_mapper.h"
#include "lvmext/lvm_revert.h"
#include "lvmext/lvm_tools.h"

int main(int argc, char** argv) {
  using namespace lvmrevert;
  cli::Console console{std::cout, std::cerr, ::isatty(STDIN_FILENO) == 1,
                       ::isatty(STDERR_FILENO) == 1, [] {
                         std::string line;
                         if (!std::getline(std::cin, line)) return std::optional<std::string>();
                         return std::optional<std::string>(line);
                       }};
  safety::LinuxSystemView view;
  cli::LibDeviceMapper dm;
  cli::ProcessLvmTools lvm;
  cli::Environment env{view, MakeEngine, &dm, &lvm, cli::DmDevicePath};
  return cli::RunLvmRevert(argc, argv, console, env);
}
