#include "lvmext/lvm_tools.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>
#include <vector>

#include "core/unique_fd.h"
#include "lvmext/lvm_view.h"

extern char** environ;

namespace lvmrevert::cli {
namespace {

struct Output {
  int exit_code = 0;
  std::string out;
  std::string err;
};

// Runs argv, capturing stdout and stderr. LVM warns about inherited fds, so
// ours are all O_CLOEXEC and the warning is also silenced.
StatusOr<Output> Run(const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Status::FromErrno(errno, "pipe");
  UniqueFd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return Status::FromErrno(errno, "pipe");
  UniqueFd err_read(err_pipe[0]), err_write(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) env_storage.emplace_back(*e);
  env_storage.emplace_back("LVM_SUPPRESS_FD_WARNINGS=1");
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  std::vector<std::string> argv_storage = argv;
  for (auto& a : argv_storage) args.push_back(a.data());
  args.push_back(nullptr);

  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  out_write.reset();
  err_write.reset();
  if (rc != 0) return Status::FromErrno(rc, "running " + argv[0]);

  Output result;
  // Read both pipes without deadlocking on a full one.
  int open_pipes = 2;
  char buf[4096];
  while (open_pipes > 0) {
    fd_set set;
    FD_ZERO(&set);
    if (out_read.valid()) FD_SET(out_read.get(), &set);
    if (err_read.valid()) FD_SET(err_read.get(), &set);
    const int maxfd = std::max(out_read.get(), err_read.get());
    if (::select(maxfd + 1, &set, nullptr, nullptr, nullptr) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (auto* p : {&out_read, &err_read}) {
      if (!p->valid() || !FD_ISSET(p->get(), &set)) continue;
      const ssize_t n = ::read(p->get(), buf, sizeof buf);
      if (n <= 0) {
        p->reset();
        --open_pipes;
      } else {
        (p == &out_read ? result.out : result.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Status::FromErrno(errno, "waiting for " + argv[0]);
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string FirstLine(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t start = line.find_first_not_of(' ');
    if (start == std::string::npos) continue;
    line = line.substr(start);
    if (line.rfind("WARNING", 0) == 0) continue;  // lvs --readonly and friends
    return line;
  }
  return "no message";
}

bool ParseBool(const std::string& v) { return v != "0"; }

}  // namespace

LvmConfig ParseLvmConfig(const std::string& text) {
  LvmConfig config;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq);
    std::string value = line.substr(eq + 1);
    key.erase(0, key.find_first_not_of(" \t"));
    key.erase(key.find_last_not_of(" \t") + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (key == "locking_dir" && !value.empty()) config.locking_dir = value;
    if (key == "udev_sync") config.udev_sync = ParseBool(value);
    if (key == "udev_rules") config.udev_rules = ParseBool(value);
    if (key == "verify_udev_operations") config.verify_udev_operations = ParseBool(value);
  }
  return config;
}

StatusOr<std::string> ProcessLvmTools::ReportVg(const std::string& vg) {
  StatusOr<Output> r = Run({"lvs", "--readonly", "--reportformat", "json", "--units", "b",
                            "--nosuffix", "-a", "-o", kLvsFields, vg});
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    const std::string message = FirstLine(r->err);
    if (message.find("not found") != std::string::npos) {
      return Status::NotFound("volume group " + vg + " not found");
    }
    return Status::IOError("lvs " + vg + " failed (exit " + std::to_string(r->exit_code) +
                           "): " + message);
  }
  return r->out;
}

StatusOr<LvmConfig> ProcessLvmTools::ReadConfig() {
  StatusOr<Output> r = Run({"lvmconfig", "--typeconfig", "full", "global/locking_dir",
                            "activation/udev_sync", "activation/udev_rules",
                            "activation/verify_udev_operations"});
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    return Status::IOError("lvmconfig failed (exit " + std::to_string(r->exit_code) +
                           "): " + FirstLine(r->err));
  }
  return ParseLvmConfig(r->out);
}

Status ProcessLvmTools::RemoveLv(const LvRef& lv) {
  StatusOr<Output> r = Run({"lvremove", "-y", lv.full()});
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    return Status::IOError("lvremove " + lv.full() + " failed (exit " +
                           std::to_string(r->exit_code) + "): " + FirstLine(r->err));
  }
  return Status::Ok();
}

}  // namespace lvmrevert::cli
