#include "lvmext/boot/boot_run.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "lvmext/boot/cmdline.h"
#include "lvmext/cli/tags.h"
#include "lvmext/cli/exit_status.h"
#include "lvmext/cli/outcome.h"
#include "lvmext/revert/lvm_revert.h"
#include "lvmext/revert/set_revert.h"
#include "lvmext/revert/thin_revert.h"
#include "lvmext/cli/plan_output.h"
#include "lvmext/system/process.h"
#include "lvmext/boot/schedule.h"
#include "lvmext/boot/schedule_at_boot.h"

namespace lvmrevert::lvmext {
namespace {

std::string Key(const ScheduledRevert& r) { return r.origin.full() + " " + r.snapshot.full(); }


std::set<std::string> ReadDone(const std::string& path) {
  std::set<std::string> done;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) done.insert(line);
  return done;
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

class BootRun {
 public:
  BootRun(const Options& options, Console& console, Environment& env)
      : options_(options), console_(console), env_(env) {}

  Report Run() {
    Report report;
    report.mode = "boot";
    report.result = Result::kReverted;
    ::mkdir(env_.run_dir.c_str(), 0755);
    log_.open(env_.run_dir + "/boot.log", std::ios::app);
    const BootCommandLine cmdline = ReadBootCommandLine(env_.kernel_cmdline_path);
    if (env_.lvm == nullptr || env_.dm == nullptr) {
      report.status = Status::Refused("--boot needs device-mapper and the LVM tools");
      return report;
    }
    done_ = ReadDone(env_.run_dir + "/done");
    // This host's LVM system ID: another host's VG is left alone.
    if (StatusOr<LvmConfig> config = env_.lvm->ReadConfig(); config.ok()) host_ = config->host;
    std::vector<ScheduledRevert> tagged;
    StatusOr<ScheduledList> listed = ListScheduled(*env_.lvm);
    if (listed.ok()) {
      tagged = listed->reverts;
      for (const std::string& problem : listed->problems) {
        Say("could not read every volume group, so none of its reverts runs: " + problem);
      }
      // (A VG LVM cannot read, it cannot activate either: nothing of it is
      // mounted, half-reverted or not.)
    } else {
      Say("listing the reverts scheduled for boot: " + listed.status().message() +
          "; only those on the kernel command line run");
      ++refused_;
    }

    // A revert that started must be finished before its origin is mounted,
    // whatever the kernel command line says.
    for (const ScheduledRevert& r : tagged) {
      if (r.incomplete()) CompleteIncomplete(r);
    }
    if (cmdline.state == BootCommandLine::State::kOff) {
      Say("lvmrevert=" + cmdline.switch_value + " on the kernel command line: no scheduled revert "
          "runs at this boot");
    } else if (cmdline.state == BootCommandLine::State::kInvalid) {
      Say(cmdline.why_invalid + "; no scheduled revert runs at this boot");
      ++refused_;
    } else {
      RunScheduled(tagged, cmdline.pairs, CommandLineSets(cmdline.set_tags));
    }
    if (stop_ > 0) {
      report.status = Status::Incomplete(
          std::to_string(stop_) + " volume" + (stop_ == 1 ? " is" : "s are") +
          " half-reverted and must not be mounted");
    } else if (refused_ > 0) {
      report.status = Status::Refused(
          "not every revert asked for ran; the boot goes on with those volumes unchanged");
    }
    return report;
  }

 private:
  // A revert marked as started (kTagIncomplete): completed now, or the boot stops.
  void CompleteIncomplete(const ScheduledRevert& r) {
    // This host cannot activate another host's VG, nor mount what is in it.
    if (Status owned = CheckVgUsableAtBoot(r.vg, host_); !owned.ok()) {
      Say("left " + r.origin.full() + " alone, half-reverted as it is: " + owned.message());
      return;
    }
    if (r.when == kWhenIncompleteRestore) {
      Say(r.origin.full() + " is half-restored: a --restore from a backup file did not finish "
          "(tag " + kTagIncomplete + " on " + r.origin.full() + "), and it must not be mounted. "
          "Run it again: lvm-revert --restore FILE " + r.origin.full() +
          " (with the same backup file); to use the volume as it is: lvchange --deltag " +
          kTagIncomplete + " " + r.origin.full());
      ++stop_;
      return;
    }
    if (done_.count(Key(r)) != 0) return;
    Say("completing the revert of " + r.origin.full() + " to " + r.snapshot.full() +
        ", which started and did not finish (tag " + kTagIncomplete + ")");
    const int code = RevertOne(r);
    if (code == kExitRefused) {
      Say(r.origin.full() + " is half-reverted and must not be mounted. Once the cause is "
          "fixed, run: lvm-revert -y " + r.origin.full() + " " + r.snapshot.full() +
          " (to use the volume as it is: lvchange --deltag " + kTagIncomplete + " " +
          r.snapshot.full() + ")");
      ++stop_;
    }
  }

  // lvmrevert=@TAG: the snapshots tagged TAG, each tag's one set.
  std::vector<ScheduledRevert> CommandLineSets(const std::vector<std::string>& set_tags) {
    std::vector<ScheduledRevert> members;
    for (const std::string& tag : set_tags) {
      StatusOr<TaggedReport> report = env_.lvm->ReportTagged({tag});
      StatusOr<LvmView> view =
          report.ok() ? LvmView::Parse(report->json) : StatusOr<LvmView>(report.status());
      if (view.ok() && report->problems.empty()) {
        const size_t before = members.size();
        for (const LvRecord& lv : view->lvs()) {
          if (!lv.has_tag(tag)) continue;
          members.push_back({LvRef{lv.vg_name, lv.origin}, LvRef{lv.vg_name, lv.name},
                             kWhenCommandLine, lv.vg(), "@" + tag});
        }
        if (members.size() > before) continue;
      }
      Say("lvmrevert=@" + tag + " on the kernel command line: " +
          (!view.ok()                  ? view.status().message()
           : !report->problems.empty() ? "not every volume group could be read (" +
                                             report->problems.front() + "), and a member may "
                                             "be in one"
                                       : "no LV carries the tag " + tag) +
          "; nothing of it runs");
      ++refused_;
    }
    return members;
  }

  void RunScheduled(const std::vector<ScheduledRevert>& tagged,
                    const std::vector<ScheduledRevert>& from_cmdline,
                    const std::vector<ScheduledRevert>& cmdline_sets) {
    std::vector<ScheduledRevert> todo;
    for (const ScheduledRevert& r : tagged) {
      if (r.scheduled_by_tag()) todo.push_back(r);
    }
    todo.insert(todo.end(), cmdline_sets.begin(), cmdline_sets.end());
    for (const ScheduledRevert& r : from_cmdline) {
      const bool also_tagged = std::any_of(todo.begin(), todo.end(), [&](const ScheduledRevert& t) {
        return Key(t) == Key(r);
      });
      if (!also_tagged) todo.push_back(r);
    }
    // One origin, one revert: with two sources asked for, which wins would
    // depend on the order; neither runs.
    std::map<std::string, std::set<std::string>> sources;
    for (const ScheduledRevert& r : tagged) {
      if (r.incomplete()) sources[r.origin.full()].insert(r.snapshot.full());
    }
    for (const ScheduledRevert& r : todo) sources[r.origin.full()].insert(r.snapshot.full());
    const auto conflict = [&sources](const ScheduledRevert& r) -> Status {
      const std::set<std::string>& wanted = sources[r.origin.full()];
      if (wanted.size() <= 1) return Status::Ok();
      std::string names;
      for (const std::string& n : wanted) names += (names.empty() ? "" : ", ") + n;
      return Status::Refused("more than one revert of " + r.origin.full() +
                             " is asked for at this boot (" + names +
                             "): one origin takes one schedule, so neither runs; cancel "
                             "all but one (lvm-revert --cancel)")
          .WithReason(RefusalReason::kConflictingSchedules);
    };
    // A set's members are one unit, run where its first member comes.
    std::map<std::string, std::vector<ScheduledRevert>> sets;
    for (const ScheduledRevert& r : todo) {
      if (!r.set.empty() && done_.count(Key(r)) == 0) sets[r.set + " " + r.when].push_back(r);
    }
    std::set<std::string> sets_run;
    for (const ScheduledRevert& r : todo) {
      if (done_.count(Key(r)) != 0) continue;
      if (!r.set.empty()) {
        if (!sets_run.insert(r.set + " " + r.when).second) continue;
        std::vector<ScheduledRevert>& members = sets[r.set + " " + r.when];
        std::vector<Status> conflicts;
        for (const ScheduledRevert& m : members) conflicts.push_back(conflict(m));
        RevertSet(members, conflicts);
        continue;
      }
      if (Status s = conflict(r); !s.ok()) {
        Refuse(r, s);
        continue;
      }
      RevertOne(r);
    }
  }

  // A set as one (set_revert.h): every origin the initramfs left inactive
  // is activated, then all are checked before any is written. A refusal of
  // one member refuses them all; a failure while writing stops the boot, as
  // for one volume.
  void RevertSet(const std::vector<ScheduledRevert>& members, std::vector<Status> checks) {
    std::vector<ActivationState> activation(members.size());
    bool refused = false;
    for (size_t i = 0; i < members.size(); ++i) {
      if (checks[i].ok()) checks[i] = CheckVgUsableAtBoot(members[i].vg, host_);
      refused = refused || !checks[i].ok();
    }
    for (size_t i = 0; i < members.size() && !refused; ++i) {
      checks[i] = EnsureActive(members[i].origin, &activation[i]);
      refused = !checks[i].ok();
    }
    if (!refused) {
      Report result = RevertSetCaptured(members);
      if (OnlyBrieflyOpen(result)) {  // as for one volume (RevertOne)
        Settle();
        ::sleep(1);
        result = RevertSetCaptured(members);
      }
      const int code = ExitStatusFor(result.status);
      if (code == kExitFailedWriting) {
        Say("FAILED while reverting the set " + members.front().set + ": " +
            result.status.message());
        Say("its volumes are partly reverted and must not be mounted. Once the cause is fixed, "
            "run: lvm-revert -y" + Snapshots(members));
        ++stop_;
        return;
      }
      if (code == kExitDone) {
        for (const Report& m : result.members) {
          Say("reverted " + m.origin + " to " + m.snapshot + ": wrote " + MiB(m.bytes_written) +
              " in " + std::to_string(m.totals ? m.totals->runs : 0) + " runs");
        }
        for (const ScheduledRevert& m : members) MarkDone(m);
      } else {
        checks = MemberStatuses(members, result);
        refused = true;
      }
    }
    if (refused) RefuseSet(members, checks);
    for (size_t i = 0; i < members.size(); ++i) RestoreActivation(members[i].origin, activation[i]);
  }

  static std::string Snapshots(const std::vector<ScheduledRevert>& members) {
    std::string list;
    for (const ScheduledRevert& m : members) list += " " + m.snapshot.full();
    return list;
  }

  static bool OnlyBrieflyOpen(const Report& result) {
    if (result.status.code() != StatusCode::kRefused || result.members.empty()) return false;
    bool open = false;
    for (const Report& m : result.members) {
      if (m.status.ok()) continue;
      if (m.status.reason() != RefusalReason::kDeviceOpen) return false;
      open = true;
    }
    return open;
  }

  // Each member's own refusal; the set's when no member has one of its own.
  static std::vector<Status> MemberStatuses(const std::vector<ScheduledRevert>& members,
                                            const Report& result) {
    std::vector<Status> statuses(members.size());
    bool any = false;
    for (size_t i = 0; i < members.size(); ++i) {
      for (const Report& m : result.members) {
        if (m.snapshot != members[i].snapshot.full() || m.status.ok() || !m.started) continue;
        statuses[i] = m.status;
        any = true;
      }
    }
    if (!any) std::fill(statuses.begin(), statuses.end(), result.status);
    return statuses;
  }

  // Every member refused together: each with its own reason, or its set's.
  // One lasting refusal makes every member lvm_revert_refused.
  void RefuseSet(const std::vector<ScheduledRevert>& members, const std::vector<Status>& checks) {
    std::string guilty;
    RefusalReason reason = RefusalReason::kUnspecified;
    for (size_t i = 0; i < members.size(); ++i) {
      if (checks[i].ok()) continue;
      guilty += (guilty.empty() ? "" : ", ") + members[i].origin.full();
      if (IsLastingRefusal(checks[i].reason()) || !IsLastingRefusal(reason)) {
        reason = checks[i].reason();
      }
    }
    for (size_t i = 0; i < members.size(); ++i) {
      const Status why =
          checks[i].ok()
              ? Status::Refused("another member of the set was refused (" + guilty +
                                "), and a set is reverted all or nothing")
              : checks[i];
      Refuse(members[i], why.WithReason(reason));
    }
  }

  // Reverts one pair, activating its origin when nobody has; returns the
  // revert's exit code. A failure leaves the origin active, so the command
  // printed can run at once.
  int RevertOne(const ScheduledRevert& r) {
    const std::string what = r.origin.full() + " to " + r.snapshot.full();
    ActivationState activation;
    Status s = CheckVgUsableAtBoot(r.vg, host_);
    if (s.ok()) s = EnsureActive(r.origin, &activation);
    if (!s.ok()) {
      Refused(r, s);
      return kExitRefused;
    }
    Report result = RevertCaptured(r);
    // udev's blkid probe opens a device briefly after each change event; a
    // revert that met it sees an open count. Once more, after udev is done.
    // (A mount, a swap or a holder does not go away by waiting.)
    if (result.status.code() == StatusCode::kRefused &&
        result.status.reason() == RefusalReason::kDeviceOpen) {
      Settle();
      ::sleep(1);
      result = RevertCaptured(r);
    }
    const int code = ExitStatusFor(result.status);
    if (code == kExitDone && result.kind == kKindThin) {
      Say("reset " + r.origin.full() + " to thin snapshot " + r.snapshot.full());
      MarkDone(r);
    } else if (code == kExitDone) {
      Say("reverted " + what + ": wrote " + MiB(result.bytes_written) + " in " +
          std::to_string(result.totals ? result.totals->runs : 0) + " runs");
      MarkDone(r);
    } else if (code == kExitRefused) {
      Refused(r, result.status);
    } else {
      Say("FAILED while reverting " + what + ": " + result.status.message());
      Say(r.origin.full() + " is partly reverted and must not be mounted. Once the cause is "
          "fixed, run: lvm-revert -y " + r.origin.full() + " " + r.snapshot.full());
      ++stop_;
      return code;
    }
    RestoreActivation(r.origin, activation);
    return code;
  }

  // How an origin was found: whether we activated it, and whether LVM's
  // event autoactivation had already run for its VG.
  struct ActivationState {
    bool activated_by_us = false;
    bool vg_online_before = false;
  };

  std::string VgOnlineFile(const std::string& vg) const {
    return env_.lvm_run_dir + "/vgs_online/" + vg;
  }

  // An origin the initramfs left inactive (a /home LV, say) is activated
  // for the revert, with its snapshots. First udev may still be activating
  // its VG (initramfs-tools: pvscan, then vgchange -aay, from udev rules):
  // let it finish, or we would race it.
  Status EnsureActive(const LvRef& origin, ActivationState* state) {
    StatusOr<DmInfo> info = env_.dm->Info(DmName(origin));
    if (!info.ok() || info->exists) return Status::Ok();
    Settle();
    info = env_.dm->Info(DmName(origin));
    if (info.ok() && info->exists) return Status::Ok();  // udev's activation got there
    state->vg_online_before = Exists(VgOnlineFile(origin.vg));
    Status s = env_.lvm->SetActive(origin, true);
    if (!s.ok()) return s.WithPrefix("cannot activate " + origin.full());
    state->activated_by_us = true;
    Settle();
    return Status::Ok();
  }

  // Deactivates what only we activated. When LVM's autoactivation of the VG
  // ran while we worked (its online file appeared), it meant the VG to be
  // active, and deactivating it now would leave it down for good: the
  // booted system sees the VG online and does not activate it again.
  void RestoreActivation(const LvRef& origin, const ActivationState& state) {
    if (!state.activated_by_us) return;
    if (!state.vg_online_before && Exists(VgOnlineFile(origin.vg))) {
      Say("left " + origin.full() + " active: LVM's autoactivation of " + origin.vg +
          " ran meanwhile");
      return;
    }
    Status s = env_.lvm->SetActive(origin, false);
    if (!s.ok()) Say("could not deactivate " + origin.full() + " again: " + s.message());
  }

  // A revert that did not run. Completing one that started is retried when
  // --boot runs again after the shell (CompleteIncomplete stops the boot).
  void Refused(const ScheduledRevert& r, const Status& why) {
    if (r.incomplete()) {
      Say("refused to complete the revert of " + r.origin.full() + " to " + r.snapshot.full() +
          ": " + why.message());
    } else {
      Refuse(r, why);
    }
  }

  // A refusal leaves the volume unchanged and the boot goes on. Only a
  // refusal that will hold at every boot (the snapshot invalid or merging,
  // the pair wrong, a sibling that would overflow, two schedules) turns the
  // schedule into lvm_revert_refused; one that may pass keeps it.
  void Refuse(const ScheduledRevert& r, const Status& why) {
    Say("refused to revert " + r.origin.full() + " to " + r.snapshot.full() + ": " +
        why.message());
    std::string next = r.origin.full() + " is unchanged and the boot goes on";
    if (r.scheduled_by_tag()) {
      if (!IsLastingRefusal(why.reason())) {
        next += "; this may pass, so " + r.snapshot.full() + " stays scheduled (" + r.when +
                ") and the next boot tries again";
      } else {
        Status s = env_.lvm->ChangeTags(r.snapshot, {kTagRefused}, {std::begin(kBootTags), std::end(kBootTags)});
        next += s.ok() ? "; " + r.snapshot.full() + " is now tagged " + kTagRefused +
                             " (lvm-revert --list-scheduled; schedule it again once fixed)"
                       : "; tagging " + r.snapshot.full() + " " + kTagRefused + " failed (" +
                             s.message() + "), so it stays scheduled";
      }
    }
    Say(next);
    MarkDone(r);
    ++refused_;
  }

  // The LVM form, its output going to the log.
  Report RevertCaptured(const ScheduledRevert& r) {
    Options o = RevertOptions(r.when);
    o.origin_lv = r.origin;
    o.snapshot_lv = r.snapshot;
    return Captured(r.origin.full() + " <- " + r.snapshot.full() + " (" + r.when + ")",
                    [&](Console& console) { return RunLvmRevertForm(o, console, env_); });
  }

  // RunSet (set_revert.h) with -y, its output going to the log.
  Report RevertSetCaptured(const std::vector<ScheduledRevert>& members) {
    Options o = RevertOptions(members.front().when);
    o.set = SetSpec{};
    for (const ScheduledRevert& m : members) o.set->snapshots.push_back(m.snapshot);
    return Captured("set " + members.front().set + ":" + Snapshots(members) + " (" +
                        members.front().when + ")",
                    [&](Console& console) { return RunSet(o, console, env_, {MakeLvmRevert, MakeThinRevert});
                    });
  }

  // A revert at boot: -y, this run's -v and engine, and the schedule tag a
  // next-boot revert consumes as it starts (see Options::consumes_tag).
  Options RevertOptions(const std::string& when) const {
    Options o;
    o.assume_yes = true;
    o.verbosity = options_.verbosity;
    o.io_engine = options_.io_engine;
    o.queue_depth = options_.queue_depth;
    if (when == kWhenNextBoot) o.consumes_tag = kTagNextBoot;
    return o;
  }

  // `run`'s output goes to the log, under `heading`, with its exit status.
  Report Captured(const std::string& heading, const std::function<Report(Console&)>& run) {
    std::ostringstream out, err;
    Console captured{out, err, false, false, [] { return std::optional<std::string>(); },
                     nullptr, nullptr};
    Report report = run(captured);
    log_ << "== " << heading << "\n" << out.str() << err.str();
    if (!report.status.ok()) log_ << "lvm-revert: " << report.status.message() << "\n";
    log_ << "== exit " << ExitStatusFor(report.status) << "\n" << std::flush;
    return report;
  }

  void MarkDone(const ScheduledRevert& r) {
    done_.insert(Key(r));
    std::ofstream(env_.run_dir + "/done", std::ios::app) << Key(r) << "\n";
  }

  // Lets udev finish with the devices an activation made (no udev: no-op).
  static void Settle() { (void)lvmext::Run({"udevadm", "settle", "--timeout=10"}); }

  void Say(const std::string& line) {
    console_.err << "lvm-revert: " << line << "\n";
    log_ << "lvm-revert: " << line << "\n" << std::flush;
  }

  const Options& options_;
  Console& console_;
  Environment& env_;
  std::ofstream log_;
  HostIdentity host_;  // this host's LVM system ID, from lvm systemid
  std::set<std::string> done_;  // pairs done or refused earlier in this boot
  int refused_ = 0;  // reverts that did not run; the volumes are unchanged
  int stop_ = 0;     // volumes that may be half-reverted
};

}  // namespace

Report RunBoot(const Options& options, Console& console, Environment& env) {
  return BootRun(options, console, env).Run();
}

}  // namespace lvmrevert::lvmext
