// The reset of an origin to a thin snapshot that keeps the snapshot
// (../shared/research/thin-sets.md §1.5, dracut's 80lvmmerge order): copy
// the snapshot, merge the snapshot itself into the origin, give the copy the
// snapshot's name. Merging a copy instead would merge into the snapshot and
// break it for good (§1.4).
//
// Each step is one LVM command, and a kill may come between any two: the
// next step is read from LVM's view alone, so the same command (or the
// boot) goes on from where the last one stopped.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/lvm_view.h"

namespace lvmrevert::lvmext {

enum class ThinStep {
  kCopy,    // lvcreate -s -n COPY --addtag kTagThinCopy (and SNAP's tags) VG/SNAP
  kMerge,   // lvconvert --merge VG/SNAP: the origin takes SNAP's content
  kRename,  // lvrename VG COPY SNAP
  kUntag,   // lvchange --deltag kTagThinCopy VG/SNAP: the reset is complete
};

const char* ThinStepName(ThinStep step);

// The copy's name: SNAP with a fixed suffix. Refused when that is longer
// than LVM allows (127 characters).
StatusOr<std::string> ThinCopyName(const std::string& snapshot_name);

// The snapshot a copy named by ThinCopyName is the copy of.
std::string SnapshotOfThinCopy(const std::string& copy_name);

// What comes next for `origin` and its thin snapshot `snapshot`, from LVM's
// view. Refused, with what to do, for a state no step of ours leads to: a
// merge LVM deferred, the copy's name taken by another LV, a snapshot that
// is not the origin's.
StatusOr<ThinStep> NextThinStep(const LvmView& view, const LvRef& origin, const LvRef& snapshot);

// Whether `snapshot` names a thin snapshot in `view`, or one a thin reset
// is part-way through (only its copy left, or the copy under its name).
bool IsThinMember(const LvmView& view, const LvRef& snapshot);

// The refusal of what a reset that stopped half-way must not meet (a
// schedule set or cancelled, a comparison): finish it first.
Status ResetStoppedHalfWay(const LvRef& origin, const LvRef& snapshot);

// VG/SNAP alone: the origin of the thin snapshot, in any state of a reset.
StatusOr<LvRef> ThinOrigin(const LvmView& view, const LvRef& snapshot);

// The origin must be writable, complete and not merging, and the state one
// a step of ours leads from: the step that comes next.
StatusOr<ThinStep> CheckThinMember(const LvmView& view, const LvRef& origin, const LvRef& snapshot);

// The origin's other thin snapshots, which LVM's merge unlinks from it
// (lvm2 #193): they keep their data but can never be merged.
std::vector<LvRef> ThinSiblings(const LvmView& view, const LvRef& origin, const LvRef& snapshot);

// The LVM command of `step`, as the plan shows it; `snapshot_record` is the
// snapshot as LVM reports it now (for the copy's tags, permission and
// activation-skip flag). `also_drop` is a tag the last step drops as well.
std::string ThinStepCommand(ThinStep step, const LvRef& snapshot, const LvRecord& snapshot_record,
                            const std::string& also_drop);

// The tags the copy gets: the snapshot's, and ours.
std::vector<std::string> ThinCopyTags(const LvRecord& snapshot_record);

}  // namespace lvmrevert::lvmext
