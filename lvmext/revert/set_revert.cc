#include "lvmext/revert/set_revert.h"

#include <algorithm>
#include <map>
#include <set>

#include "lvmext/cli/option_table.h"
#include "lvmext/cli/plan_output.h"
#include "lvmext/cli/tags.h"
#include "lvmext/lvm/lvm_view.h"
#include "lvmext/lvm/vg_lock.h"
#include "lvmext/revert/confirm.h"
#include "lvmext/revert/progress.h"
#include "lvmext/revert/set_members.h"

namespace lvmrevert::lvmext {
namespace {

Status Parsed(const std::string& report, std::vector<LvRecord>& lvs) {
  StatusOr<LvmView> view = LvmView::Parse(report);
  if (!view.ok()) return view.status();
  lvs.insert(lvs.end(), view->lvs().begin(), view->lvs().end());
  return Status::Ok();
}

// A set is all or nothing: a VG that cannot be read may hold a member.
Status Complete(const TaggedReport& report, std::vector<LvRecord>& lvs) {
  if (!report.problems.empty()) {
    return Status::Refused("not every volume group could be read, and a member of the set may "
                           "be in one (" + report.problems.front() + ")");
  }
  return Parsed(report.json, lvs);
}

// The VGs of the snapshots named, in LVM's lock order (a member's origin is
// in its snapshot's VG).
std::vector<std::string> VgsNamed(const SetSpec& set) {
  std::set<std::string> vgs;
  for (const LvRef& ref : set.snapshots) vgs.insert(ref.vg);
  return {vgs.begin(), vgs.end()};
}

// Each VG's report: one lvs for them all, since each LVM command costs its
// start-up and its scan. When that fails (a VG missing or unreadable), each
// VG is read alone, for its own answer: the members in a VG that cannot be
// read are then refused in their own words.
std::map<std::string, StatusOr<std::string>> ReportEachVg(LvmTools& lvm,
                                                          const std::vector<std::string>& vgs) {
  std::map<std::string, StatusOr<std::string>> reports;
  if (vgs.size() > 1) {
    StatusOr<std::string> all = lvm.ReportVgs(vgs);
    StatusOr<std::map<std::string, std::string>> by_vg =
        all.ok() ? ReportsByVg(*all) : StatusOr<std::map<std::string, std::string>>(all.status());
    if (by_vg.ok() && std::all_of(vgs.begin(), vgs.end(), [&by_vg](const std::string& vg) {
          return by_vg->count(vg) != 0;
        })) {
      for (const std::string& vg : vgs) reports.emplace(vg, by_vg->at(vg));
      return reports;
    }
  }
  for (const std::string& vg : vgs) reports.emplace(vg, lvm.ReportVg(vg));
  return reports;
}

// The LVs of every VG the set can reach: the VGs named, or all of them.
StatusOr<std::vector<LvRecord>> ReadLvs(const SetSpec& set, LvmTools& lvm) {
  std::vector<LvRecord> lvs;
  if (set.kind == SetSpec::Kind::kSnapshots) {
    for (const auto& [vg, report] : ReportEachVg(lvm, VgsNamed(set))) {
      // A member in a missing VG is named as missing by ResolveSet.
      if (report.status().code() == StatusCode::kNotFound) continue;
      if (!report.ok()) return report.status();
      Status s = Parsed(*report, lvs);
      if (!s.ok()) return s;
    }
    return lvs;
  }
  StatusOr<TaggedReport> report =
      set.kind == SetSpec::Kind::kTag ? lvm.ReportTagged({set.name}) : lvm.ReportAllVgs();
  if (!report.ok()) return report.status();
  Status s = Complete(*report, lvs);
  if (!s.ok()) return s;
  return lvs;
}

// The members of `options.set` in `lvs`, in their order, each with its own
// options.
StatusOr<std::vector<Options>> MembersOf(const Options& options, const std::vector<LvRecord>& lvs) {
  StatusOr<std::vector<SetMember>> members = ResolveSet(*options.set, lvs);
  if (!members.ok()) return members.status();
  std::vector<Options> result;
  const std::string set_tag = SetTagOf(*options.set, members->front().origin);
  for (const SetMember& m : *members) {
    Options member = options;
    member.set.reset();
    member.origin_lv = m.origin;
    member.snapshot_lv = m.snapshot;
    member.set_member = true;
    member.assume_yes = true;  // the set asks once
    member.set_tag = set_tag;
    result.push_back(std::move(member));
  }
  return result;
}

// --backup and friends name one file or one snapshot for one origin; a dd
// script is one origin's.
Status RefuseOneOriginOptions(const Options& options) {
  const char* option = !options.backup_path.empty()     ? "--backup"
                       : !options.backup_snapshot.empty() ? "--backup-snapshot"
                       : options.remove_snapshot          ? "--remove-snapshot"
                       : options.format == OutputFormat::kDd ? "--format dd"
                                                          : nullptr;
  if (option == nullptr) return Status::Ok();
  std::string message(kOneOriginOnly);
  message.replace(message.find("{option}"), 8, option);
  return Status::InvalidArgument(message).WithReason(RefusalReason::kBadCommandLine);
}

std::string MemberName(const Report& r) { return r.origin + " (" + r.snapshot + ")"; }

// Runs the members of one set; owns their sessions and the VG locks.
class SetRun {
 public:
  SetRun(const Options& options, Console& console, Environment& env)
      : options_(options), console_(console), env_(env) {
    report_.mode = "lvm";
  }

  Report Run(const MemberMakers& make_member) {
    const auto start = std::chrono::steady_clock::now();
    Status s = ResolveAndLock();
    if (s.ok()) s = PrepareAll(make_member);
    if (s.ok()) s = Confirm();
    if (s.ok()) s = ExecuteInOrder();
    FinishAll(s);
    report_.elapsed_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return std::move(report_);
  }

 private:
  bool writes() const {
    return options_.action == Action::kRevert && !options_.dry_run && !options_.compare;
  }

  // The members, and every VG's lock in LVM's order, held until every
  // member is finished. Snapshots named: their VGs are known, so they are
  // locked first and read once, under the lock. A tag or a snapset: every
  // VG is read to find the members, then theirs are locked and read again.
  Status ResolveAndLock() {
    if (env_.dm == nullptr || env_.lvm == nullptr) {
      return Status::Refused("the LVM form needs device-mapper and the LVM tools");
    }
    Status s = RefuseOneOriginOptions(options_);
    if (!s.ok()) return s;
    StatusOr<LvmConfig> config = env_.lvm->ReadConfig();
    if (!config.ok()) return config.status().WithPrefix("reading LVM's configuration");
    config_ = *config;
    StatusOr<std::vector<LvRecord>> lvs = std::vector<LvRecord>{};
    if (options_.set->kind == SetSpec::Kind::kSnapshots) {
      s = LockAndRead(VgsNamed(*options_.set));
      for (const auto& [vg, report] : vg_reports_) {
        // A member in a VG that could not be read is named as missing.
        if (s.ok() && report.ok()) s = Parsed(*report, *lvs);
      }
    } else {
      lvs = ReadLvs(*options_.set, *env_.lvm);
      s = lvs.status();
    }
    if (!s.ok()) return s;
    StatusOr<std::vector<Options>> members = MembersOf(options_, *lvs);
    if (!members.ok()) return members.status();
    members_ = std::move(members).value();
    if (!locks_.empty()) return Status::Ok();
    std::vector<SetMember> found;
    for (const Options& m : members_) found.push_back({*m.origin_lv, *m.snapshot_lv});
    return LockAndRead(LockOrder(found));
  }

  // `vgs`, in LVM's order: all locked, then read under the locks (a VG that
  // cannot be read is left to the members it holds, which say why).
  Status LockAndRead(const std::vector<std::string>& vgs) {
    const LockMode mode = writes() || options_.schedules() ? LockMode::kExclusive : LockMode::kShared;
    for (const std::string& vg : vgs) {
      StatusOr<VgLock> lock = VgLock::Acquire(config_.locking_dir, vg, mode, [this, vg] {
        if (!options_.quiet) {
          console_.err << "lvm-revert: waiting for the lock on volume group " << vg
                       << " (another LVM command holds it)\n";
        }
      });
      if (!lock.ok()) return lock.status();
      locks_.push_back(std::move(lock).value());
    }
    // Under the locks: what every member in each VG reads.
    vg_reports_.merge(ReportEachVg(*env_.lvm, vgs));
    return Status::Ok();
  }

  // Every member checked before any is written; every refusal named.
  Status PrepareAll(const MemberMakers& make_member) {
    std::vector<std::string> refusals;
    for (const Options& member : members_) {
      sessions_.push_back(make_member.old_style(member, console_, env_));
      sessions_.back()->ShareView(config_, vg_reports_.at(member.vg()));
      Status s = sessions_.back()->Start();
      if (s.reason() == RefusalReason::kThinSnapshot) {
        // Found thin before anything was printed or changed: its own kind.
        sessions_.back() = make_member.thin(member, console_, env_);
        sessions_.back()->ShareView(config_, vg_reports_.at(member.vg()));
        s = sessions_.back()->Start();
      }
      statuses_.push_back(s);
      if (!s.ok()) {
        refusals.push_back("member " + MemberName(sessions_.back()->report()) + ": " + s.message());
      }
    }
    if (refusals.empty()) return Status::Ok();
    for (const std::string& line : refusals) console_.err << "lvm-revert: " << line << "\n";
    return Status::Refused(std::to_string(refusals.size()) + " of " +
                           std::to_string(members_.size()) +
                           " members of the set refused; nothing was written to any member");
  }

  PlanTotals Totals() const {
    PlanTotals sum;
    for (const auto& session : sessions_) {
      if (!session->report().totals) continue;
      sum.exceptions += session->report().totals->exceptions;
      sum.runs += session->report().totals->runs;
      sum.bytes += session->report().totals->bytes;
    }
    return sum;
  }

  Status Confirm() {
    const PlanTotals t = Totals();
    report_.totals = t;
    Say("Set: " + std::to_string(members_.size()) + " members, " + std::to_string(t.runs) +
        " runs, " + std::to_string(t.bytes) + " bytes (" + MiB(t.bytes) + ") to write.");
    if (!writes() || options_.assume_yes || t.runs == 0) return Status::Ok();
    std::string pairs;
    for (const Options& m : members_) {
      pairs += (pairs.empty() ? "" : ", ") + m.origin_lv->full() + " to " + m.snapshot_lv->full();
    }
    return lvmext::Confirm(console_, "Really revert " + std::to_string(members_.size()) +
                                         " volumes to their snapshots (" + pairs + "; " +
                                         MiB(t.bytes) + " in " + std::to_string(t.runs) +
                                         " runs)?");
  }

  Status ExecuteInOrder() {
    std::optional<ProgressMeter> meter;
    if (writes() && !options_.quiet && (console_.stderr_is_terminal || options_.progress)) {
      meter.emplace(console_.err, Totals().bytes, console_.stderr_is_terminal,
                    console_.err_columns);
    }
    uint64_t done_bytes = 0;
    for (size_t i = 0; i < sessions_.size(); ++i) {
      if (meter) {
        meter->StartPart("member " + std::to_string(i + 1) + "/" + std::to_string(sessions_.size()),
                         done_bytes);
        sessions_[i]->ShareProgress(&*meter);
      }
      Status s = sessions_[i]->Continue();
      reports_.push_back(sessions_[i]->Finish(s));
      done_bytes += reports_.back().bytes_written;
      if (!s.ok()) {
        if (meter) meter->Finish(done_bytes);
        return Failed(i, s);
      }
    }
    if (meter) meter->Finish(done_bytes);
    if (options_.dry_run || options_.format == OutputFormat::kDd) {
      Say(sessions_.front()->DryRunLine());
    } else if (options_.schedules()) {
      Say("To cancel: lvm-revert --cancel " + SetWords(*options_.set));
    } else if (writes()) {
      Say("Reverted the set: " + std::to_string(sessions_.size()) + " members, wrote " +
          std::to_string(done_bytes) + " bytes (" + MiB(done_bytes) + ").");
    }
    return Status::Ok();
  }

  Status Failed(size_t i, const Status& s) {
    const bool written = std::any_of(reports_.begin(), reports_.end(),
                                     [](const Report& r) { return r.device_written; });
    const std::string message =
        "member " + std::to_string(i + 1) + " of " + std::to_string(sessions_.size()) + ", " +
        MemberName(reports_[i]) +
        (reports_[i].device_written ? ", failed while writing: " : ", failed: ") + s.message() +
        "; done: " + Origins(0, i) + "; not started: " + Origins(i + 1, members_.size());
    return written ? Status::Incomplete(message)
                   : Status::Refused(message).WithCode(s.code()).WithReason(s.reason());
  }

  // Every session finished, whatever happened: each resumes what it
  // suspended and clears a mark that no copy followed.
  void FinishAll(const Status& status) {
    for (size_t i = reports_.size(); i < sessions_.size(); ++i) {
      const bool prepared = i < statuses_.size() && statuses_[i].ok();
      Report r = sessions_[i]->Finish(prepared ? Status::Ok() : statuses_[i]);
      // Prepared but stopped before it: the set's status says why.
      if (prepared && !status.ok()) r.started = false;
      reports_.push_back(std::move(r));
    }
    locks_.clear();
    report_.status = status;
    for (const Report& r : reports_) {
      report_.bytes_written += r.bytes_written;
      report_.device_written = report_.device_written || r.device_written;
      report_.warnings.insert(report_.warnings.end(), r.warnings.begin(), r.warnings.end());
      if (r.started && r.status.ok()) report_.result = r.result;
      if (r.compare) AddCompare(*r.compare);
      if (r.scheduled.size() > 0) report_.scheduled = r.scheduled;
    }
    report_.members = std::move(reports_);
  }

  // The origins of members [from, to), or "none".
  std::string Origins(size_t from, size_t to) const {
    std::string list;
    for (size_t i = from; i < to; ++i) {
      list += (list.empty() ? "" : ", ") + members_[i].origin_lv->full();
    }
    return list.empty() ? "none" : list;
  }

  void AddCompare(const CompareResult& c) {
    if (!report_.compare) report_.compare = CompareResult{};
    CompareResult& sum = *report_.compare;
    sum.chunks += c.chunks;
    sum.bytes += c.bytes;
    sum.differing_chunks += c.differing_chunks;
    sum.differing_bytes += c.differing_bytes;
  }

  void Say(const std::string& line) {
    if (options_.format == OutputFormat::kText && !options_.quiet) console_.out << line << "\n";
  }

  const Options& options_;
  Console& console_;
  Environment& env_;
  Report report_;
  std::vector<Options> members_;
  std::vector<VgLock> locks_;
  LvmConfig config_;
  std::map<std::string, StatusOr<std::string>> vg_reports_;  // VG -> lvs, under its lock
  std::vector<std::unique_ptr<LvmSession>> sessions_;
  std::vector<Status> statuses_;  // each session's Start
  std::vector<Report> reports_;   // of the sessions finished so far
};

}  // namespace

std::string SetWords(const SetSpec& set) {
  if (set.kind == SetSpec::Kind::kTag) return "@" + set.name;
  if (set.kind == SetSpec::Kind::kSnapset) return "--snapset " + set.name;
  std::string words;
  for (const LvRef& ref : set.snapshots) words += (words.empty() ? "" : " ") + ref.full();
  return words;
}

std::string SetTagOf(const SetSpec& set, const LvRef& first_origin) {
  const std::string name = set.kind == SetSpec::Kind::kSnapshots
                               ? first_origin.vg + "/" + first_origin.lv
                               : set.name;
  return std::string(kTagSetPrefix) + name;
}

StatusOr<std::vector<Options>> MemberOptions(const Options& options, LvmTools& lvm) {
  Status s = RefuseOneOriginOptions(options);
  if (!s.ok()) return s;
  StatusOr<std::vector<LvRecord>> lvs = ReadLvs(*options.set, lvm);
  if (!lvs.ok()) return lvs.status();
  return MembersOf(options, *lvs);
}

Report RunSet(const Options& options, Console& console, Environment& env,
              const MemberMakers& make_member) {
  return SetRun(options, console, env).Run(make_member);
}

}  // namespace lvmrevert::lvmext
