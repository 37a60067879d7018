#include "lvmext/revert/lvm_revert.h"

#include "lvmext/lvm/dm_table.h"
#include "lvmext/revert/lvm_restore.h"
#include "lvmext/revert/lvm_session.h"
#include "lvmext/revert/thin_revert.h"

namespace lvmrevert::lvmext {
namespace {

// Reverts an origin to a snapshot now (or its dry run, or --compare), and
// removes the snapshot afterwards when asked.
class LvmRevert final : public LvmSession {
 public:
  using LvmSession::LvmSession;

 private:
  Status Act() override {
    Status s = CopyToOrigin(member_.snapshot().full());
    if (s.ok()) s = CheckStillValid();
    if (s.ok()) s = ClearIncomplete("the revert is complete");
    if (s.ok()) DropConsumedTag();
    if (s.ok() && options_.remove_snapshot) s = RemoveSnapshot();
    return s;
  }

  Status RemoveSnapshot() {
    // lvremove takes the VG lock itself, and our exclusive opens would keep
    // it from deactivating the snapshot.
    ReleaseForLvm();
    Status s = env_.lvm->RemoveLv(member_.snapshot());
    if (!s.ok()) return Status::Incomplete(s.message() + " (the revert itself is complete)");
    report_.snapshot_removed = true;
    Say("Removed " + member_.snapshot().full() + ".");
    return Status::Ok();
  }

  // A boot-time revert with nothing to write never marked itself, so its
  // schedule tag is still there: done, it goes.
  void DropConsumedTag() {
    const LvRecord* snapshot = member_.snapshot_record();
    if (options_.consumes_tag.empty() || (mark_ && mark_->consumed()) || snapshot == nullptr ||
        !snapshot->has_tag(options_.consumes_tag)) {
      return;
    }
    Status s = env_.lvm->ChangeTags(member_.snapshot(), {}, {options_.consumes_tag},
                                    CallerLocking());
    if (!s.ok()) Warn("could not remove the tag " + options_.consumes_tag + " from " +
                      member_.snapshot().full() + ": " + s.message());
  }

  Status CheckStillValid() {
    StatusOr<std::vector<DmTarget>> status =
        env_.dm->TargetStatus(member_.topology().snapshot.name);
    if (!status.ok() || status->size() != 1) return Status::Ok();
    StatusOr<SnapshotStatus> st = ParseSnapshotStatus(status->front().params);
    if (st.ok() && st->invalid) {
      return Status::Incomplete("snapshot " + member_.snapshot().full() +
                                " became invalid during the revert");
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<LvmSession> MakeLvmRevert(const Options& options, Console& console,
                                          Environment& env) {
  return std::make_unique<LvmRevert>(options, console, env);
}

Report RunLvmRevertForm(const Options& options, Console& console, Environment& env) {
  if (options.restores()) return RunLvmRestore(options, console, env);
  LvmRevert pair(options, console, env);
  Status s = pair.Start();
  // A thin snapshot is reset, unless an option only a copy can serve was given.
  if (s.reason() == RefusalReason::kThinSnapshot && !options.remove_snapshot &&
      options.backup_path.empty() && options.format != OutputFormat::kDd) {
    ThinSession thin(options, console, env);
    pair.HandOverTo(thin);
    return thin.Run();
  }
  if (s.ok()) s = pair.Continue();
  return pair.Finish(s);
}

}  // namespace lvmrevert::lvmext
