#include "lvmext/boot_run.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "lvmext/boot_tags.h"
#include "lvmext/exit_status.h"
#include "lvmext/outcome.h"
#include "lvmext/lvm_form.h"
#include "lvmext/plan_output.h"
#include "lvmext/process.h"
#include "lvmext/schedule.h"

namespace lvmrevert::cli {
namespace {

struct KernelCommandLine {
  bool off = false;
  std::vector<ScheduledRevert> pairs;  // when = "command line"
  std::vector<std::string> bad;        // values that are not VG/LV:VG/SNAP
};

KernelCommandLine ReadKernelCommandLine(const std::string& path) {
  KernelCommandLine cmdline;
  std::ifstream in(path);
  std::string word;
  while (in >> word) {
    if (word.rfind("lvmrevert=", 0) != 0) continue;
    const std::string value = word.substr(10);
    if (value == "off" || value == "0" || value == "no") {
      cmdline.off = true;
      continue;
    }
    std::istringstream items(value);
    std::string item;
    while (std::getline(items, item, ',')) {
      const size_t colon = item.find(':');
      StatusOr<LvRef> origin = ParseLvRef(item.substr(0, colon));
      StatusOr<LvRef> snapshot =
          colon == std::string::npos ? StatusOr<LvRef>(Status::InvalidArgument("no snapshot"))
                                     : ParseLvRef(item.substr(colon + 1));
      if (origin.ok() && snapshot.ok()) {
        cmdline.pairs.push_back({*origin, *snapshot, "command line"});
      } else {
        cmdline.bad.push_back(item);
      }
    }
  }
  return cmdline;
}

std::string Key(const ScheduledRevert& r) { return r.origin.full() + " " + r.snapshot.full(); }

std::set<std::string> ReadDone(const std::string& path) {
  std::set<std::string> done;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) done.insert(line);
  return done;
}

class BootRun {
 public:
  BootRun(const Options& options, Console& console, Environment& env)
      : options_(options), console_(console), env_(env) {}

  Report Run() {
    Report report;
    report.mode = "boot";
    ::mkdir(env_.run_dir.c_str(), 0755);
    log_.open(env_.run_dir + "/boot.log", std::ios::app);
    const KernelCommandLine cmdline = ReadKernelCommandLine(env_.kernel_cmdline_path);
    for (const std::string& bad : cmdline.bad) {
      Say("ignoring lvmrevert=" + bad + " on the kernel command line: not VG/LV:VG/SNAP");
    }
    if (cmdline.off) {
      Say("lvmrevert=off on the kernel command line: no revert runs at this boot");
      report.result = Result::kReverted;
      return report;
    }
    if (env_.lvm == nullptr || env_.dm == nullptr) {
      report.status = Status::Refused("--boot needs device-mapper and the LVM tools");
      return report;
    }
    StatusOr<std::vector<ScheduledRevert>> tagged = ListScheduled(*env_.lvm);
    if (!tagged.ok()) {
      report.status = tagged.status().WithPrefix("listing the reverts scheduled for boot");
      Say(report.status.message() + "; the boot goes on");
      return report;
    }
    std::vector<ScheduledRevert> todo;
    for (const ScheduledRevert& r : *tagged) {
      if (r.when != "refused") todo.push_back(r);
    }
    for (const ScheduledRevert& r : cmdline.pairs) {
      const bool also_tagged = std::any_of(todo.begin(), todo.end(), [&](const ScheduledRevert& t) {
        return Key(t) == Key(r);
      });
      if (!also_tagged) todo.push_back(r);
    }
    const std::set<std::string> done = ReadDone(env_.run_dir + "/done");
    int refused = 0, failed = 0;
    for (const ScheduledRevert& r : todo) {
      if (done.count(Key(r)) != 0) continue;
      const int code = RevertOne(r);
      refused += code == kExitRefused;
      failed += code == kExitFailedWriting;
    }
    report.result = Result::kReverted;
    if (failed > 0) {
      report.status = Status::Incomplete(
          std::to_string(failed) + " revert" + (failed == 1 ? "" : "s") +
          " failed while writing; a half-reverted volume must not be mounted");
    } else if (refused > 0) {
      report.status = Status::Refused(std::to_string(refused) + " scheduled revert" +
                                      (refused == 1 ? " was" : "s were") +
                                      " refused; the boot goes on with " +
                                      (refused == 1 ? "that volume" : "those volumes") +
                                      " unchanged");
    }
    return report;
  }

 private:
  // Reverts one pair; returns the revert's exit code.
  int RevertOne(const ScheduledRevert& r) {
    const std::string what = r.origin.full() + " to " + r.snapshot.full();
    bool activated = false;
    StatusOr<DmInfo> info = env_.dm->Info(DmName(r.origin));
    if (info.ok() && !info->exists) {
      // Not activated by the initramfs (a /home LV, say): activate it for the
      // revert, with its snapshots, and deactivate it afterwards.
      Status s = env_.lvm->SetActive(r.origin, true);
      if (!s.ok()) return Refuse(r, "cannot activate " + r.origin.full() + ": " + s.message());
      activated = true;
      Settle();
    }
    Report result = RevertCaptured(r);
    // udev's blkid probe opens a device briefly after each change event; a
    // revert that met it sees an open count. Once more, after udev is done.
    if (result.status.code() == StatusCode::kRefused &&
        result.status.message().find("is open (open count") != std::string::npos) {
      Settle();
      ::sleep(1);
      result = RevertCaptured(r);
    }
    const int code = ExitStatusFor(result.status);
    if (code == kExitDone) {
      Say("reverted " + what + ": wrote " + MiB(result.bytes_written) + " in " +
          std::to_string(result.totals ? result.totals->runs : 0) + " runs");
      if (r.when == "next-boot") DropTags(r, {}, {kTagNextBoot});
      MarkDone(r);
    } else if (code == kExitFailedWriting) {
      Say("FAILED while reverting " + what + ": " + result.status.message());
      Say(r.origin.full() + " is partly reverted and must not be mounted. Once the cause is "
          "fixed, run: lvm-revert -y " + r.origin.full() + " " + r.snapshot.full());
      return code;  // left active, so that command can run at once
    } else {
      Refuse(r, result.status.message());
    }
    if (activated) {
      Status s = env_.lvm->SetActive(r.origin, false);
      if (!s.ok()) Say("could not deactivate " + r.origin.full() + " again: " + s.message());
    }
    return code;
  }

  int Refuse(const ScheduledRevert& r, const std::string& why) {
    Say("refused to revert " + r.origin.full() + " to " + r.snapshot.full() + ": " + why);
    std::string next = r.origin.full() + " is unchanged and the boot goes on";
    if (r.when == "next-boot" || r.when == "every-boot") {
      DropTags(r, {kTagRefused}, {kTagNextBoot, kTagEveryBoot});
      next += "; " + r.snapshot.full() + " is now tagged " + kTagRefused +
              " (lvm-revert --list-scheduled; schedule it again once fixed)";
    }
    Say(next);
    MarkDone(r);
    return kExitRefused;
  }

  void DropTags(const ScheduledRevert& r, const std::vector<std::string>& add,
                const std::vector<std::string>& remove) {
    Status s = env_.lvm->ChangeTags(r.snapshot, add, remove);
    if (!s.ok()) Say("could not change the tags of " + r.snapshot.full() + ": " + s.message());
  }

  // The LVM form, -y, with its output going to the log.
  Report RevertCaptured(const ScheduledRevert& r) {
    Options o;
    o.origin_lv = r.origin;
    o.snapshot_lv = r.snapshot;
    o.assume_yes = true;
    o.verbosity = options_.verbosity;
    o.io_engine = options_.io_engine;
    o.queue_depth = options_.queue_depth;
    std::ostringstream out, err;
    Console captured{out, err, false, false, [] { return std::optional<std::string>(); },
                     nullptr, nullptr};
    Report report = RunLvmRevertForm(o, captured, env_);
    log_ << "== " << r.origin.full() << " <- " << r.snapshot.full() << " (" << r.when << ")\n"
         << out.str() << err.str();
    if (!report.status.ok()) log_ << "lvm-revert: " << report.status.message() << "\n";
    log_ << "== exit " << ExitStatusFor(report.status) << "\n" << std::flush;
    return report;
  }

  void MarkDone(const ScheduledRevert& r) {
    std::ofstream(env_.run_dir + "/done", std::ios::app) << Key(r) << "\n";
  }

  // Lets udev finish with the devices an activation made (no udev: no-op).
  static void Settle() { (void)cli::Run({"udevadm", "settle", "--timeout=10"}); }

  void Say(const std::string& line) {
    console_.err << "lvm-revert: " << line << "\n";
    log_ << "lvm-revert: " << line << "\n" << std::flush;
  }

  const Options& options_;
  Console& console_;
  Environment& env_;
  std::ofstream log_;
};

}  // namespace

Report RunBoot(const Options& options, Console& console, Environment& env) {
  return BootRun(options, console, env).Run();
}

}  // namespace lvmrevert::cli
