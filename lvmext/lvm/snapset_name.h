// snapm's snapshot names (snapm/manager/plugins/_plugin.py,
// parse_snapshot_name): "<origin>-snapset_<set>_<timestamp>_<mount point>",
// the mount point with '/' as '-', '-' as "--", '.' as ".." and other
// characters as ".xx" (hex). snapm groups a set by these names alone; it
// sets no tags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lvmrevert::lvmext {

struct SnapsetName {
  std::string set;  // has no '_' (snapm refuses one)
  uint64_t timestamp = 0;
  std::string mount_point;  // decoded: "/", "/var", ...
};

// Parsed as snapm parses `lv_name` of a snapshot of `origin`; nothing when
// it is not such a name.
std::optional<SnapsetName> ParseSnapsetName(const std::string& lv_name, const std::string& origin);

}  // namespace lvmrevert::lvmext
