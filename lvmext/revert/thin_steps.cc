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

std::string SnapshotOfThinCopy(const std::string& copy_name) {
  const std::string suffix = kCopySuffix;
  if (copy_name.size() <= suffix.size() ||
      copy_name.compare(copy_name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return copy_name;
  }
  return copy_name.substr(0, copy_name.size() - suffix.size());
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

bool IsThinMember(const LvmView& view, const LvRef& snapshot) {
  const LvRecord* snap = view.Find(snapshot.lv);
  if (snap != nullptr) return snap->is_thin_snapshot();
  StatusOr<std::string> copy_name = ThinCopyName(snapshot.lv);
  const LvRecord* copy = copy_name.ok() ? view.Find(*copy_name) : nullptr;
  return IsOurCopy(copy) && copy->is_thin_snapshot();
}

Status ResetStoppedHalfWay(const LvRef& origin, const LvRef& snapshot) {
  return Status::Refused("a reset of " + origin.full() + " to " + snapshot.full() +
                         " stopped half-way; finish it first: lvm-revert " + origin.full() + " " +
                         snapshot.full());
}

StatusOr<LvRef> ThinOrigin(const LvmView& view, const LvRef& snapshot) {
  const LvRecord* snap = view.Find(snapshot.lv);
  if (snap == nullptr) {
    // The merge took the snapshot; its copy hangs off the origin.
    StatusOr<std::string> copy_name = ThinCopyName(snapshot.lv);
    if (!copy_name.ok()) return copy_name.status();
    snap = view.Find(*copy_name);
    if (!IsOurCopy(snap)) return Unexpected("logical volume " + snapshot.full() + " not found");
  }
  if (!snap->is_thin_snapshot()) {
    return Status::Refused(snapshot.full() + " has no origin (a thin volume that is no "
                           "snapshot, or one LVM unlinked from its origin): give VG/LV VG/SNAP")
        .WithReason(RefusalReason::kPairMismatch);
  }
  return LvRef{snapshot.vg, snap->origin};
}

StatusOr<ThinStep> CheckThinMember(const LvmView& view, const LvRef& origin,
                                   const LvRef& snapshot) {
  StatusOr<ThinStep> step = NextThinStep(view, origin, snapshot);
  if (!step.ok()) return step;
  const LvRecord* lv = view.Find(origin.lv);
  if (!lv->is_thin()) {
    return Unexpected(origin.full() + " is not a thin volume, so " + snapshot.full() +
                      " cannot be its thin snapshot");
  }
  Status s = CheckWritableOrigin(view, *lv, origin);
  if (!s.ok()) return s;
  // lvconvert: "Merging into the old snapshot origin ... is not supported".
  const std::vector<const LvRecord*> old_style = view.SnapshotsOf(origin.lv);
  if (!old_style.empty() && *step <= ThinStep::kMerge) {
    return Status::Refused(origin.full() + " also has an old-style snapshot (" + origin.vg + "/" +
                           old_style.front()->name + "), and LVM merges no thin snapshot into "
                           "an old-style snapshot's origin")
        .WithReason(RefusalReason::kPairMismatch);
  }
  const LvRecord* snap = view.Find(snapshot.lv);
  if (snap != nullptr && (snap->merging || snap->volume_type() == 'S')) {
    return MergePending(snapshot.full(), origin);
  }
  return step;
}

std::vector<LvRef> ThinSiblings(const LvmView& view, const LvRef& origin, const LvRef& snapshot) {
  StatusOr<std::string> copy_name = ThinCopyName(snapshot.lv);
  std::vector<LvRef> siblings;
  for (const LvRecord* r : view.ThinSnapshotsOf(origin.lv)) {
    if (r->name == snapshot.lv || (copy_name.ok() && r->name == *copy_name)) continue;
    siblings.push_back({origin.vg, r->name});
  }
  return siblings;
}

std::vector<std::string> ThinCopyTags(const LvRecord& snapshot_record) {
  std::vector<std::string> tags = {kTagThinCopy};
  for (const std::string& t : snapshot_record.tags) {
    if (t != kTagThinCopy) tags.push_back(t);
  }
  return tags;
}

std::string ThinStepCommand(ThinStep step, const LvRef& snapshot, const LvRecord& snapshot_record,
                            const std::string& also_drop) {
  StatusOr<std::string> copy_name = ThinCopyName(snapshot.lv);
  const std::string copy = copy_name.ok() ? *copy_name : snapshot.lv;
  switch (step) {
    case ThinStep::kCopy: {
      std::string line = "lvcreate -s -n " + copy;
      for (const std::string& t : ThinCopyTags(snapshot_record)) line += " --addtag " + t;
      if (snapshot_record.read_only()) line += " -pr";
      return line + (snapshot_record.activation_skip() ? " -ky " : " -kn ") + snapshot.full();
    }
    case ThinStep::kMerge: return "lvconvert --merge " + snapshot.full();
    case ThinStep::kRename: return "lvrename " + snapshot.vg + " " + copy + " " + snapshot.lv;
    case ThinStep::kUntag:
      return std::string("lvchange --deltag ") + kTagThinCopy +
             (also_drop.empty() ? "" : " --deltag " + also_drop) + " " + snapshot.full();
  }
  return "";
}

}  // namespace lvmrevert::lvmext
