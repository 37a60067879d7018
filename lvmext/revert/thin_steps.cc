#include "lvmext/revert/thin_steps.h"

#include "lvmext/cli/tags.h"
#include "lvmext/lvm/preflight.h"

namespace lvmrevert::lvmext {
namespace {

constexpr const char* kCopySuffix = "_lvmrevert";
constexpr size_t kMaxLvNameLength = 127;  // LVM's NAME_LEN - 1

bool IsOurCopy(const LvRecord* lv) { return lv != nullptr && lv->has_tag(kTagThinCopy); }

Status Unexpected(const std::string& what) {
  return Status::Refused(what + "; lvm-revert changes nothing it did not leave so itself")
      .WithReason(RefusalReason::kPairMismatch);
}

}  // namespace

const char* ThinStepName(ThinStep step) {
  switch (step) {
    case ThinStep::kCopy: return "copy";
    case ThinStep::kMerge: return "merge";
    case ThinStep::kRename: return "rename";
    case ThinStep::kUntag: return "untag";
  }
  return "";
}

StatusOr<std::string> ThinCopyName(const std::string& snapshot_name) {
  std::string name = snapshot_name + kCopySuffix;
  if (name.size() > kMaxLvNameLength) {
    return Status::Refused("the name of the copy of " + snapshot_name + " (" + name +
                           ") would be longer than LVM's 127 characters; rename the snapshot "
                           "(lvrename) to a shorter name first");
  }
  return name;
}

StatusOr<ThinStep> NextThinStep(const LvmView& view, const LvRef& origin, const LvRef& snapshot) {
  StatusOr<std::string> copy_name = ThinCopyName(snapshot.lv);
  if (!copy_name.ok()) return copy_name.status();
  const LvRecord* lv = view.Find(origin.lv);
  const LvRecord* snap = view.Find(snapshot.lv);
  const LvRecord* copy = view.Find(*copy_name);
  if (lv == nullptr) return Unexpected("logical volume " + origin.full() + " not found");
  // LVM deferred the merge (the origin was open): it finishes at the
  // origin's next activation, not by us.
  if (lv->volume_type() == 'O') return MergePending(snapshot.full(), origin);
  const LvRef copy_ref{origin.vg, *copy_name};
  if (snap != nullptr && copy == nullptr) {
    if (IsOurCopy(snap)) return ThinStep::kUntag;  // the copy took the name already
    if (snap->origin != origin.lv) {
      return Unexpected(snapshot.full() + " is not a snapshot of " + origin.full());
    }
    return ThinStep::kCopy;
  }
  if (snap != nullptr && copy != nullptr) {
    if (!IsOurCopy(copy) || copy->origin != snapshot.lv) {
      return Unexpected(copy_ref.full() + ", the name of the copy lvm-revert makes of " +
                        snapshot.full() + ", is taken by another LV");
    }
    return ThinStep::kMerge;
  }
  if (copy != nullptr) {
    // The merge took the snapshot; the copy now hangs off the origin.
    if (!IsOurCopy(copy) || copy->origin != origin.lv) {
      return Unexpected(snapshot.full() + " is gone and " + copy_ref.full() +
                        " is not the copy lvm-revert made of it");
    }
    return ThinStep::kRename;
  }
  return Unexpected("logical volume " + snapshot.full() + " not found");
}

}  // namespace lvmrevert::lvmext
