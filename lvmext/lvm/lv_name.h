// LVM names: VG/LV arguments, device-mapper names and UUIDs as LVM builds
// them (dm_build_dm_name, dm_build_dm_uuid in libdm).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace lvmrevert::lvmext {

struct LvRef {
  std::string vg;
  std::string lv;

  std::string full() const { return vg + "/" + lv; }
  friend bool operator==(const LvRef&, const LvRef&) = default;
};

// A name LVM accepts for a VG or LV: [A-Za-z0-9+_.-], not starting with '-',
// not "." or "..", at most 127 characters.
bool IsValidLvmName(std::string_view name);
// An LV tag as LVM accepts it (lib/misc/lvm-string.c, validate_tag).
bool IsValidLvmTag(std::string_view tag);

// "VG/LV" or "/dev/VG/LV". kInvalidArgument otherwise.
StatusOr<LvRef> ParseLvRef(std::string_view text);

// "<vg>-<lv>[-<layer>]" with every '-' inside a name doubled.
std::string DmName(const LvRef& lv, std::string_view layer = {});

// The VG, LV and layer ("real", "cow" or empty) of a device-mapper name that
// DmName built; nothing when `dm_name` is not of that shape.
struct SplitName {
  LvRef lv;
  std::string layer;
};
std::optional<SplitName> SplitDmName(std::string_view dm_name);

// "LVM-" + VG UUID + LV UUID (hyphens removed) [+ "-" + layer].
std::string DmUuid(std::string_view vg_uuid, std::string_view lv_uuid, std::string_view layer = {});

}  // namespace lvmrevert::lvmext
