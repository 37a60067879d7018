// A member whose snapshot is thin: the origin is reset to it by LVM's own
// merge, in the steps of thin_steps.h, and the snapshot is kept. The same
// modes as an old-style member: now, a dry run (the steps it would run),
// --compare, or (boot/schedule_at_boot.h) scheduled for boot; alone or as a
// member of a set. Every check is made before the first LVM change: what
// LVM would refuse or defer (lvm-revert(8), THIN SNAPSHOTS).
#pragma once

#include <memory>
#include <string>

#include "core/verify.h"
#include "lvmext/cli/environment.h"
#include "lvmext/cli/options.h"
#include "lvmext/cli/report.h"
#include "lvmext/revert/lvm_session.h"
#include "lvmext/revert/thin_steps.h"
#include "lvmext/system/console.h"

namespace lvmrevert::lvmext {

class ThinSession : public LvmSession {
 public:
  using LvmSession::LvmSession;

 protected:
  bool HandlesThin() const override { return true; }
  // The reset, now.
  Status Act() override;

 private:
  Status Prepare() override;
  Status Cleanup(Status status) override { return status; }
  // The whole origin against the whole snapshot (it keeps no list of chunks).
  Status CompareMember() override;

  // The siblings LVM's merge unlinks (lvm2 #193), refused unless allowed.
  Status CheckSiblings();
  // LVM merges at once only when neither the origin nor the snapshot is
  // open; else it defers the merge to the next activation and exits 0.
  Status CheckNotInUse();
  Status CheckLvNotInUse(const std::string& role, const LvRef& lv);
  Status CheckPool();
  std::string ConsumedTag(const LvmView& view) const;
  void PrintSteps(ThinStep first);
  Status RunSteps();
  Status RunStep(ThinStep step, const LvmView& now);
  Status CheckMerged(const LvmView& now, const StatusOr<ThinStep>& next, uint64_t snapshot_thin_id);
  Status Failed(ThinStep step, const Status& s);
  Status VerifyReset();
  StatusOr<CompareResult> CompareOriginAndSnapshot();
};

// A set's thin member (set_revert.h). A pair that turns out thin hands its
// session over (LvmSession::HandOverTo).
std::unique_ptr<LvmSession> MakeThinRevert(const Options& options, Console& console,
                                           Environment& env);

}  // namespace lvmrevert::lvmext
