// Reading what a --json run printed: exactly one JSON object on one line.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace lvmrevert::lvmext {

// The object, or a null value after recording a test failure when `out` is
// not one JSON object followed by one newline.
inline nlohmann::json OneJsonObject(const std::string& out) {
  if (out.empty() || out.back() != '\n' || out.find('\n') != out.size() - 1) {
    ADD_FAILURE() << "not one line ending in a newline: " << out;
    return nullptr;
  }
  nlohmann::json j = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << out;
    return nullptr;
  }
  return j;
}

}  // namespace lvmrevert::lvmext
