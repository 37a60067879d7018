#include "lvmext/lvm/lvm_view.h"

#include <charconv>

#include <nlohmann/json.hpp>

namespace lvmrevert::lvmext {
namespace {

using Json = nlohmann::json;

// Deeper than any report lvs prints; a document nested deeper is not one.
constexpr int kMaxDepth = 64;
struct TooDeep {};

// Member `key` of `value` as a string; empty when `value` is not an object,
// has no such member or the member is not a string (lvs prints every field as
// a string).
std::string StringAt(const Json& value, const char* key) {
  if (!value.is_object()) return {};
  const auto it = value.find(key);
  return it != value.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// nlohmann's messages start with "[json.exception.parse_error.101] ".
std::string WithoutExceptionId(const char* what) {
  std::string message(what);
  if (!message.empty() && message.front() == '[') {
    const size_t end = message.find("] ");
    if (end != std::string::npos) message.erase(0, end + 2);
  }
  return message;
}

uint64_t ToNumber(const std::string& text) {
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

namespace {

// The report's documents of LVs: {"report": [{"lv": [...]}, ...]}.
StatusOr<std::vector<const Json*>> LvDocuments(const std::string& lvs_json, Json& doc) {
  try {
    doc = Json::parse(lvs_json, [](int depth, Json::parse_event_t, Json&) {
      if (depth > kMaxDepth) throw TooDeep{};
      return true;
    });
  } catch (const Json::exception& e) {
    return Status::Corruption("reading lvs output: JSON: " + WithoutExceptionId(e.what()));
  } catch (const TooDeep&) {
    return Status::Corruption("reading lvs output: JSON: nesting deeper than " +
                              std::to_string(kMaxDepth) + " levels");
  }
  const auto report = doc.is_object() ? doc.find("report") : doc.end();
  if (report == doc.end() || !report->is_array()) {
    return Status::Corruption("reading lvs output: no \"report\" array");
  }
  std::vector<const Json*> lvs;
  for (const Json& part : *report) {
    if (!part.is_object()) continue;
    const auto list = part.find("lv");
    if (list == part.end() || !list->is_array()) continue;
    for (const Json& lv : *list) lvs.push_back(&lv);
  }
  return lvs;
}

}  // namespace

StatusOr<std::map<std::string, std::string>> ReportsByVg(const std::string& lvs_json) {
  Json doc;
  StatusOr<std::vector<const Json*>> lvs = LvDocuments(lvs_json, doc);
  if (!lvs.ok()) return lvs.status();
  std::map<std::string, Json> by_vg;
  for (const Json* lv : *lvs) {
    Json& list = by_vg[StringAt(*lv, "vg_name")];
    if (list.is_null()) list = Json::array();
    list.push_back(*lv);
  }
  std::map<std::string, std::string> reports;
  for (auto& [vg, list] : by_vg) {
    reports[vg] = Json{{"report", Json::array({Json{{"lv", std::move(list)}}})}}.dump();
  }
  return reports;
}

StatusOr<LvmView> LvmView::Parse(const std::string& lvs_json) {
  Json doc;
  StatusOr<std::vector<const Json*>> lvs = LvDocuments(lvs_json, doc);
  if (!lvs.ok()) return lvs.status();
  LvmView view;
  for (const Json* each : *lvs) {
    const Json& lv = *each;
    LvRecord r;
    r.vg_name = StringAt(lv, "vg_name");
    r.vg_uuid = StringAt(lv, "vg_uuid");
    r.vg_lock_type = StringAt(lv, "vg_lock_type");
    r.vg_systemid = StringAt(lv, "vg_systemid");
    r.vg_attr = StringAt(lv, "vg_attr");
    r.vg_seqno = ToNumber(StringAt(lv, "vg_seqno"));
    r.name = StringAt(lv, "lv_name");
    r.uuid = StringAt(lv, "lv_uuid");
    r.attr = StringAt(lv, "lv_attr");
    r.origin = StringAt(lv, "origin");
    r.segtype = StringAt(lv, "segtype");
    r.merging = IsSet(StringAt(lv, "lv_merging"));
    r.chunk_size_bytes = ToNumber(StringAt(lv, "chunk_size"));
    r.size_bytes = ToNumber(StringAt(lv, "lv_size"));
    r.tags = SplitTags(StringAt(lv, "lv_tags"));
    r.pool = StringAt(lv, "pool_lv");
    r.metadata_size_bytes = ToNumber(StringAt(lv, "lv_metadata_size"));
    r.thin_id = ToNumber(StringAt(lv, "thin_id"));
    // Hidden LVs are listed in brackets ("[snapshot0]"); keep the bare name.
    if (r.name.size() > 2 && r.name.front() == '[' && r.name.back() == ']') {
      r.name = r.name.substr(1, r.name.size() - 2);
    }
    view.lvs_.push_back(std::move(r));
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

std::vector<const LvRecord*> LvmView::ThinSnapshotsOf(const std::string& origin_name) const {
  std::vector<const LvRecord*> out;
  for (const LvRecord& r : lvs_) {
    if (r.is_thin_snapshot() && r.origin == origin_name) out.push_back(&r);
  }
  return out;
}

}  // namespace lvmrevert::lvmext
