#include "lvmext/lvm/snapset_name.h"

#include <charconv>

namespace lvmrevert::lvmext {
namespace {

// ".." -> '.', ".xx" -> the byte 0xxx, then "--" -> '-' and '-' -> '/'.
std::optional<std::string> DecodeMountPoint(const std::string& encoded) {
  std::string unescaped;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '.') {
      unescaped += encoded[i];
    } else if (i + 1 < encoded.size() && encoded[i + 1] == '.') {
      unescaped += '.';
      ++i;
    } else {
      unsigned value = 0;
      const char* first = encoded.data() + i + 1;
      if (i + 2 >= encoded.size() || std::from_chars(first, first + 2, value, 16).ptr != first + 2) {
        return std::nullopt;
      }
      unescaped += static_cast<char>(value);
      i += 2;
    }
  }
  std::string path;
  for (size_t i = 0; i < unescaped.size(); ++i) {
    if (unescaped[i] == '-' && i + 1 < unescaped.size() && unescaped[i + 1] == '-') {
      path += '-';
      ++i;
    } else {
      path += unescaped[i] == '-' ? '/' : unescaped[i];
    }
  }
  // snapm writes "/" alone as "-"; "/var" as "-var".
  return path;
}

}  // namespace

std::optional<SnapsetName> ParseSnapsetName(const std::string& lv_name, const std::string& origin) {
  const std::string prefix = origin + "-snapset_";
  if (origin.empty() || lv_name.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  const std::string rest = lv_name.substr(prefix.size());
  const size_t set_end = rest.find('_');
  if (set_end == std::string::npos || set_end == 0) return std::nullopt;
  const size_t time_end = rest.find('_', set_end + 1);
  if (time_end == std::string::npos || time_end == set_end + 1) return std::nullopt;
  SnapsetName name;
  name.set = rest.substr(0, set_end);
  const char* digits = rest.data() + set_end + 1;
  const char* digits_end = rest.data() + time_end;
  if (std::from_chars(digits, digits_end, name.timestamp).ptr != digits_end) return std::nullopt;
  std::optional<std::string> mount = DecodeMountPoint(rest.substr(time_end + 1));
  if (!mount || mount->empty()) return std::nullopt;
  name.mount_point = std::move(*mount);
  return name;
}

}  // namespace lvmrevert::lvmext
