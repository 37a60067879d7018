#include <sys/ioctl.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "core/engines.h"
#include "lvmext/boot/initramfs_image.h"
#include "lvmext/lvm/device_mapper.h"
#include "lvmext/cli/exit_status.h"
#include "lvmext/system/fd_output.h"
#include "lvmext/command.h"
#include "lvmext/lvm/lvm_tools.h"
#include "lvmext/system/process_setup.h"

int main(int argc, char** argv) {
  using namespace lvmrevert;
  // Before anything is opened: fds 0-2 must be taken, or a device we open
  // would become one of them.
  if (!lvmext::KeepStandardFdsOpen()) return lvmext::kExitRefused;
  lvmext::IgnoreSigpipe();
  try {
    lvmext::FdOutput out_buffer(STDOUT_FILENO);
    lvmext::FdOutput err_buffer(STDERR_FILENO);
    std::ostream out(&out_buffer);
    std::ostream err(&err_buffer);
    err << std::unitbuf;
    lvmext::Console console{out, err, ::isatty(STDIN_FILENO) == 1, ::isatty(STDERR_FILENO) == 1,
                         [] {
                           std::string line;
                           if (!std::getline(std::cin, line)) return std::optional<std::string>();
                           return std::optional<std::string>(line);
                         },
                         [&out_buffer] { return out_buffer.error(); },
                         [&err_buffer] { return err_buffer.error(); }};
    safety::LinuxSystemView view;
    lvmext::LibDeviceMapper dm;
    lvmext::ProcessLvmTools lvm;
    lvmext::InitramfsBootImage boot_image;
    lvmext::Environment env{view, MakeEngine, &dm, &lvm, lvmext::DmDevicePath, &boot_image};
    console.err_columns = [] {
      struct winsize size {};
      return ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 ? unsigned{size.ws_col} : 0u;
    };
    env.is_root = [] { return ::geteuid() == 0; };
    return lvmext::RunLvmRevert(argc, argv, console, env);
  } catch (...) {
    // RunLvmRevert turns exceptions into statuses; this is for whatever is
    // left (setting up the streams). Nothing was written by then.
    return lvmext::kExitRefused;
  }
}
