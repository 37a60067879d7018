#include "lvmext/lvm/lvm_topology.h"

#include "lvmext/lvm/dm_table.h"
#include "lvmext/lvm/preflight.h"
#include "safety/device_number.h"

namespace lvmrevert::lvmext {
namespace {

using safety::MajorMinor;

// The device `name`, which must exist and carry `uuid`.
StatusOr<DmNode> Node(DeviceMapper& dm, const std::string& name, const std::string& uuid,
                      const std::string& what) {
  StatusOr<DmInfo> info = dm.Info(name);
  if (!info.ok()) return info.status();
  if (!info->exists) {
    return Status::Refused("device-mapper device " + name + " (" + what + ") does not exist");
  }
  if (info->uuid != uuid) {
    return Status::Refused("device-mapper device " + name + " has UUID " + info->uuid +
                           ", not " + uuid + ": it is not " + what);
  }
  return DmNode{name, info->dev, info->open_count, info->suspended};
}

// The single target of `name`'s table.
StatusOr<DmTarget> OnlyTarget(DeviceMapper& dm, const std::string& name) {
  StatusOr<std::vector<DmTarget>> table = dm.Table(name);
  if (!table.ok()) return table.status();
  if (table->size() != 1) {
    return Status::Refused("device-mapper device " + name + " has " +
                           std::to_string(table->size()) + " targets, expected one");
  }
  return table->front();
}

// The -real device under the snapshot-origin table `params` of t->origin.
Status ResolveReal(DeviceMapper& dm, const LvRecord& origin, const std::string& params,
                   SnapshotTopology* t) {
  const LvRef origin_ref{origin.vg_name, origin.name};
  StatusOr<dev_t> real_dev = ParseOriginParams(params);
  if (!real_dev.ok()) return real_dev.status();
  StatusOr<DmNode> node = Node(dm, DmName(origin_ref, "real"),
                               DmUuid(origin.vg_uuid, origin.uuid, "real"),
                               "the data of " + origin_ref.full());
  if (!node.ok()) return node.status();
  t->real = *node;
  if (t->real.dev != *real_dev) {
    return Status::Refused(t->origin.name + " maps " + MajorMinor(*real_dev) + ", not " +
                           t->real.name + " (" + MajorMinor(t->real.dev) + ")");
  }
  return Status::Ok();
}

// Every snapshot of `origin` but `except` that reads the same -real device.
Status AddSiblings(DeviceMapper& dm, const LvmView& view, const LvRecord& origin,
                   const std::string& except, SnapshotTopology* t) {
  for (const LvRecord* other : view.SnapshotsOf(origin.name)) {
    if (other->name == except) continue;
    const LvRef ref{other->vg_name, other->name};
    StatusOr<DmNode> node =
        Node(dm, DmName(ref), DmUuid(other->vg_uuid, other->uuid), "snapshot " + ref.full());
    if (!node.ok()) return node.status();
    StatusOr<DmTarget> target = OnlyTarget(dm, node->name);
    if (!target.ok()) return target.status();
    if (target->type != "snapshot") continue;  // e.g. a merging one, refused elsewhere
    StatusOr<SnapshotTable> sib = ParseSnapshotParams(target->params);
    if (!sib.ok()) return sib.status();
    if (sib->origin_dev != t->real.dev) continue;
    SiblingSnapshot s;
    s.lv = ref;
    s.snapshot = *node;
    s.cow_dev = sib->cow_dev;
    s.cow_name = DmName(ref, "cow");
    s.chunk_size_sectors = sib->chunk_size_sectors;
    s.length_bytes = target->length_sectors * 512;
    t->siblings.push_back(std::move(s));
  }
  return Status::Ok();
}

// The snapshot-origin device of `origin`.
StatusOr<DmNode> OriginNode(DeviceMapper& dm, const LvRecord& origin) {
  const LvRef ref{origin.vg_name, origin.name};
  return Node(dm, DmName(ref), DmUuid(origin.vg_uuid, origin.uuid), "origin " + ref.full());
}

// An inactive LV has no device at all; LVM activates an origin together
// with its snapshots.
Status CheckActive(DeviceMapper& dm, const LvRef& origin, const LvRef& snapshot) {
  for (const LvRef* ref : {&origin, &snapshot}) {
    StatusOr<DmInfo> info = dm.Info(DmName(*ref));
    if (!info.ok()) return info.status();
    if (!info->exists) {
      return Status::Refused(ref->full() + " is not active: activate it first (lvchange -ay " +
                             origin.full() + " activates the origin with its snapshots)");
    }
  }
  return Status::Ok();
}

// t->origin and t->real: the origin must be a snapshot-origin, not merging.
Status ResolveOriginOf(DeviceMapper& dm, const LvRecord& origin, const LvRef& snapshot_ref,
                       SnapshotTopology* t) {
  const LvRef origin_ref{origin.vg_name, origin.name};
  StatusOr<DmNode> node = OriginNode(dm, origin);
  if (!node.ok()) return node.status();
  t->origin = *node;
  StatusOr<DmTarget> target = OnlyTarget(dm, t->origin.name);
  if (!target.ok()) return target.status();
  if (target->type == "snapshot-merge") return MergePending(snapshot_ref.full(), origin_ref);
  if (target->type != "snapshot-origin") {
    return Status::Refused(origin_ref.full() + " is not a snapshot origin in the kernel (its "
                           "table is " + target->type + ")");
  }
  return ResolveReal(dm, origin, target->params, t);
}

// t->snapshot and t->cow, with the chunk size and length from the snapshot's
// table: a persistent old-style snapshot of t->real, on its own -cow.
Status ResolveSnapshotOf(DeviceMapper& dm, const LvRef& origin_ref, const LvRecord& snapshot,
                         SnapshotTopology* t) {
  const LvRef snapshot_ref{snapshot.vg_name, snapshot.name};
  StatusOr<DmNode> node = Node(dm, DmName(snapshot_ref), DmUuid(snapshot.vg_uuid, snapshot.uuid),
                               "snapshot " + snapshot_ref.full());
  if (!node.ok()) return node.status();
  t->snapshot = *node;
  StatusOr<DmTarget> target = OnlyTarget(dm, t->snapshot.name);
  if (!target.ok()) return target.status();
  if (target->type == "error") return MergePending(snapshot_ref.full(), origin_ref);
  if (target->type != "snapshot") {
    return Status::Refused(snapshot_ref.full() + " is not an old-style snapshot in the kernel "
                           "(its table is " + target->type + ")")
        .WithReason(RefusalReason::kUnsupportedSnapshot);
  }
  StatusOr<SnapshotTable> table = ParseSnapshotParams(target->params);
  if (!table.ok()) return table.status();
  if (table->origin_dev != t->real.dev) {
    return Status::Refused(snapshot_ref.full() + " is not a snapshot of " + origin_ref.full() +
                           " in the kernel: it reads " + MajorMinor(table->origin_dev) + ", not " +
                           t->real.name)
        .WithReason(RefusalReason::kPairMismatch);
  }
  if (!table->persistent) {
    return Status::Refused(snapshot_ref.full() + " has a transient (N) exception store: "
                           "nothing on disk to revert from")
        .WithReason(RefusalReason::kUnsupportedSnapshot);
  }
  t->chunk_size_sectors = table->chunk_size_sectors;
  t->snapshot_length_bytes = target->length_sectors * 512;

  node = Node(dm, DmName(snapshot_ref, "cow"), DmUuid(snapshot.vg_uuid, snapshot.uuid, "cow"),
              "the exception store of " + snapshot_ref.full());
  if (!node.ok()) return node.status();
  t->cow = *node;
  if (t->cow.dev != table->cow_dev) {
    return Status::Refused(t->snapshot.name + " stores its exceptions on " +
                           MajorMinor(table->cow_dev) + ", not " + t->cow.name);
  }
  return Status::Ok();
}

// What the kernel says of the snapshot t->snapshot: not invalid, no failed
// merge.
Status CheckSnapshotStatus(DeviceMapper& dm, const LvRef& origin_ref, const LvRef& snapshot_ref,
                           const SnapshotTopology& t) {
  StatusOr<std::vector<DmTarget>> status = dm.TargetStatus(t.snapshot.name);
  if (!status.ok()) return status.status();
  if (status->size() != 1) return Status::Ok();
  StatusOr<SnapshotStatus> st = ParseSnapshotStatus(status->front().params);
  if (!st.ok()) return st.status();
  if (st->invalid) {
    return Status::Refused("snapshot " + snapshot_ref.full() +
                           " is invalid (the kernel dropped it, e.g. when it overflowed): its "
                           "saved chunks are incomplete and cannot be reverted")
        .WithReason(RefusalReason::kSnapshotInvalid);
  }
  if (st->merge_failed) return MergePending(snapshot_ref.full(), origin_ref);
  return Status::Ok();
}

}  // namespace

StatusOr<SnapshotTopology> ResolveOriginTopology(DeviceMapper& dm, const LvmView& view,
                                                 const LvRecord& origin) {
  const LvRef origin_ref{origin.vg_name, origin.name};
  SnapshotTopology t;
  StatusOr<DmInfo> info = dm.Info(DmName(origin_ref));
  if (!info.ok()) return info.status();
  if (!info->exists) {
    return Status::Refused(origin_ref.full() + " is not active: activate it first (lvchange -ay " +
                           origin_ref.full() + ")");
  }
  StatusOr<DmNode> node = OriginNode(dm, origin);
  if (!node.ok()) return node.status();
  t.origin = *node;
  StatusOr<std::vector<DmTarget>> table = dm.Table(t.origin.name);
  if (!table.ok()) return table.status();
  if (table->size() != 1 || table->front().type != "snapshot-origin") {
    for (const DmTarget& target : *table) {
      if (target.type == "snapshot-merge" || target.type == "snapshot") {
        return Status::Refused(origin_ref.full() + " is being merged or is a snapshot (its table is " +
                               target.type + ")")
            .WithReason(RefusalReason::kMergePending);
      }
    }
    return t;  // no snapshots: written directly
  }
  Status s = ResolveReal(dm, origin, table->front().params, &t);
  if (!s.ok()) return s;
  s = AddSiblings(dm, view, origin, "", &t);
  if (!s.ok()) return s;
  return t;
}

StatusOr<SnapshotTopology> ResolveTopology(DeviceMapper& dm, const LvmView& view,
                                           const LvRecord& origin, const LvRecord& snapshot) {
  const LvRef origin_ref{origin.vg_name, origin.name};
  const LvRef snapshot_ref{snapshot.vg_name, snapshot.name};
  SnapshotTopology t;
  Status s = CheckActive(dm, origin_ref, snapshot_ref);
  if (s.ok()) s = ResolveOriginOf(dm, origin, snapshot_ref, &t);
  if (s.ok()) s = ResolveSnapshotOf(dm, origin_ref, snapshot, &t);
  if (s.ok()) s = CheckSnapshotStatus(dm, origin_ref, snapshot_ref, t);
  if (s.ok()) s = AddSiblings(dm, view, origin, snapshot.name, &t);
  if (!s.ok()) return s;
  return t;
}

}  // namespace lvmrevert::lvmext
