// Just enough JSON to read `lvs --reportformat json`: objects, arrays,
// strings, numbers, true/false/null. No dependency beyond the standard library.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lvmrevert::cli {

class JsonValue {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

  Kind kind() const { return kind_; }
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_string() const { return kind_ == Kind::kString; }

  const std::string& string() const { return text_; }
  const std::vector<JsonValue>& array() const { return items_; }
  // Member `key`, or nullptr when this is not an object or has no such key.
  const JsonValue* Find(const std::string& key) const;
  // Member `key` as a string; empty when missing or not a string.
  std::string StringAt(const std::string& key) const;

 private:
  friend class JsonParser;
  Kind kind_ = Kind::kNull;
  std::string text_;  // strings, and numbers as written
  std::vector<JsonValue> items_;
  std::map<std::string, JsonValue> members_;
};

StatusOr<JsonValue> ParseJson(std::string_view text);

}  // namespace lvmrevert::cli
