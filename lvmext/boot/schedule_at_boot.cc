#include "lvmext/boot/schedule_at_boot.h"

#include "lvmext/cli/plan_output.h"
#include "lvmext/cli/tags.h"
#include "lvmext/revert/lvm_session.h"

namespace lvmrevert::lvmext {
namespace {

class ScheduleAtBoot final : public LvmSession {
 public:
  using LvmSession::LvmSession;

 private:
  std::string DryRunLine() const override { return "Dry run: nothing was scheduled."; }

  // A local VG may be this host's today and another's at boot; that the
  // boot checks. A shared one never works there.
  Status CheckSharedVg(const VgIdentity& vg) override { return RefuseSharedVgAtBoot(vg); }

  Status CheckOtherReverts(const LvmView& view) override {
    Status s = LvmSession::CheckOtherReverts(view);
    return s.ok() ? CheckNoOtherSchedule(view, member_.origin(), member_.snapshot()) : s;
  }

  // Tags the snapshot, replacing any other schedule tag.
  Status Act() override {
    const LvRef& origin = member_.origin();
    const LvRef& snapshot = member_.snapshot();
    const bool every = options_.action == Action::kScheduleEveryBoot;
    const std::string tag = every ? kTagEveryBoot : kTagNextBoot;
    std::vector<std::string> stale;
    for (const char* other : kScheduleTags) {
      if (other != tag && member_.snapshot_record()->has_tag(other)) stale.push_back(other);
    }
    ReleaseForLvm();  // lvchange takes the VG lock itself
    Status s = env_.lvm->ChangeTags(snapshot, {tag}, stale);
    if (!s.ok()) return s.WithPrefix("tagging " + snapshot.full());
    report_.result = Result::kScheduled;
    report_.scheduled = every ? kWhenEveryBoot : kWhenNextBoot;
    const PlanTotals& t = plan_->totals();
    Say(std::string("Scheduled: at ") + (every ? "every boot" : "the next boot") +
        ", before the root filesystem is mounted, " + origin.full() + " will be " +
        (every ? "reset" : "reverted") + " to " + snapshot.full() + " (" + MiB(t.bytes) +
        " in " + std::to_string(t.runs) + " runs as of now; the snapshot stays). Tag " + tag +
        " on " + snapshot.full() + ".");
    Say("To cancel: lvm-revert --cancel " + origin.full() + " " + snapshot.full());
    if (env_.boot_image != nullptr) {
      if (const std::optional<std::string> why = env_.boot_image->WhyNotReady()) Warn(*why);
    }
    return Status::Ok();
  }
};

}  // namespace

Report RunScheduleAtBoot(const Options& options, Console& console, Environment& env) {
  return ScheduleAtBoot(options, console, env).Run();
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
  for (const LvRecord* snap : view.SnapshotsOf(origin.lv)) {
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
