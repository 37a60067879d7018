#include "lvmext/lv_name.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace lvmrevert::cli {
namespace {

std::string DoubleHyphens(std::string_view s) {
  std::string out;
  for (char c : s) {
    out += c;
    if (c == '-') out += '-';
  }
  return out;
}

std::string WithoutHyphens(std::string_view s) {
  std::string out;
  std::copy_if(s.begin(), s.end(), std::back_inserter(out), [](char c) { return c != '-'; });
  return out;
}

}  // namespace

bool IsValidLvmName(std::string_view name) {
  if (name.empty() || name.size() > 127 || name == "." || name == ".." || name[0] == '-') {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '_' || c == '.' ||
           c == '-';
  });
}

StatusOr<LvRef> ParseLvRef(std::string_view text) {
  std::string_view rest = text;
  if (rest.substr(0, 5) == "/dev/") rest.remove_prefix(5);
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos || rest.find('/', slash + 1) != std::string_view::npos) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not of the form VG/LV");
  }
  LvRef ref{std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1))};
  if (!IsValidLvmName(ref.vg) || !IsValidLvmName(ref.lv)) {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a valid VG/LV name (LVM names use A-Z a-z 0-9 + _ . -)");
  }
  return ref;
}

std::string DmName(const LvRef& lv, std::string_view layer) {
  std::string name = DoubleHyphens(lv.vg) + "-" + DoubleHyphens(lv.lv);
  if (!layer.empty()) name += "-" + DoubleHyphens(layer);
  return name;
}

std::optional<SplitName> SplitDmName(std::string_view dm_name) {
  // A lone '-' separates the parts; "--" is a '-' inside one (dm_split_lvm_name).
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < dm_name.size(); ++i) {
    if (dm_name[i] != '-') {
      parts.back() += dm_name[i];
    } else if (i + 1 < dm_name.size() && dm_name[i + 1] == '-') {
      parts.back() += '-';
      ++i;
    } else {
      parts.emplace_back();
    }
  }
  if (parts.size() < 2 || parts.size() > 3 || !IsValidLvmName(parts[0]) ||
      !IsValidLvmName(parts[1])) {
    return std::nullopt;
  }
  return SplitName{LvRef{parts[0], parts[1]}, parts.size() == 3 ? parts[2] : ""};
}

std::string DmUuid(std::string_view vg_uuid, std::string_view lv_uuid, std::string_view layer) {
  std::string uuid = "LVM-" + WithoutHyphens(vg_uuid) + WithoutHyphens(lv_uuid);
  if (!layer.empty()) uuid += "-" + std::string(layer);
  return uuid;
}

}  // namespace lvmrevert::cli
