#include "lvmext/lvm_tools.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
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

// A started command whose stdout and stderr go to memory files, so several
// can run at once without juggling pipes.
struct Running {
  pid_t pid = -1;
  std::string name;
  UniqueFd out;
  UniqueFd err;
};

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

std::vector<std::string> LvsCommand(const std::string& vg) {
  return {"lvs", "--readonly", "--reportformat", "json", "--units", "b", "--nosuffix", "-a",
          "-o", kLvsFields, vg};
}

const std::vector<std::string> kLvmconfigCommand = {
    "lvmconfig", "--typeconfig", "full", "global/locking_dir", "activation/udev_sync",
    "activation/udev_rules", "activation/verify_udev_operations"};

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

static StatusOr<std::string> LvsResult(const std::string& vg, StatusOr<Output> r) {
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

static StatusOr<LvmConfig> LvmconfigResult(StatusOr<Output> r) {
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    return Status::IOError("lvmconfig failed (exit " + std::to_string(r->exit_code) +
                           "): " + FirstLine(r->err));
  }
  return ParseLvmConfig(r->out);
}

StatusOr<std::string> ProcessLvmTools::ReportVg(const std::string& vg) {
  return LvsResult(vg, Run(LvsCommand(vg)));
}

StatusOr<LvmConfig> ProcessLvmTools::ReadConfig() { return LvmconfigResult(Run(kLvmconfigCommand)); }

static ConfigAndReport Both(const StatusOr<LvmConfig>& config, const StatusOr<std::string>& report) {
  ConfigAndReport both;
  both.config_status = config.status();
  if (config.ok()) both.config = *config;
  both.report_status = report.status();
  if (report.ok()) both.report = *report;
  return both;
}

ConfigAndReport LvmTools::ReadConfigAndReportVg(const std::string& vg) {
  StatusOr<LvmConfig> config = ReadConfig();
  return Both(config, ReportVg(vg));
}

ConfigAndReport ProcessLvmTools::ReadConfigAndReportVg(const std::string& vg) {
  StatusOr<Running> lvmconfig = Start(kLvmconfigCommand);
  StatusOr<Running> lvs = Start(LvsCommand(vg));
  StatusOr<LvmConfig> config =
      LvmconfigResult(lvmconfig.ok() ? Finish(*lvmconfig) : StatusOr<Output>(lvmconfig.status()));
  return Both(config, LvsResult(vg, lvs.ok() ? Finish(*lvs) : StatusOr<Output>(lvs.status())));
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
