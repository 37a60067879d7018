#include "lvmext/revert/incomplete_mark.h"

#include <vector>

#include "lvmext/cli/tags.h"

namespace lvmrevert::lvmext {

Status IncompleteMark::Set() {
  std::vector<std::string> drop;
  if (!consumes_tag_.empty()) drop.push_back(consumes_tag_);
  if (drop.empty() && record_ != nullptr && record_->has_tag(kTagIncomplete)) {
    set_ = true;  // completing a revert that started: marked already
    return Status::Ok();
  }
  Status s = lvm_.ChangeTags(marked_, {kTagIncomplete}, drop, locking_);
  if (!s.ok()) {
    return Status::Refused("cannot record that the revert starts (tag " +
                           std::string(kTagIncomplete) + " on " + marked_.full() + "): " +
                           s.message() + "; nothing was written");
  }
  set_ = true;
  committed_ = true;
  consumed_ = !drop.empty();
  return Status::Ok();
}

Status IncompleteMark::Clear(const std::string& state) {
  if (!set_) return Status::Ok();
  Status s = lvm_.ChangeTags(marked_, {}, {kTagIncomplete}, locking_);
  if (!s.ok()) {
    return Status::Incomplete(
        state + ", but the tag " + kTagIncomplete + " could not be removed from " +
        marked_.full() + " (" + s.message() + "), so every boot would stop to complete the "
        "revert: run the same command again, or once LVM can change the VG: lvchange --deltag " +
        kTagIncomplete + " " + marked_.full());
  }
  set_ = false;
  return Status::Ok();
}

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

}  // namespace lvmrevert::lvmext
