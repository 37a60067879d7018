// What the user asked for, after parsing and before anything is opened. The
// options themselves, their help and their rules are in option_table.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/engines.h"
#include "lvmext/lvm/lv_name.h"

namespace lvmrevert::lvmext {

enum class OutputFormat { kText, kJson, kDd };

// A snapshot set (lvm-revert(8), SETS): several snapshots named, every
// snapshot with an LV tag (@TAG, as lvconvert --merge @TAG selects them),
// or snapm's snapset (lvm/snapset_name.h).
struct SetSpec {
  enum class Kind { kSnapshots, kTag, kSnapset };
  Kind kind = Kind::kSnapshots;
  std::vector<LvRef> snapshots;  // kSnapshots
  std::string name;              // the tag (without '@') or the snapset's name
};

// What the command does; everything but kRevert is about reverts at boot.
enum class Action {
  kRevert,             // now (either form)
  kScheduleNextBoot,   // --at-next-boot: tag the snapshot lvm_revert_next_boot
  kScheduleEveryBoot,  // --at-every-boot: tag it lvm_revert_every_boot
  kCancel,             // --cancel: remove those tags
  kListScheduled,      // --list-scheduled
  kBoot,               // --boot: run what is scheduled (the initramfs scripts)
};

struct Options {
  // LVM form: lvm-revert VG/LV VG/SNAP.
  std::optional<LvRef> origin_lv;
  std::optional<LvRef> snapshot_lv;
  // A set (the LVM form). Two names in one VG are a set only when the first
  // is not the second's origin, which LVM's view tells: then origin_lv and
  // snapshot_lv hold the pair reading as well (pair_or_set()).
  std::optional<SetSpec> set;
  // A member of a set run as one (revert/set_revert.h): the set holds the VG
  // locks, asked once, and shows the progress; the member's snapshot is
  // suspended only while it is copied.
  bool set_member = false;
  std::string set_tag;  // a member scheduled for boot: its set's tag (tags.h)
  // Offline form: an exception store and an origin, images or block devices.
  std::string cow_path;
  std::string origin_path;

  bool dry_run = false;  // -t/--test or --dry-run: print the plan, write nothing
  OutputFormat format = OutputFormat::kText;
  bool assume_yes = false;  // -y: no prompt
  int verbosity = 0;        // -v repeats
  bool quiet = false;
  EngineKind io_engine = EngineKind::kAuto;
  unsigned queue_depth = kDefaultQueueDepth;  // requests in flight (io_uring)
  bool progress = false;  // --progress: also when stderr is not a terminal

  // LVM form only.
  bool allow_invalidate = false;  // a sibling snapshot may overflow
  bool allow_unlink = false;      // a thin sibling may lose its origin link
  bool remove_snapshot = false;   // lvremove VG/SNAP after the revert
  bool udev_sync = true;          // --noudevsync clears it

  Action action = Action::kRevert;
  // --boot only (not a command-line option): the schedule tag this revert
  // consumes, dropped in the same LVM commit that marks the revert started,
  // so that it can never start twice.
  std::string consumes_tag;

  // Undo and proof (both forms unless said).
  std::string backup_path;      // --backup FILE: what the revert overwrites, as a store
  std::string backup_snapshot;  // --backup-snapshot NAME (LVM form): a snapshot that saves it
  bool backup_snapshot_created = false;  // set once it exists, for the revert that follows
  std::string restore_path;     // --restore FILE VG/LV (LVM form): FILE instead of a -cow
  bool verify = false;          // --verify: read back what was written
  bool compare = false;         // --compare: count what differs, write nothing

  // VG/LV VG/SNAP, VG/SNAP alone (the origin found from LVM) or --restore.
  bool lvm_form() const {
    return origin_lv.has_value() || snapshot_lv.has_value() || set.has_value();
  }
  bool pair_or_set() const { return set.has_value() && origin_lv.has_value(); }
  // The volume group the LVM form works in.
  const std::string& vg() const { return origin_lv ? origin_lv->vg : snapshot_lv->vg; }
  bool restores() const { return !restore_path.empty(); }
  // Runs that only read the origin, so it may be in use.
  bool reads_origin_only() const { return compare || schedules(); }
  bool schedules() const {
    return action == Action::kScheduleNextBoot || action == Action::kScheduleEveryBoot;
  }
};

}  // namespace lvmrevert::lvmext
