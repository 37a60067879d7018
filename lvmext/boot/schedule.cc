#include "lvmext/boot/schedule.h"

#include <algorithm>
#include <iterator>

#include "lvmext/cli/tags.h"
#include "lvmext/revert/set_members.h"
#include "lvmext/revert/set_revert.h"
#include "lvmext/lvm/lvm_view.h"
#include "lvmext/lvm/preflight.h"
#include "lvmext/revert/thin_steps.h"

namespace lvmrevert::lvmext {

namespace {

// The name of the set whose tag `lv` carries, if any.
std::string SetOf(const LvRecord& lv) {
  for (const std::string& tag : lv.tags) {
    if (IsSetTag(tag)) return tag.substr(kTagSetPrefix.size());
  }
  return "";
}

}  // namespace

StatusOr<ScheduledList> ListScheduled(LvmTools& lvm) {
  StatusOr<TaggedReport> report =
      lvm.ReportTagged({std::begin(kAllTags), std::end(kAllTags)});
  if (!report.ok()) return report.status();
  StatusOr<LvmView> view = LvmView::Parse(report->json);
  if (!view.ok()) return view.status();
  ScheduledList found;
  found.problems = report->problems;
  for (const LvRecord& lv : view->lvs()) {
    std::string snapshot_name = lv.name;
    if (lv.is_thin_snapshot() && lv.has_tag(kTagThinCopy)) {
      // A thin reset's copy carries the snapshot's tags: before the merge it
      // is a snapshot of the snapshot (listed itself), after it the
      // snapshot to be, whose reset the boot finishes.
      snapshot_name = SnapshotOfThinCopy(lv.name);
      if (view->Find(snapshot_name) != nullptr) continue;
    }
    if (!(lv.is_old_style_snapshot() || lv.is_thin_snapshot()) || lv.origin.empty()) {
      if (lv.has_tag(kTagIncomplete)) {
        found.reverts.push_back({LvRef{lv.vg_name, lv.name}, LvRef{lv.vg_name, ""},
                                 kWhenIncompleteRestore, lv.vg(), ""});
      }
      continue;
    }
    const auto tag = std::find_if(std::begin(kAllTags), std::end(kAllTags),
                                  [&lv](const char* t) { return lv.has_tag(t); });
    if (tag == std::end(kAllTags)) continue;
    found.reverts.push_back({LvRef{lv.vg_name, lv.origin}, LvRef{lv.vg_name, snapshot_name},
                             WhenOfTag(*tag), lv.vg(), SetOf(lv)});
  }
  return found;
}

std::vector<std::string> ScheduleTagsOn(const LvRecord& snapshot) {
  std::vector<std::string> tags;
  for (const char* tag : kScheduleTags) {
    if (snapshot.has_tag(tag)) tags.push_back(tag);
  }
  for (const std::string& tag : snapshot.tags) {
    if (IsSetTag(tag)) tags.push_back(tag);
  }
  return tags;
}

Report RunCancel(const Options& options, Console& console, Environment& env) {
  Report report;
  report.mode = "lvm";
  report.origin = options.origin_lv ? options.origin_lv->full() : "";
  report.snapshot = options.snapshot_lv->full();
  if (env.lvm == nullptr) {
    report.status = Status::Refused("--cancel needs the LVM tools");
    return report;
  }
  StatusOr<std::string> vg = env.lvm->ReportVg(options.snapshot_lv->vg);
  StatusOr<LvmView> view = vg.ok() ? LvmView::Parse(*vg) : StatusOr<LvmView>(vg.status());
  if (!view.ok()) {
    report.status = view.status().WithCode(StatusCode::kRefused);
    return report;
  }
  if (!options.origin_lv) {
    StatusOr<LvRef> origin = IsThinMember(*view, *options.snapshot_lv)
                                 ? ThinOrigin(*view, *options.snapshot_lv)
                                 : InferOrigin(*view, *options.snapshot_lv);
    if (!origin.ok()) {
      report.status = origin.status();
      return report;
    }
    report.origin = origin->full();
  }
  const LvRecord* snap = view->Find(options.snapshot_lv->lv);
  if (options.pair_or_set() && NamesASet(*view, *options.origin_lv, *options.snapshot_lv)) {
    report.status = Status::Refused("two snapshots name a set").WithReason(RefusalReason::kNamesASet);
    return report;
  }
  if (snap == nullptr) {
    report.status = Status::Refused("logical volume " + report.snapshot + " not found");
    return report;
  }
  if (!(snap->is_old_style_snapshot() || snap->is_thin_snapshot()) ||
      (options.origin_lv && snap->origin != options.origin_lv->lv)) {
    report.status = Status::Refused(report.snapshot + " is not a snapshot of " + report.origin);
    return report;
  }
  if (snap->is_thin_snapshot()) {
    // Half-way, the copy carries the snapshot's tags: the rename would undo this.
    const LvRef origin{options.snapshot_lv->vg, snap->origin};
    StatusOr<ThinStep> step = NextThinStep(*view, origin, *options.snapshot_lv);
    if (step.ok() && *step != ThinStep::kCopy) {
      report.status = ResetStoppedHalfWay(origin, *options.snapshot_lv);
      return report;
    }
  }
  if (snap->has_tag(kTagIncomplete)) {
    report.status =
        Status::Refused(report.origin + " is half-reverted to " + report.snapshot + " (tag " +
                        kTagIncomplete + "): a revert that started cannot be cancelled, and every "
                        "boot completes it before the volume is mounted; complete it now: "
                        "lvm-revert " + report.origin + " " + report.snapshot);
    return report;
  }
  const std::vector<std::string> tags = ScheduleTagsOn(*snap);
  report.result = Result::kCancelled;
  if (tags.empty()) {
    if (options.format == OutputFormat::kText && !options.quiet) {
      console.out << "Nothing was scheduled for " << report.snapshot << ".\n";
    }
  } else {
    report.status = env.lvm->ChangeTags(*options.snapshot_lv, {}, tags);
    if (report.status.ok() && options.format == OutputFormat::kText && !options.quiet) {
      console.out << "Cancelled: " << report.origin << " will not be reverted to "
                  << report.snapshot << " at boot.\n";
    }
  }
  return report;
}

Report RunSetCancel(const Options& options, Console& console, Environment& env) {
  Report report;
  report.mode = "lvm";
  if (env.lvm == nullptr) {
    report.status = Status::Refused("--cancel needs the LVM tools");
    return report;
  }
  StatusOr<std::vector<Options>> members = MemberOptions(options, *env.lvm);
  if (!members.ok()) {
    report.status = members.status();
    return report;
  }
  report.result = Result::kCancelled;
  for (const Options& member : *members) {
    report.members.push_back(RunCancel(member, console, env));
    // The first failure is the run's; the other members are still tried,
    // since a cancel only removes tags.
    if (report.status.ok()) report.status = report.members.back().status;
  }
  return report;
}

Report RunListScheduled(const Options& options, Console& console, Environment& env) {
  Report report;
  report.mode = "lvm";
  if (env.lvm == nullptr) {
    report.status = Status::Refused("--list-scheduled needs the LVM tools");
    return report;
  }
  StatusOr<ScheduledList> scheduled = ListScheduled(*env.lvm);
  if (!scheduled.ok()) {
    report.status = scheduled.status().WithCode(StatusCode::kRefused);
    return report;
  }
  for (const std::string& problem : scheduled->problems) {
    report.warnings.push_back("not listed: " + problem);
    console.err << "lvm-revert: WARNING: not listed: " << problem << "\n";
  }
  report.result = Result::kListed;
  report.scheduled_reverts = scheduled->reverts;
  if (options.format == OutputFormat::kJson) return report;
  if (scheduled->reverts.empty()) {
    if (!options.quiet) console.out << "No revert is scheduled for boot.\n";
    return report;
  }
  // A set's members together, under its name.
  std::vector<ScheduledRevert> listed = scheduled->reverts;
  std::stable_sort(listed.begin(), listed.end(),
                   [](const ScheduledRevert& a, const ScheduledRevert& b) { return a.set < b.set; });
  std::string set;
  for (const ScheduledRevert& s : listed) {
    if (!s.set.empty() && s.set != set) console.out << "set " << s.set << ", reverted as one:\n";
    set = s.set;
    console.out << (s.set.empty() ? "" : "  ") << s.origin.full() << " <- "
                << (s.snapshot.lv.empty() ? "a backup file" : s.snapshot.full()) << "  " << s.when
                << (s.when == kWhenRefused ? "  (refused at boot; see /run/lvm-revert/boot.log)" : "")
                << (s.incomplete() ? "  (started and not finished: the next boot completes it or stops)"
                        : "")
                << "\n";
  }
  return report;
}

}  // namespace lvmrevert::lvmext
