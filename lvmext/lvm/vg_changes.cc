#include "lvmext/lvm/vg_changes.h"

namespace lvmrevert::lvmext {
namespace {

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : ",") + w;
  return out.empty() ? "none" : out;
}

void Compare(const std::string& name, const std::string& field, const std::string& before,
             const std::string& after, std::vector<std::string>* lines) {
  if (before != after) lines->push_back(name + " " + field + " " + before + " -> " + after);
}

}  // namespace

std::vector<std::string> DescribeVgChanges(const std::string& vg, const LvmView& before,
                                           const LvmView& after, const std::string& own_tags_lv) {
  std::vector<std::string> lines;
  for (const LvRecord& was : before.lvs()) {
    const std::string name = vg + "/" + was.name;
    const LvRecord* now = after.Find(was.name);
    if (now == nullptr) {
      lines.push_back(name + " removed");
      continue;
    }
    Compare(name, "size (bytes)", std::to_string(was.size_bytes), std::to_string(now->size_bytes),
            &lines);
    Compare(name, "lv_attr", was.attr, now->attr, &lines);
    Compare(name, "origin", was.origin.empty() ? "none" : was.origin,
            now->origin.empty() ? "none" : now->origin, &lines);
    if (was.name != own_tags_lv) Compare(name, "tags", Joined(was.tags), Joined(now->tags), &lines);
  }
  for (const LvRecord& now : after.lvs()) {
    if (before.Find(now.name) == nullptr) lines.push_back(vg + "/" + now.name + " added");
  }
  return lines;
}

}  // namespace lvmrevert::lvmext
