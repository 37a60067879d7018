#include <unistd.h>

#include <iostream>
#include <string>

#include "core/psync_engine.h"
#include "lvmext/lvm_revert.h"

int main(int argc, char** argv) {
  lvmrevert::cli::Console console{std::cout, std::cerr, ::isatty(STDIN_FILENO) == 1, [] {
                                    std::string line;
                                    if (!std::getline(std::cin, line)) {
                                      return std::optional<std::string>();
                                    }
                                    return std::optional<std::string>(line);
                                  }};
  lvmrevert::safety::LinuxSystemView view;
  lvmrevert::cli::Environment env{view, [] { return std::make_unique<lvmrevert::PsyncEngine>(); }};
  return lvmrevert::cli::RunLvmRevert(argc, argv, console, env);
}
