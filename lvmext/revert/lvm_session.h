// What every run of the LVM form shares, whatever it then does: LVM's VG
// lock held throughout, LVM's view read under it, one member resolved,
// checked and opened, its plan and its siblings' cost, the suspended
// snapshot, and the mark of a revert under way. The modes (revert, restore,
// schedule at boot) say what they do with it in Act().
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lvmext/lvm/lvm_tools.h"
#include "lvmext/lvm/suspended_device.h"
#include "lvmext/lvm/vg_lock.h"
#include "lvmext/revert/incomplete_mark.h"
#include "lvmext/revert/lvm_member.h"
#include "lvmext/revert/revert_session.h"

namespace lvmrevert::lvmext {

class LvmSession : public RevertSession {
 public:
  // The member the options name: VG/LV VG/SNAP, VG/SNAP alone, or
  // --restore FILE VG/LV. (Public so that the modes inherit it as it is.)
  LvmSession(const Options& options, Console& console, Environment& env);

  // A set's member: LVM's configuration and its VG's report, read once by
  // the set under the lock it holds, instead of once per member.
  void ShareView(const LvmConfig& config, const StatusOr<std::string>& vg_report) {
    shared_view_.emplace(config, vg_report);
  }

  // This pair is thin (Start refused with RefusalReason::kThinSnapshot):
  // `next`, its thin session, takes the lock it holds and what it read
  // under it, instead of reading all again.
  void HandOverTo(LvmSession& next);

  // What a dry run of this mode says at its end.
  virtual std::string DryRunLine() const { return "Dry run: nothing was written."; }

 protected:

  // After --compare and the dry run are dealt with: what the mode does.
  virtual Status Act() = 0;
  // --compare: the member's saved chunks against its origin.
  virtual Status CompareMember();
  // The refusals about other reverts of the same origin, from LVM's view.
  virtual Status CheckOtherReverts(const LvmView& view);
  // A shared VG (lvmlockd): may this mode use it? By default, when this
  // host holds the origin exclusively (shared_vg.h).
  virtual Status CheckSharedVg(const VgIdentity& vg);
  // Closes the devices and lets go of the VG lock, for an LVM command that
  // takes the lock itself.
  void ReleaseForLvm();
  // The prompt (unless -y or nothing is to be written), the suspend of a
  // snapshot read, the copy; `source_label` names the source in the prompt.
  Status CopyToOrigin(const std::string& source_label);
  Status SuspendSnapshot();
  Status ResumeSnapshot();
  bool snapshot_suspended() const { return suspended_.has_value(); }
  // The store was read before the prompt; it must still say the same.
  Status CheckStoreUnchanged();
  Status ClearIncomplete(const std::string& state);
  // How LVM commits a tag change while we hold the VG lock.
  VgLocking CallerLocking() const;
  // LVM's report of the VG again (`while_suspended`: one of ours is).
  StatusOr<LvmView> ReadView(bool while_suspended = false);

  // Whether this mode resets thin members (thin_revert.h); the others
  // refuse one with RefusalReason::kThinSnapshot.
  virtual bool HandlesThin() const { return false; }

  // Takes the VG lock, reads LVM's configuration into config_ and, under
  // the lock, LVM's report of the VG into `report`.
  Status LockAndReadView(std::string* report);
  Status ExplainUnreadableVg(const Status& s);
  // LVM's own view: does the member exist, in a state to revert?
  Status CheckLvmView(const std::string& report);
  const LvmView& view() const { return view_; }
  const LvmConfig& config() const { return config_; }

  LvmMember member_;
  std::optional<IncompleteMark> mark_;

 private:
  Status Prepare() override;
  Status Execute() override;
  Status Cleanup(Status status) override;
  Status BeforeFirstOriginWrite() override;

  StatusOr<VgLock> Lock(const std::string& locking_dir);
  Status ReadViewLockedBySet(std::string* report);
  static Status RefusedIfMissing(const Status& report_status);
  Status OpenMember();
  Status LoadMemberPlan();
  // What writing through the origin costs every other snapshot of it.
  Status AssessSiblings();

  // In a shared VG another host may change the metadata while we write
  // (shared_vg.h): the VG as it was when the mark was set, and afterwards.
  Status RememberVgAsMarked();
  Status CheckVgUnchangedDuringCopy();

  LvmConfig config_;
  bool config_read_ = false;
  std::optional<std::pair<LvmConfig, StatusOr<std::string>>> shared_view_;
  std::string view_json_;  // LVM's report, as read under the lock
  struct HandedOver {
    VgLock lock;
    LvmConfig config;
    std::string view_json;
  };
  std::optional<HandedOver> handed_over_;
  VgLock lock_;
  LvmView view_;
  std::optional<VgIdentity> vg_;
  std::optional<LvmView> view_as_marked_;
  std::vector<DeviceFile> sibling_cows_;
  std::optional<SuspendedDevice> suspended_;
};

}  // namespace lvmrevert::lvmext
