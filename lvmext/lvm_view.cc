#include "lvmext/lvm_view.h"

#include <charconv>

#include "lvmext/json_value.h"

namespace lvmrevert::cli {
namespace {

uint64_t ToBytes(const std::string& text) {
  uint64_t value = 0;
  // --units b --nosuffix prints plain integers; anything else counts as 0.
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// lvs prints binary fields as "" or a word ("merging"), as 0/1 with
// --binary, and as "unknown" when --readonly cannot tell.
bool IsSet(const std::string& text) {
  return !text.empty() && text != "0" && text != "unknown";
}

// lvs joins tags with commas; a tag cannot hold one.
std::vector<std::string> SplitTags(const std::string& text) {
  std::vector<std::string> tags;
  size_t start = 0;
  while (start < text.size()) {
    const size_t comma = text.find(',', start);
    const size_t end = comma == std::string::npos ? text.size() : comma;
    if (end > start) tags.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return tags;
}

}  // namespace

bool LvRecord::has_tag(const std::string& tag) const {
  for (const std::string& t : tags) {
    if (t == tag) return true;
  }
  return false;
}

StatusOr<LvmView> LvmView::Parse(const std::string& lvs_json) {
  StatusOr<JsonValue> doc = ParseJson(lvs_json);
  if (!doc.ok()) return doc.status().WithPrefix("reading lvs output");
  const JsonValue* report = doc->Find("report");
  if (report == nullptr || !report->is_array()) {
    return Status::Corruption("reading lvs output: no \"report\" array");
  }
  LvmView view;
  for (const JsonValue& part : report->array()) {
    const JsonValue* lvs = part.Find("lv");
    if (lvs == nullptr || !lvs->is_array()) continue;
    for (const JsonValue& lv : lvs->array()) {
      LvRecord r;
      r.vg_name = lv.StringAt("vg_name");
      r.vg_uuid = lv.StringAt("vg_uuid");
      r.vg_lock_type = lv.StringAt("vg_lock_type");
      r.name = lv.StringAt("lv_name");
      r.uuid = lv.StringAt("lv_uuid");
      r.attr = lv.StringAt("lv_attr");
      r.origin = lv.StringAt("origin");
      r.segtype = lv.StringAt("segtype");
      r.merging = IsSet(lv.StringAt("lv_merging"));
      r.chunk_size_bytes = ToBytes(lv.StringAt("chunk_size"));
      r.size_bytes = ToBytes(lv.StringAt("lv_size"));
      r.tags = SplitTags(lv.StringAt("lv_tags"));
      // Hidden LVs are listed in brackets ("[snapshot0]"); keep the bare name.
      if (r.name.size() > 2 && r.name.front() == '[' && r.name.back() == ']') {
        r.name = r.name.substr(1, r.name.size() - 2);
      }
      view.lvs_.push_back(std::move(r));
    }
  }
  return view;
}

const LvRecord* LvmView::Find(const std::string& lv_name) const {
  for (const LvRecord& r : lvs_) {
    if (r.name == lv_name) return &r;
  }
  return nullptr;
}

std::vector<const LvRecord*> LvmView::SnapshotsOf(const std::string& origin_name) const {
  std::vector<const LvRecord*> out;
  for (const LvRecord& r : lvs_) {
    if (r.is_old_style_snapshot() && r.origin == origin_name) out.push_back(&r);
  }
  return out;
}

}  // namespace lvmrevert::cli
