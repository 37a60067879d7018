#include "lvmext/system/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

extern char** environ;

namespace lvmrevert::lvmext {

StatusOr<Running> Start(const std::vector<std::string>& argv) {
  Running r;
  r.name = argv[0];
  r.out = UniqueFd(::memfd_create("lvm-revert-out", MFD_CLOEXEC));
  r.err = UniqueFd(::memfd_create("lvm-revert-err", MFD_CLOEXEC));
  if (!r.out.valid() || !r.err.valid()) return Status::FromErrno(errno, "memfd_create");

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, r.out.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, r.err.get(), STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // We ignore SIGPIPE; an ignored signal stays ignored across exec, so give
  // the LVM command the default back.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &default_signals);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);

  // LVM warns about inherited fds; ours are all O_CLOEXEC, so silence it.
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) env_storage.emplace_back(*e);
  env_storage.emplace_back("LVM_SUPPRESS_FD_WARNINGS=1");
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_storage = argv;
  std::vector<char*> args;
  for (auto& a : argv_storage) args.push_back(a.data());
  args.push_back(nullptr);

  const int rc = ::posix_spawnp(&r.pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return Status::FromErrno(rc, "running " + argv[0]);
  return r;
}

namespace {

std::string ReadAll(int fd) {
  std::string text;
  char buf[8192];
  off_t at = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, buf, sizeof buf, at);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
    at += n;
  }
  return text;
}

}  // namespace

StatusOr<Output> Finish(Running& r) {
  int status = 0;
  while (::waitpid(r.pid, &status, 0) < 0) {
    if (errno != EINTR) return Status::FromErrno(errno, "waiting for " + r.name);
  }
  Output result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadAll(r.out.get());
  result.err = ReadAll(r.err.get());
  return result;
}

StatusOr<Output> Run(const std::vector<std::string>& argv) {
  StatusOr<Running> r = Start(argv);
  if (!r.ok()) return r.status();
  return Finish(*r);
}

}  // namespace lvmrevert::lvmext
