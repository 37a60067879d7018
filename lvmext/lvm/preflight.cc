#include "lvmext/lvm/preflight.h"

#include "safety/device_checks.h"

namespace lvmrevert::lvmext {
namespace {

// lv_attr[1] and [8], as lvs prints them.
char Permissions(const LvRecord& lv) { return lv.attr.size() > 1 ? lv.attr[1] : '-'; }
char Health(const LvRecord& lv) { return lv.attr.size() > 8 ? lv.attr[8] : '-'; }

StatusOr<const LvRecord*> Find(const LvmView& view, const LvRef& ref) {
  const LvRecord* lv = view.Find(ref.lv);
  if (lv == nullptr) {
    return Status::Refused("logical volume " + ref.full() + " not found")
        .WithReason(RefusalReason::kPairMismatch);
  }
  return lv;
}

}  // namespace

Status MergePending(const std::string& what, const LvRef& origin) {
  return Status::Refused("a merge of " + what + " into " + origin.full() +
                         " is pending or running (lvconvert --merge): LVM completes it itself; "
                         "lvm-revert leaves a merging volume alone")
      .WithReason(RefusalReason::kMergePending);
}

Status CheckWritableOrigin(const LvmView& view, const LvRecord& origin, const LvRef& ref) {
  if (Permissions(origin) == 'r' || Permissions(origin) == 'R') {
    return Status::Refused(ref.full() + " is read-only in LVM (lv_attr " + origin.attr +
                           "): make it writable first (lvchange --permission rw " + ref.full() +
                           ")");
  }
  if (Health(origin) == 'p') {
    return Status::Refused(ref.full() + " is partial (lv_attr " + origin.attr +
                           "): a physical volume it lives on is missing");
  }
  // A merge of any snapshot into this origin ('S' on the snapshot, 'O' on
  // the origin) rewrites the origin on the next activation.
  if (origin.volume_type() == 'O' || origin.merging) {
    std::string merging = "a snapshot";
    for (const LvRecord* s : view.SnapshotsOf(origin.name)) {
      if (s->merging || s->volume_type() == 'S') merging = ref.vg + "/" + s->name;
    }
    return MergePending(merging, ref);
  }
  return Status::Ok();
}

StatusOr<LvRef> InferOrigin(const LvmView& view, const LvRef& snapshot) {
  StatusOr<const LvRecord*> snap = Find(view, snapshot);
  if (!snap.ok()) return snap.status();
  if (!(*snap)->is_old_style_snapshot() || (*snap)->origin.empty()) {
    return Status::Refused(snapshot.full() + " is not an old-style snapshot, so it has no origin "
                           "to revert (give VG/LV VG/SNAP)")
        .WithReason(RefusalReason::kPairMismatch);
  }
  return LvRef{snapshot.vg, (*snap)->origin};
}

Status CheckPairState(const LvmView& view, const LvRef& origin, const LvRef& snapshot) {
  StatusOr<const LvRecord*> origin_lv = Find(view, origin);
  if (!origin_lv.ok()) return origin_lv.status();
  StatusOr<const LvRecord*> snapshot_lv = Find(view, snapshot);
  if (!snapshot_lv.ok()) return snapshot_lv.status();
  const LvRecord& snap = **snapshot_lv;
  if (snap.is_thin()) {
    // (A thin snapshot is a member of its own kind, thin_steps.h.)
    return Status::Refused(snapshot.full() + " is a thin volume without an origin, no snapshot "
                           "of " + origin.full())
        .WithReason(RefusalReason::kPairMismatch);
  }
  if (!snap.is_old_style_snapshot()) {
    return Status::Refused(snapshot.full() + " is not a snapshot (its type is " + snap.segtype + ")")
        .WithReason(RefusalReason::kPairMismatch);
  }
  if (snap.origin != origin.lv) {
    return Status::Refused(snapshot.full() + " is not a snapshot of " + origin.full() +
                           " (its origin is " + origin.vg + "/" + snap.origin + ")")
        .WithReason(RefusalReason::kPairMismatch);
  }
  Status s = CheckWritableOrigin(view, **origin_lv, origin);
  if (!s.ok()) return s;
  if (snap.merging || snap.volume_type() == 'S') {
    return MergePending(snapshot.full(), origin);
  }
  return Status::Ok();
}

Status CheckRestoreState(const LvmView& view, const LvRef& origin) {
  StatusOr<const LvRecord*> origin_lv = Find(view, origin);
  if (!origin_lv.ok()) return origin_lv.status();
  if ((*origin_lv)->is_old_style_snapshot() || (*origin_lv)->is_thin()) {
    return Status::Refused(origin.full() + " is a snapshot: restore the volume it is a snapshot of");
  }
  return CheckWritableOrigin(view, **origin_lv, origin);
}

Status CheckOpenCounts(const SnapshotTopology& topo, const LvRef& origin, const LvRef& snapshot,
                       bool restoring) {
  const int siblings = static_cast<int>(topo.siblings.size());
  Status s = safety::CheckOpenCount("origin", origin.full(), topo.origin.open_count, 0);
  if (!s.ok()) return s;
  if (restoring) {
    // An origin without snapshots has no -real.
    if (topo.real.name.empty()) return Status::Ok();
    return safety::CheckOpenCount("origin data device", topo.real.name, topo.real.open_count,
                                  1 + siblings);
  }
  s = safety::CheckOpenCount("snapshot", snapshot.full(), topo.snapshot.open_count, 0);
  if (s.ok()) {
    s = safety::CheckOpenCount("origin data device", topo.real.name, topo.real.open_count,
                               2 + siblings);
  }
  if (s.ok()) s = safety::CheckOpenCount("snapshot store", topo.cow.name, topo.cow.open_count, 1);
  return s;
}

}  // namespace lvmrevert::lvmext
