#include "lvmext/lvm/live_snapshot_check.h"

#include <optional>
#include <string>
#include <vector>

#include "lvmext/lvm/dm_table.h"
#include "lvmext/lvm/lv_name.h"

namespace lvmrevert::lvmext {
namespace {

// The targets in a device-mapper device's table.
StatusOr<std::vector<DmTarget>> TableOf(DeviceMapper* dm, const std::string& name) {
  if (dm == nullptr) return Status::Refused("cannot read the table of " + name + ": no device-mapper");
  StatusOr<std::vector<DmTarget>> table = dm->Table(name);
  if (!table.ok()) return table.status().WithCode(StatusCode::kRefused);
  return table;
}

const DmTarget* FindTarget(const std::vector<DmTarget>& table,
                           std::initializer_list<const char*> types) {
  for (const DmTarget& t : table) {
    for (const char* type : types) {
      if (t.type == type) return &t;
    }
  }
  return nullptr;
}

struct Holder {
  std::string name;
  std::vector<DmTarget> table;
};

// The device-mapper devices stacked on `rdev`, with their tables.
StatusOr<std::vector<Holder>> DmHolders(safety::SystemView& view, DeviceMapper* dm, dev_t rdev) {
  std::vector<Holder> found;
  StatusOr<std::vector<std::string>> holders = view.HoldersOf(rdev);
  if (!holders.ok()) return holders.status();
  for (const std::string& holder : *holders) {
    const std::optional<std::string> name = view.DmName(holder);
    if (!name) continue;
    StatusOr<std::vector<DmTarget>> table = TableOf(dm, *name);
    if (!table.ok()) return table.status();
    found.push_back(Holder{*name, std::move(table).value()});
  }
  return found;
}

const Holder* FindHolder(const std::vector<Holder>& holders,
                         std::initializer_list<const char*> types) {
  for (const Holder& h : holders) {
    if (FindTarget(h.table, types) != nullptr) return &h;
  }
  return nullptr;
}

// "VG/LV" for an LVM device-mapper name, else the name itself.
std::string LvName(const std::string& dm_name) {
  const std::optional<SplitName> split = SplitDmName(dm_name);
  return split ? split->lv.full() : dm_name;
}

// The LVM form's command for the origin device `origin_dm_name`.
std::string LvmFormFor(const std::string& origin_dm_name) {
  const std::optional<SplitName> split = SplitDmName(origin_dm_name);
  if (!split) return "lvm-revert VG/LV VG/SNAP";
  return "lvm-revert " + split->lv.full() + " " + split->lv.vg + "/SNAP";
}

Status Refusal(const std::string& what, const std::string& command) {
  return Status::Refused(what +
                         ": writing it offline would bypass LVM's lock and the snapshot's "
                         "suspend; use the LVM form instead: " + command);
}

// The snapshot-origin device over the data device `real`, if any.
StatusOr<std::string> OriginOver(safety::SystemView& view, DeviceMapper* dm, dev_t real) {
  StatusOr<std::vector<Holder>> holders = DmHolders(view, dm, real);
  if (!holders.ok()) return holders.status();
  const Holder* origin = FindHolder(*holders, {"snapshot-origin"});
  return origin != nullptr ? origin->name : std::string();
}

}  // namespace

Status CheckNotLiveSnapshotDevices(safety::SystemView& view, DeviceMapper* dm,
                                   const FileIdentity& origin, const FileIdentity& store) {
  if (origin.block) {
    const std::optional<std::string> name = view.DmName(view.KernelName(origin.rdev));
    if (name) {
      StatusOr<std::vector<DmTarget>> table = TableOf(dm, *name);
      if (!table.ok()) return table.status();
      if (FindTarget(*table, {"snapshot-origin", "snapshot-merge"}) != nullptr) {
        return Refusal("origin " + *name + " is the origin of an active snapshot",
                       LvmFormFor(*name));
      }
    }
    StatusOr<std::vector<Holder>> holders = DmHolders(view, dm, origin.rdev);
    if (!holders.ok()) return holders.status();
    if (const Holder* over = FindHolder(*holders, {"snapshot-origin", "snapshot", "snapshot-merge"})) {
      const Holder* top = FindHolder(*holders, {"snapshot-origin", "snapshot-merge"});
      return Refusal("origin " + (name ? *name : std::string("device")) +
                         " is the data device under the active snapshot " + over->name,
                     LvmFormFor(top != nullptr ? top->name : over->name));
    }
  }
  if (store.block) {
    StatusOr<std::vector<Holder>> holders = DmHolders(view, dm, store.rdev);
    if (!holders.ok()) return holders.status();
    if (const Holder* snap = FindHolder(*holders, {"snapshot", "snapshot-merge"})) {
      // Name the origin too: the snapshot reads a data device, and the
      // snapshot-origin device over that one is what the LVM form writes.
      std::string origin_lv = "VG/LV";
      StatusOr<SnapshotTable> params =
          ParseSnapshotParams(FindTarget(snap->table, {"snapshot", "snapshot-merge"})->params);
      if (params.ok()) {
        StatusOr<std::string> over = OriginOver(view, dm, params->origin_dev);
        if (!over.ok()) return over.status();
        if (!over->empty()) origin_lv = LvName(*over);
      }
      return Refusal("snapshot store is the exception store of the active snapshot " + snap->name,
                     "lvm-revert " + origin_lv + " " + LvName(snap->name));
    }
  }
  return Status::Ok();
}

}  // namespace lvmrevert::lvmext
