// What changed in a VG's metadata between two reads of it, in words: in a
// shared VG another host can change it while lvm-revert writes (it may even
// remove the snapshot: lvremove of a COW snapshot takes no LV lock before
// LVM 2.03.31), and the admin must be told what.
#pragma once

#include <string>
#include <vector>

#include "lvmext/lvm/lvm_view.h"

namespace lvmrevert::lvmext {

// One line per LV that was removed, added or changed (size, lv_attr,
// origin, tags), e.g. "vg/snap removed", "vg/lv tags a -> a,b". The tags of
// `own_tags_lv` are left out: lvm-revert changes them itself.
std::vector<std::string> DescribeVgChanges(const std::string& vg, const LvmView& before,
                                           const LvmView& after,
                                           const std::string& own_tags_lv = "");

}  // namespace lvmrevert::lvmext
