// A flat-ish JSON object written field by field, with correct string escaping.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace lvmrevert::cli {

std::string JsonQuote(const std::string& s);

class JsonObject {
 public:
  JsonObject& Add(const std::string& key, const std::string& value);
  JsonObject& Add(const std::string& key, const char* value) { return Add(key, std::string(value)); }
  JsonObject& Add(const std::string& key, uint64_t value);
  JsonObject& Add(const std::string& key, bool value);
  JsonObject& Add(const std::string& key, double value);
  // Writes null when the value is unknown.
  JsonObject& Add(const std::string& key, const std::optional<uint64_t>& value);
  // `json` must already be valid JSON (an array or object).
  JsonObject& AddRaw(const std::string& key, const std::string& json);

  std::string str() const { return "{" + body_ + "}"; }

 private:
  void Key(const std::string& key);
  std::string body_;
};

}  // namespace lvmrevert::cli
