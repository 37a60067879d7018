// May lvm-revert write an origin in a shared VG? Each condition both ways:
// the lock type, lvmlockd running, the lockspace started, the origin's LV
// lock ex (not sh, not none).
#include "lvmext/lvm/shared_vg.h"

#include <gtest/gtest.h>

namespace lvmrevert::lvmext {
namespace {

const LvRef kOrigin{"vgs", "data"};
constexpr const char* kUuid = "OKVbeM-Q18F-YEsZ-uNus-BeTm-DjWe-ZGVwrL";

VgIdentity Shared(std::string lock_type = "sanlock") { return {"vgs", "", lock_type, "wz--ns"}; }

LockdState Held(const std::string& mode, bool started = true) {
  Lockspace ls{"vgs", "sanlock", started, {}};
  if (!mode.empty()) ls.lv_lock_modes[kUuid] = mode;
  ls.lv_lock_modes["SOME-OTHER-LV"] = "ex";
  return LockdState{true, "", {ls}};
}

void ExpectRefused(const Status& s, const std::string& message) {
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.reason(), RefusalReason::kSharedVgNotHeld);
  EXPECT_EQ(s.message(), message);
}

TEST(SharedVgTest, ALocalVgNeedsNoLvmlockd) {
  const LockdState down{false, "lvmlockctl --info: Cannot connect to lvmlockd.", {}};
  EXPECT_TRUE(CheckOriginHeldHere({"vg", "", "", "wz--n-"}, kOrigin, kUuid, down).ok());
}

TEST(SharedVgTest, AnOriginHeldExclusivelyHereMayBeWritten) {
  EXPECT_TRUE(CheckOriginHeldHere(Shared(), kOrigin, kUuid, Held("ex")).ok());
  EXPECT_TRUE(CheckOriginHeldHere(Shared("dlm"), kOrigin, kUuid, Held("ex")).ok());
}

TEST(SharedVgTest, AnUnknownLockTypeIsRefused) {
  ExpectRefused(CheckOriginHeldHere(Shared("idm"), kOrigin, kUuid, Held("ex")),
                "volume group vgs is shared (lock type idm), a lock type lvm-revert does not "
                "know (it knows sanlock and dlm)");
}

TEST(SharedVgTest, WithoutLvmlockdItIsRefused) {
  ExpectRefused(CheckOriginHeldHere(Shared(), kOrigin, kUuid,
                                    {false, "lvmlockctl --info: Cannot connect to lvmlockd.", {}}),
                "volume group vgs is shared (lock type sanlock) and lvmlockd is not running "
                "here (lvmlockctl --info: Cannot connect to lvmlockd.): start lvmlockd, then run "
                "vgchange --lockstart vgs and lvchange -aey vgs/data");
}

TEST(SharedVgTest, WithoutItsLockspaceItIsRefused) {
  const std::string message =
      "volume group vgs is shared (lock type sanlock) and its lockspace is not started on this "
      "host: run vgchange --lockstart vgs, then lvchange -aey vgs/data";
  ExpectRefused(CheckOriginHeldHere(Shared(), kOrigin, kUuid, LockdState{true, "", {}}), message);
  ExpectRefused(CheckOriginHeldHere(Shared(), kOrigin, kUuid, Held("ex", false)), message);
}

TEST(SharedVgTest, AnOriginActiveSharedIsRefused) {
  ExpectRefused(CheckOriginHeldHere(Shared(), kOrigin, kUuid, Held("sh")),
                "vgs/data is active shared (lvmlockd holds its lock sh, so other hosts may have "
                "it active too): lvm-revert writes only an origin active exclusively on this "
                "host (lvchange -aey vgs/data, once no other host has it active)");
}

TEST(SharedVgTest, AnOriginNotActiveHereIsRefused) {
  const std::string message =
      "vgs/data is not active on this host under lvmlockd (shared volume group vgs): activate "
      "it exclusively first (lvchange -aey vgs/data)";
  ExpectRefused(CheckOriginHeldHere(Shared(), kOrigin, kUuid, Held("")), message);
  ExpectRefused(CheckOriginHeldHere(Shared(), kOrigin, kUuid, Held("un")), message);
}

}  // namespace
}  // namespace lvmrevert::lvmext
