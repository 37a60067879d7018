#include "lvmext/boot/schedule_at_boot.h"

#include <algorithm>

#include "lvmext/boot/schedule.h"
#include "lvmext/cli/plan_output.h"
#include "lvmext/cli/tags.h"
#include "lvmext/revert/lvm_session.h"
#include "lvmext/revert/thin_revert.h"

namespace lvmrevert::lvmext {
namespace {

// What scheduling makes of a mode that reverts now (`Session`): the checks
// that go with the origin in use, and a tag instead of the revert.
template <class Session>
class Scheduling : public Session {
 public:
  using Session::Session;

 protected:
  std::string DryRunLine() const override { return "Dry run: nothing was scheduled."; }

  // A local VG may be this host's today and another's at boot; that the
  // boot checks. A shared one never works there.
  Status CheckSharedVg(const VgIdentity& vg) override { return RefuseSharedVgAtBoot(vg); }

  Status CheckOtherReverts(const LvmView& view) override {
    Status s = LvmSession::CheckOtherReverts(view);
    return s.ok() ? CheckNoOtherSchedule(view, this->member_.origin(), this->member_.snapshot())
                  : s;
  }

  // Tags the snapshot, replacing any other schedule tag; `what` says what the
  // boot will do to the origin ("reverted to VG/SNAP (...)").
  Status TagAndSay(const std::string& what) {
    const Options& options = this->options_;
    const LvRef& origin = this->member_.origin();
    const LvRef& snapshot = this->member_.snapshot();
    const bool every = options.action == Action::kScheduleEveryBoot;
    if (!options.set_member) this->ReleaseForLvm();  // lvchange takes the VG lock itself
    StatusOr<std::string> tag = TagForBoot(
        *this->env_.lvm, options, snapshot, *this->member_.snapshot_record(),
        options.set_member ? this->CallerLocking() : VgLocking::kLvmLocks);  // a set holds it
    if (!tag.ok()) return tag.status();
    this->report_.result = Result::kScheduled;
    this->report_.scheduled = every ? kWhenEveryBoot : kWhenNextBoot;
    this->Say(std::string("Scheduled: at ") + (every ? "every boot" : "the next boot") +
              ", before the root filesystem is mounted, " + origin.full() + " will be " + what +
              ". Tag " + *tag + " on " + snapshot.full() + ".");
    // A set's member is cancelled with its set, which says how.
    if (!options.set_member) {
      this->Say("To cancel: lvm-revert --cancel " + origin.full() + " " + snapshot.full());
    }
    WarnIfImageNotReady(this->env_, this->member_.thin(),
                        [this](const std::string& w) { this->Warn(w); });
    return Status::Ok();
  }
};

class ScheduleAtBoot final : public Scheduling<LvmSession> {
 public:
  using Scheduling::Scheduling;

 private:
  Status Act() override {
    const bool every = options_.action == Action::kScheduleEveryBoot;
    const PlanTotals& t = plan_->totals();
    return TagAndSay(std::string(every ? "reset" : "reverted") + " to " +
                     member_.snapshot().full() + " (" + MiB(t.bytes) + " in " +
                     std::to_string(t.runs) + " runs as of now; the snapshot stays)");
  }
};

// A thin snapshot: the boot resets the origin to it (thin_revert.h).
class ThinScheduleAtBoot final : public Scheduling<ThinSession> {
 public:
  using Scheduling::Scheduling;

 private:
  Status Act() override {
    return TagAndSay("reset to thin snapshot " + member_.snapshot().full() +
                     " (the snapshot stays)");
  }
};

}  // namespace

StatusOr<std::string> TagForBoot(LvmTools& lvm, const Options& options, const LvRef& snapshot,
                                 const LvRecord& record, VgLocking locking) {
  const bool every = options.action == Action::kScheduleEveryBoot;
  const std::string tag = every ? kTagEveryBoot : kTagNextBoot;
  std::vector<std::string> add = {tag};
  if (!options.set_tag.empty()) add.push_back(options.set_tag);
  std::vector<std::string> stale;
  for (const std::string& other : ScheduleTagsOn(record)) {
    if (std::find(add.begin(), add.end(), other) == add.end()) stale.push_back(other);
  }
  Status s = lvm.ChangeTags(snapshot, add, stale, locking);
  if (!s.ok()) return s.WithPrefix("tagging " + snapshot.full());
  return tag;
}

void WarnIfImageNotReady(Environment& env, bool needs_thin,
                         const std::function<void(const std::string&)>& warn) {
  if (env.boot_image == nullptr) return;
  if (const std::optional<std::string> why = env.boot_image->WhyNotReady(needs_thin)) warn(*why);
}

std::unique_ptr<LvmSession> MakeScheduleAtBoot(const Options& options, Console& console,
                                               Environment& env) {
  return std::make_unique<ScheduleAtBoot>(options, console, env);
}

std::unique_ptr<LvmSession> MakeThinScheduleAtBoot(const Options& options, Console& console,
                                                   Environment& env) {
  return std::make_unique<ThinScheduleAtBoot>(options, console, env);
}

Report RunScheduleAtBoot(const Options& options, Console& console, Environment& env) {
  ScheduleAtBoot pair(options, console, env);
  Status s = pair.Start();
  if (s.reason() == RefusalReason::kThinSnapshot) {
    ThinScheduleAtBoot thin(options, console, env);
    pair.HandOverTo(thin);
    return thin.Run();
  }
  if (s.ok()) s = pair.Continue();
  return pair.Finish(s);
}

Status RefuseSharedVgAtBoot(const VgIdentity& vg) {
  return Status::Refused("volume group " + vg.name + " is shared (lock type " + vg.lock_type +
                         "), and the initramfs runs no lvmlockd to hold its locks, so nothing "
                         "in it is reverted at boot; revert while the system runs, with the "
                         "origin active exclusively here (lvchange -aey)")
      .WithReason(RefusalReason::kSharedVgNotHeld);
}

Status CheckVgUsableAtBoot(const VgIdentity& vg, const HostIdentity& host) {
  return vg.shared() ? RefuseSharedVgAtBoot(vg) : CheckVgBelongsHere(vg, host);
}

Status CheckNoOtherSchedule(const LvmView& view, const LvRef& origin, const LvRef& snapshot) {
  std::vector<const LvRecord*> snapshots = view.SnapshotsOf(origin.lv);
  for (const LvRecord* thin : view.ThinSnapshotsOf(origin.lv)) {
    // A thin reset's copy carries the snapshot's tags until it is the snapshot.
    if (!thin->has_tag(kTagThinCopy)) snapshots.push_back(thin);
  }
  for (const LvRecord* snap : snapshots) {
    if (snap->name == snapshot.lv) continue;
    for (const char* tag : kBootTags) {
      if (!snap->has_tag(tag)) continue;
      const LvRef other{origin.vg, snap->name};
      return Status::Refused(origin.full() + " is already scheduled to be reverted to " +
                             other.full() + " at boot (tag " + tag + " on " + other.full() +
                             "); one origin takes one schedule: cancel that first (lvm-revert "
                             "--cancel " + origin.full() + " " + other.full() + ")")
          .WithReason(RefusalReason::kConflictingSchedules);
    }
  }
  return Status::Ok();
}

}  // namespace lvmrevert::lvmext
