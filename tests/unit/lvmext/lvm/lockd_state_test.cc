// lvmlockctl --info --dump, as Debian 12's lvmlockd printed it in the VM
// (tests/vm/scenarios/lvm-revert-shared-vg.sh runs the real one).
#include "lvmext/lvm/lockd_state.h"

#include <gtest/gtest.h>

namespace lvmrevert::lvmext {
namespace {

constexpr const char* kStartedWithOriginEx =
    "info=structs unused_action_count=31 unused_client_count=31 unused_resource_count=30 "
    "unused_lock_count=31\n"
    "info=client pid=326 fd=7 pi=2 id=10 name=.\n"
    "info=ls ls_name=lvm_vgs vg_name=vgs vg_uuid=pOYCqz-fFOR-0BUH-Mrub-fUd4-oGys-1hl7TZ "
    "vg_sysid=. vg_args=1.0.0:lvmlock lm_type=sanlock host_id=1 create_fail=0 create_done=1 "
    "thread_work=0 thread_stop=0 thread_done=0 kill_vg=0 drop_vg=0 sanlock_gl_enabled=1\n"
    "info=r name=VGLK type=vg mode=un sh_count=0 version=6\n"
    "info=r name=OKVbeM-Q18F-YEsZ-uNus-BeTm-DjWe-ZGVwrL type=lv mode=ex sh_count=0 version=0\n"
    "info=lk mode=ex version=0 flags=0x1 client_id=0\n"
    "\n";

std::string LockspaceLine(const std::string& vg, const std::string& state) {
  return "info=ls ls_name=lvm_" + vg + " vg_name=" + vg + " vg_uuid=x vg_sysid=. vg_args=1.0.0:x "
         "lm_type=dlm host_id=0 " + state + " thread_work=0 thread_done=0 kill_vg=0 drop_vg=0 "
         "sanlock_gl_enabled=0\n";
}

TEST(LockdStateTest, ReadsTheLockspaceAndTheLvLocks) {
  const LockdState state = ParseLockdDump(kStartedWithOriginEx);
  EXPECT_TRUE(state.running);
  ASSERT_EQ(state.lockspaces.size(), 1u);
  const Lockspace* ls = state.Find("vgs");
  ASSERT_NE(ls, nullptr);
  EXPECT_EQ(ls->lock_type, "sanlock");
  EXPECT_TRUE(ls->started);
  EXPECT_EQ(ls->lv_lock_modes.size(), 1u);  // VGLK is the VG's, not an LV's
  EXPECT_EQ(ls->lv_lock_modes.at("OKVbeM-Q18F-YEsZ-uNus-BeTm-DjWe-ZGVwrL"), "ex");
  EXPECT_EQ(state.Find("other"), nullptr);
}

TEST(LockdStateTest, NoLockspaceWhenNoneIsStarted) {
  const LockdState state = ParseLockdDump(
      "info=structs unused_action_count=31 unused_client_count=31 unused_resource_count=32 "
      "unused_lock_count=32\ninfo=client pid=393 fd=7 pi=2 id=27 name=.\n\n");
  EXPECT_TRUE(state.running);
  EXPECT_TRUE(state.lockspaces.empty());
}

// Listed is not started: a lockspace is listed while it joins and after a
// failed start, until it is freed.
TEST(LockdStateTest, AStartingOrFailedOrStoppingLockspaceIsNotStarted) {
  const LockdState state = ParseLockdDump(
      LockspaceLine("joining", "create_fail=0 create_done=0 thread_stop=0") +
      LockspaceLine("failed", "create_fail=1 create_done=0 thread_stop=1") +
      LockspaceLine("stopping", "create_fail=0 create_done=1 thread_stop=1") +
      LockspaceLine("up", "create_fail=0 create_done=1 thread_stop=0") +
      "info=r name=UUID-A type=lv mode=sh sh_count=1 version=0\n");
  ASSERT_EQ(state.lockspaces.size(), 4u);
  EXPECT_FALSE(state.Find("joining")->started);
  EXPECT_FALSE(state.Find("failed")->started);
  EXPECT_FALSE(state.Find("stopping")->started);
  EXPECT_TRUE(state.Find("up")->started);
  EXPECT_EQ(state.Find("up")->lock_type, "dlm");
  // A resource line belongs to the lockspace listed before it.
  EXPECT_EQ(state.Find("up")->lv_lock_modes.at("UUID-A"), "sh");
  EXPECT_TRUE(state.Find("stopping")->lv_lock_modes.empty());
}

}  // namespace
}  // namespace lvmrevert::lvmext
