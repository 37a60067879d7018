// The mark of a revert under way: the tag lvm_revert_incomplete on the LV
// that names the revert (the snapshot read, or the origin of a --restore),
// committed to LVM's metadata right before the first write to the origin
// and dropped after the final flush. A crash leaves it behind, and any boot
// that finds it completes the revert before the origin is mounted, or stops
// (boot/boot_run.h).
#pragma once

#include <string>

#include "core/status.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/lvm_tools.h"
#include "lvmext/lvm/lvm_view.h"

namespace lvmrevert::lvmext {

class IncompleteMark {
 public:
  // `record`: the marked LV as LVM's view showed it (null when unknown).
  // `consumes_tag`: a boot schedule tag this revert uses up, dropped in the
  // same commit that sets the mark, so the revert can never start twice.
  // `locking`: how the caller, who holds the VG lock, has LVM commit.
  IncompleteMark(LvmTools& lvm, LvRef marked, const LvRecord* record, std::string consumes_tag,
                 VgLocking locking)
      : lvm_(lvm), marked_(std::move(marked)), record_(record),
        consumes_tag_(std::move(consumes_tag)), locking_(locking) {}

  // Commits the mark (we hold the VG lock). Refused, with nothing written,
  // when LVM cannot.
  Status Set();
  // After the flush, or when the copy never started: `state` says which,
  // for the message when LVM fails us (the mark left behind would make every
  // boot stop for it, so the run is not done).
  Status Clear(const std::string& state);

  bool is_set() const { return set_; }
  // Whether Set() changed LVM's metadata (not: found the mark already set).
  bool committed() const { return committed_; }
  // Whether Set() dropped the schedule tag.
  bool consumed() const { return consumed_; }
  const LvRef& lv() const { return marked_; }

 private:
  LvmTools& lvm_;
  LvRef marked_;
  const LvRecord* record_;
  std::string consumes_tag_;
  VgLocking locking_;
  bool set_ = false;
  bool consumed_ = false;
  bool committed_ = false;
};

// A revert or restore onto `origin` that marks `marked` (the snapshot it
// reads, or the origin for --restore) started: refused while the origin is
// half-reverted from another source (tag lvm_revert_incomplete on another
// snapshot of it, or on the origin: an interrupted --restore), since a boot
// would complete that one over this. The message gives the command that
// completes it.
Status CheckNoOtherIncomplete(const LvmView& view, const LvRef& origin, const LvRef& marked);

}  // namespace lvmrevert::lvmext
