// A snapshot set: the members the command line names, resolved from LVM's
// view of every VG involved. The forms (issue 18): several snapshots, each
// origin inferred; @TAG, every snapshot with that LV tag as lvconvert
// --merge @TAG selects them; and snapm's snapset names (snapset_name.h).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "lvmext/cli/options.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/lvm_view.h"

namespace lvmrevert::lvmext {

struct SetMember {
  LvRef origin;
  LvRef snapshot;
  friend bool operator==(const SetMember&, const SetMember&) = default;
};

// The members, sorted by origin (VG/LV): the order they are written in.
// kInvalidArgument (a bad command line) for a member named twice or two
// snapshots of one origin; refused for a snapshot that is missing or not
// a snapshot, an empty set, or a snapset whose members disagree on its
// timestamp. `lvs`: the LVs of every VG the spec may reach.
StatusOr<std::vector<SetMember>> ResolveSet(const SetSpec& spec, const std::vector<LvRecord>& lvs);

// Two names in one VG, `first` `second`: a set of two snapshots rather
// than an origin and its snapshot when `first` is itself a snapshot and not
// `second`'s origin (a COW snapshot has no snapshots of its own; a thin one
// may, and then the two are still a pair).
bool NamesASet(const LvmView& view, const LvRef& first, const LvRef& second);

// The VGs of `members` in the order their locks are taken: alphabetical,
// LVM's rule against deadlocks (lib/locking/locking.h).
std::vector<std::string> LockOrder(const std::vector<SetMember>& members);

}  // namespace lvmrevert::lvmext
