// Whose VG it is, by LVM's rules: system IDs, extra_system_ids, a host
// without an ID, and the exported and clustered flags.
#include "lvmext/lvm/vg_access.h"

#include <gtest/gtest.h>

namespace lvmrevert::lvmext {
namespace {

VgIdentity Vg(std::string system_id, std::string attr = "wz--n-", std::string lock_type = "") {
  return {"vgb", std::move(system_id), std::move(lock_type), std::move(attr)};
}

void ExpectRefused(const Status& s, const std::string& message) {
  EXPECT_EQ(s.code(), StatusCode::kRefused);
  EXPECT_EQ(s.reason(), RefusalReason::kNotThisHostsVg);
  EXPECT_EQ(s.message(), message);
}

TEST(VgAccessTest, AVgWithoutASystemIdIsAnyHosts) {
  EXPECT_TRUE(CheckVgBelongsHere(Vg(""), HostIdentity{"hostb", {}}).ok());
  EXPECT_TRUE(CheckVgBelongsHere(Vg(""), HostIdentity{"", {}}).ok());
}

TEST(VgAccessTest, TheOwnerMayUseIt) {
  EXPECT_TRUE(CheckVgBelongsHere(Vg("hosta"), HostIdentity{"hosta", {}}).ok());
}

TEST(VgAccessTest, AnotherHostsVgIsRefusedNamingBoth) {
  ExpectRefused(CheckVgBelongsHere(Vg("hosta"), HostIdentity{"hostb", {}}),
                "vgb belongs to host \"hosta\"; this host is \"hostb\" (LVM system ID)");
}

TEST(VgAccessTest, ExtraSystemIdsLetAHostUseAnothersVg) {
  EXPECT_TRUE(CheckVgBelongsHere(Vg("hosta"), HostIdentity{"hostb", {"hostc", "hosta"}}).ok());
  ExpectRefused(CheckVgBelongsHere(Vg("hosta"), HostIdentity{"hostb", {"hostc"}}),
                "vgb belongs to host \"hosta\"; this host is \"hostb\" (LVM system ID)");
}

// LVM reads extra_system_ids only when the host has an ID of its own.
TEST(VgAccessTest, AHostWithoutAnIdMayNotUseAVgWithOne) {
  ExpectRefused(CheckVgBelongsHere(Vg("hosta"), HostIdentity{"", {"hosta"}}),
                "vgb belongs to host \"hosta\"; this host has no LVM system ID, and so may use "
                "only VGs without one");
}

TEST(VgAccessTest, AnExportedVgIsRefused) {
  ExpectRefused(CheckVgBelongsHere(Vg("", "wzx-n-"), HostIdentity{"hostb", {}}),
                "volume group vgb is exported (vgexport): import it first (vgimport vgb)");
}

TEST(VgAccessTest, AVgStillMarkedClusteredIsRefused) {
  ExpectRefused(CheckVgBelongsHere(Vg("", "wz--nc"), HostIdentity{"hostb", {}}),
                "volume group vgb is still marked clustered (clvmd, gone since LVM 2.03): "
                "convert it first (vgchange --lock-type none vgb, or --lock-type sanlock|dlm to "
                "share it with lvmlockd)");
}

// Shared VGs have no system ID by design; their lock type is decided apart
// (preflight), so here they pass.
TEST(VgAccessTest, ASharedVgHasNoOwnerHere) {
  EXPECT_TRUE(CheckVgBelongsHere(Vg("", "wz--ns", "sanlock"), HostIdentity{"hostb", {}}).ok());
}

TEST(VgAccessTest, VerboseLineNamesIdsAndLockType) {
  EXPECT_EQ(DescribeVgAndHost(Vg("hosta", "wz--ns", "sanlock"), HostIdentity{"hostb", {}}),
            "volume group vgb: system ID hosta, lock type sanlock; this host's system ID hostb");
  EXPECT_EQ(DescribeVgAndHost(Vg(""), HostIdentity{"", {}}),
            "volume group vgb: system ID none, lock type none; this host's system ID none");
}

}  // namespace
}  // namespace lvmrevert::lvmext
