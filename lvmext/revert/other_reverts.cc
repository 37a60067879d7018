#include "lvmext/revert/other_reverts.h"

#include "lvmext/cli/tags.h"

namespace lvmrevert::lvmext {

Status CheckNoOtherIncomplete(const LvmView& view, const LvRef& origin, const LvRef& marked) {
  const LvRecord* origin_lv = view.Find(origin.lv);
  if (origin_lv != nullptr && origin_lv->has_tag(kTagIncomplete) && marked.lv != origin.lv) {
    return Status::Refused("an earlier --restore onto " + origin.full() +
                           " did not finish (tag " + kTagIncomplete + " on " + origin.full() +
                           "): complete it first (lvm-revert --restore FILE " + origin.full() + ")")
        .WithReason(RefusalReason::kOtherRevertIncomplete);
  }
  for (const LvRecord* snap : view.SnapshotsOf(origin.lv)) {
    if (snap->name == marked.lv || !snap->has_tag(kTagIncomplete)) continue;
    const LvRef other{origin.vg, snap->name};
    return Status::Refused(origin.full() + " is half-reverted to " + other.full() +
                           " (tag " + kTagIncomplete + " on " + other.full() +
                           "): complete that revert first (lvm-revert " + origin.full() + " " +
                           other.full() + ")")
        .WithReason(RefusalReason::kOtherRevertIncomplete);
  }
  return Status::Ok();
}

Status CheckNoOtherSchedule(const LvmView& view, const LvRef& origin, const LvRef& snapshot) {
  for (const LvRecord* snap : view.SnapshotsOf(origin.lv)) {
    if (snap->name == snapshot.lv) continue;
    for (const char* tag : {kTagNextBoot, kTagEveryBoot}) {
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
