#include "lvmext/lvm/lvm_tools.h"

#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <vector>

#include "core/phase_clock.h"
#include "lvmext/system/private_dir.h"

#include "lvmext/lvm/lvm_view.h"
#include "lvmext/system/process.h"

namespace lvmrevert::lvmext {
namespace {

// LVM's scan skips suspended devices (ours, while we copy) instead of
// waiting for them to be resumed.
constexpr const char* kSkipSuspended = "devices/ignore_suspended_devices=1";

// lvs's report of kLvsFields (LvmView), for the LVs that `selection` (a VG,
// or --select and its expression) names.
std::vector<std::string> LvsCommand(const std::vector<std::string>& selection) {
  // --foreign, --shared: another host's VG and a shared one are reported
  // too (lvs skips or refuses them otherwise), so that lvm-revert can decide
  // on them in its own words (vg_access.h, shared_vg.h) instead of lvs's.
  std::vector<std::string> argv = {"lvm", "lvs", "--readonly", "--foreign", "--shared",
                                   "--reportformat", "json", "--units", "b", "--nosuffix", "-a",
                                   "-o", kLvsFields};
  argv.insert(argv.end(), selection.begin(), selection.end());
  return argv;
}

std::vector<std::string> LvmconfigCommand(const char* type) {
  return {"lvm", "lvmconfig", "--typeconfig", type, "global/locking_dir", "activation/udev_sync",
          "activation/udev_rules", "activation/verify_udev_operations",
          "activation/thin_pool_autoextend_threshold", "local/extra_system_ids"};
}

// The lines of an LVM command's stderr that say what went wrong: indented
// by LVM, and without its warnings (lvs --readonly and friends print some).
std::vector<std::string> ErrorLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos) continue;
    line = line.substr(start);
    if (line.rfind("WARNING", 0) != 0) lines.push_back(line);
  }
  return lines;
}

std::string FirstLine(const std::string& text) {
  const std::vector<std::string> lines = ErrorLines(text);
  return lines.empty() ? "no message" : lines.front();
}

bool ParseBool(const std::string& v) { return v != "0"; }

// Without the blanks around it, as LVM pads its report fields and values.
std::string Trimmed(std::string s) {
  s.erase(0, s.find_first_not_of(" \t"));
  s.erase(s.find_last_not_of(" \t") + 1);
  return s;
}

// ["a","b"], or "a" for an array of one, as lvmconfig prints them.
std::vector<std::string> ParseStringArray(const std::string& value) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = value.find('"', pos)) != std::string::npos) {
    const size_t end = value.find('"', pos + 1);
    if (end == std::string::npos) break;
    if (end > pos + 1) out.push_back(value.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return out;
}

const std::vector<std::string> kSystemIdCommand = {"lvm", "systemid"};

// The wait for an LVM command is what -v reports as "LVM tools". (A command
// started earlier runs on while we wait for another: it is charged once.)
StatusOr<Output> RunLvm(const std::vector<std::string>& argv) {
  InPhase waiting(Phase::kLvmTools);
  return Run(argv);
}

StatusOr<Output> FinishLvm(Running& r) {
  InPhase waiting(Phase::kLvmTools);
  return Finish(r);
}

}  // namespace

LvmConfig ParseLvmConfig(const std::string& text) {
  LvmConfig config;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq);
    key.erase(0, key.find_first_not_of(" \t#"));
    std::string value = line.substr(eq + 1);
    key = Trimmed(key);
    // An array of one is printed as a plain string: extra_system_ids="a".
    if (key == "extra_system_ids") config.host.extra_system_ids = ParseStringArray(value);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (key == "locking_dir" && !value.empty()) config.locking_dir = value;
    if (key == "udev_sync") config.udev_sync = ParseBool(value);
    if (key == "udev_rules") config.udev_rules = ParseBool(value);
    if (key == "verify_udev_operations") config.verify_udev_operations = ParseBool(value);
    if (key == "thin_pool_autoextend_threshold") {
      config.thin_pool_autoextend_threshold_percent =
          static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 10));
    }
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
    // Without an lvm.conf (a dracut initrd, a bare rescue system) lvmconfig
    // cannot print the full configuration (exit 5, "Cannot clone NULL
    // config node"); LVM itself then runs on its built-in defaults.
    StatusOr<Output> defaults = RunLvm(LvmconfigCommand("default"));
    if (defaults.ok() && defaults->exit_code == 0) return ParseLvmConfig(defaults->out);
    return Status::IOError("lvmconfig failed (exit " + std::to_string(r->exit_code) +
                           "): " + FirstLine(r->err));
  }
  return ParseLvmConfig(r->out);
}

StatusOr<std::string> ProcessLvmTools::ReportVg(const std::string& vg) {
  return LvsResult(vg, RunLvm(LvsCommand({vg})));
}

StatusOr<std::string> LvmTools::ReportVgs(const std::vector<std::string>&) {
  return Status::Refused("a report of several volume groups at once is not available");
}

StatusOr<std::string> ProcessLvmTools::ReportVgs(const std::vector<std::string>& vgs) {
  StatusOr<Output> r = RunLvm(LvsCommand(vgs));
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    return Status::IOError("lvs failed (exit " + std::to_string(r->exit_code) + "): " + FirstLine(r->err));
  }
  return r->out;
}

StatusOr<std::string> ProcessLvmTools::ReportVgWhileSuspended(const std::string& vg) {
  std::vector<std::string> argv = LvsCommand({vg});
  argv.insert(argv.begin() + 2, {"--config", kSkipSuspended});
  return LvsResult(vg, RunLvm(argv));
}

// `lvm systemid` prints "  system ID: hosta" (empty after the colon when the
// host has none). A failure leaves the ID unknown, which LVM treats as none:
// only VGs without a system ID are this host's then.
static StatusOr<LvmConfig> WithSystemId(StatusOr<LvmConfig> config, StatusOr<Output> r) {
  if (!config.ok() || !r.ok() || r->exit_code != 0) return config;
  const std::string key = "system ID:";
  const size_t at = r->out.find(key);
  if (at == std::string::npos) return config;
  const std::string rest = r->out.substr(at + key.size());
  config->host.system_id = Trimmed(rest.substr(0, rest.find('\n')));
  return config;
}

StatusOr<LvmConfig> ProcessLvmTools::ReadConfig() {
  StatusOr<Running> systemid = Start(kSystemIdCommand);
  StatusOr<LvmConfig> config = LvmconfigResult(RunLvm(LvmconfigCommand("full")));
  return WithSystemId(std::move(config),
                      systemid.ok() ? FinishLvm(*systemid) : StatusOr<Output>(systemid.status()));
}

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

static Status NoThinSteps(const std::string& what) {
  return Status::Refused(what + ": not available with these LVM tools");
}

Status LvmTools::CreateThinCopy(const LvRef& snapshot, const std::string&,
                                const std::vector<std::string>&, bool, bool, VgLocking) {
  return NoThinSteps("lvcreate -s " + snapshot.full());
}

Status LvmTools::MergeThin(const LvRef& snapshot, VgLocking) {
  return NoThinSteps("lvconvert --merge " + snapshot.full());
}

Status LvmTools::RenameLv(const LvRef& lv, const std::string&, VgLocking) {
  return NoThinSteps("lvrename " + lv.full());
}

Status LvmTools::ActivateSkipped(const LvRef& lv, bool, VgLocking) {
  return NoThinSteps("lvchange -K " + lv.full());
}

ConfigAndReport ProcessLvmTools::ReadConfigAndReportVg(const std::string& vg) {
  StatusOr<Running> lvmconfig = Start(LvmconfigCommand("full"));
  StatusOr<Running> lvs = Start(LvsCommand({vg}));
  StatusOr<Running> systemid = Start(kSystemIdCommand);
  StatusOr<LvmConfig> config =
      LvmconfigResult(lvmconfig.ok() ? FinishLvm(*lvmconfig) : StatusOr<Output>(lvmconfig.status()));
  config = WithSystemId(std::move(config),
                        systemid.ok() ? FinishLvm(*systemid) : StatusOr<Output>(systemid.status()));
  return Both(config, LvsResult(vg, lvs.ok() ? FinishLvm(*lvs) : StatusOr<Output>(lvs.status())));
}

// Runs an LVM command that changes something; its failure names it.
static Status RunChange(const std::vector<std::string>& argv, const std::string& what) {
  StatusOr<Output> r = RunLvm(argv);
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    return Status::IOError(what + " failed (exit " + std::to_string(r->exit_code) +
                           "): " + FirstLine(r->err));
  }
  return Status::Ok();
}

Status ProcessLvmTools::RemoveLv(const LvRef& lv) {
  return RunChange({"lvm", "lvremove", "-y", lv.full()}, "lvremove " + lv.full());
}

// lvs of every VG (`selection` narrows it): `what` names it in messages.
static StatusOr<TaggedReport> ReportEveryVg(std::initializer_list<std::string> selection,
                                            const std::string& what) {
  StatusOr<Output> r = RunLvm(LvsCommand(std::vector<std::string>(selection)));
  if (!r.ok()) return r.status();
  if (r->exit_code == 0) return TaggedReport{r->out, {}};
  const std::string failed = what + " failed (exit " + std::to_string(r->exit_code) + ")";
  // lvs goes on past a VG it cannot read and reports the others.
  if (!LvmView::Parse(r->out).ok()) return Status::IOError(failed + ": " + FirstLine(r->err));
  TaggedReport report{r->out, ErrorLines(r->err)};
  if (report.problems.empty()) report.problems.push_back(failed);
  return report;
}

StatusOr<TaggedReport> ProcessLvmTools::ReportTagged(const std::vector<std::string>& tags) {
  std::string select;
  for (const std::string& tag : tags) select += (select.empty() ? "" : " || ") + ("lv_tags=" + tag);
  return ReportEveryVg({"--select", select}, "lvs --select '" + select + "'");
}

StatusOr<TaggedReport> ProcessLvmTools::ReportAllVgs() { return ReportEveryVg({}, "lvs"); }

// How an LVM command that changes the VG is guarded (VgLocking): the
// arguments that say so, and the private lock directory they may name,
// which must outlive the command.
static Status AddLockingArgs(VgLocking locking, std::vector<std::string>& argv,
                             std::optional<PrivateDir>& lock_dir) {
  if (locking == VgLocking::kCallerHoldsLock) {
    // Our flock on the VG guards the change.
    argv.insert(argv.end(), {"--nolocking", "--config", kSkipSuspended});
  } else if (locking == VgLocking::kCallerHoldsFileLock) {
    // Our flock guards the change on this host, lvmlockd's VG lock against
    // the others: LVM takes its flock in a directory of its own, so it does
    // not wait for ours, and still asks lvmlockd.
    StatusOr<PrivateDir> dir = PrivateDir::Create("/run/lvm-revert-locks.XXXXXX");
    if (!dir.ok()) return dir.status();
    lock_dir.emplace(std::move(dir).value());
    argv.insert(argv.end(), {"--config", "global/locking_dir=\"" + lock_dir->path() + "\" " +
                                             kSkipSuspended});
  }
  return Status::Ok();
}

// `argv` (an LVM command that changes the VG) run under `locking`.
static Status RunLockedChange(std::vector<std::string> argv, VgLocking locking,
                              const std::string& what) {
  std::optional<PrivateDir> lock_dir;
  Status s = AddLockingArgs(locking, argv, lock_dir);
  if (!s.ok()) return s.WithPrefix(what);
  return RunChange(argv, what);
}

Status ProcessLvmTools::ChangeTags(const LvRef& lv, const std::vector<std::string>& add,
                                   const std::vector<std::string>& remove, VgLocking locking) {
  // The snapshot may be suspended meanwhile (kSkipSuspended).
  std::vector<std::string> argv = {"lvm", "lvchange"};
  for (const std::string& tag : add) argv.insert(argv.end(), {"--addtag", tag});
  for (const std::string& tag : remove) argv.insert(argv.end(), {"--deltag", tag});
  argv.push_back(lv.full());
  return RunLockedChange(std::move(argv), locking, "lvchange (tags) " + lv.full());
}

Status ProcessLvmTools::CreateThinCopy(const LvRef& snapshot, const std::string& copy_name,
                                       const std::vector<std::string>& tags, bool read_only,
                                       bool activation_skip, VgLocking locking) {
  std::vector<std::string> argv = {"lvm", "lvcreate", "-q", "-y", "-s", "-n", copy_name};
  for (const std::string& tag : tags) argv.insert(argv.end(), {"--addtag", tag});
  if (read_only) argv.insert(argv.end(), {"-p", "r"});
  argv.insert(argv.end(), {"-k", activation_skip ? "y" : "n", snapshot.full()});
  return RunLockedChange(std::move(argv), locking,
                         "lvcreate -s -n " + copy_name + " " + snapshot.full());
}

Status ProcessLvmTools::MergeThin(const LvRef& snapshot, VgLocking locking) {
  return RunLockedChange({"lvm", "lvconvert", "-q", "-y", "--merge", snapshot.full()}, locking,
                         "lvconvert --merge " + snapshot.full());
}

Status ProcessLvmTools::RenameLv(const LvRef& lv, const std::string& new_name,
                                 VgLocking locking) {
  return RunLockedChange({"lvm", "lvrename", lv.vg, lv.lv, new_name}, locking,
                         "lvrename " + lv.vg + " " + lv.lv + " " + new_name);
}

Status ProcessLvmTools::ActivateSkipped(const LvRef& lv, bool active, VgLocking locking) {
  return RunLockedChange({"lvm", "lvchange", active ? "-ay" : "-an", "-K", lv.full()}, locking,
                         std::string("lvchange ") + (active ? "-ay" : "-an") + " -K " + lv.full());
}

// lvmlockctl prints "Cannot connect to lvmlockd." on stdout and exits with
// 255 when the daemon is down (daemons/lvmlockd/lvmlockctl.c).
LockdState ProcessLvmTools::ReadLockdState() {
  StatusOr<Output> r = RunLvm({"lvmlockctl", "--info", "--dump"});
  if (!r.ok()) return LockdState{false, "lvmlockctl: " + r.status().message(), {}};
  if (r->exit_code != 0) {
    const std::string said = FirstLine(r->out + "\n" + r->err);
    return LockdState{false, "lvmlockctl --info: " + said, {}};
  }
  return ParseLockdDump(r->out);
}

Status ProcessLvmTools::SetActive(const LvRef& lv, bool active) {
  return RunChange({"lvm", "lvchange", active ? "-ay" : "-an", lv.full()},
                   std::string("lvchange ") + (active ? "-ay " : "-an ") + lv.full());
}

StatusOr<VgSpace> ProcessLvmTools::FreeSpace(const std::string& vg) {
  StatusOr<Output> r = RunLvm({"lvm", "vgs", "--readonly", "--noheadings", "--units", "b",
                            "--nosuffix", "--separator", " ", "-o", "vg_free,vg_extent_size", vg});
  if (!r.ok()) return r.status();
  VgSpace space;
  std::istringstream in(r->out);
  if (r->exit_code != 0 || !(in >> space.free_bytes >> space.extent_bytes)) {
    return Status::IOError("vgs " + vg + " failed (exit " + std::to_string(r->exit_code) +
                           "): " + FirstLine(r->err));
  }
  return space;
}

StatusOr<VgIdentity> ProcessLvmTools::ReportVgIdentity(const std::string& vg) {
  StatusOr<Output> r = RunLvm({"lvm", "vgs", "--readonly", "--foreign", "--shared", "--noheadings",
                            "--separator", "|", "-o", "vg_attr,vg_systemid,vg_lock_type", vg});
  if (!r.ok()) return r.status();
  std::vector<std::string> fields;
  std::istringstream in(r->out.substr(0, r->out.find('\n')));
  for (std::string field; std::getline(in, field, '|');) fields.push_back(Trimmed(field));
  if (r->exit_code != 0 || fields.empty()) {
    return Status::IOError("vgs " + vg + " failed (exit " + std::to_string(r->exit_code) +
                           "): " + FirstLine(r->err));
  }
  fields.resize(3);
  return VgIdentity{vg, fields[1], fields[2], fields[0]};
}

Status ProcessLvmTools::CreateSnapshot(const LvRef& origin, const std::string& name,
                                       uint64_t chunk_size_bytes, uint64_t size_bytes) {
  return RunChange({"lvm", "lvcreate", "-q", "-y", "-s", "-c", std::to_string(chunk_size_bytes) + "b",
                    "-L", std::to_string(size_bytes) + "b", "-n", name, origin.full()},
                   "lvcreate -s -n " + name + " " + origin.full());
}

}  // namespace lvmrevert::lvmext
