#include "lvmext/boot/cmdline.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <sstream>

#include "lvmext/cli/tags.h"

namespace lvmrevert::lvmext {
namespace {

constexpr const char* kKey = "lvmrevert=";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool IsOneOf(const std::string& word, std::initializer_list<const char*> words) {
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return word == w; });
}

// The kernel lets a value be quoted ("off"); /proc/cmdline keeps the quotes.
std::string Unquoted(const std::string& value) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

// VG/LV:VG/SNAP or @TAG[,...]; false on the first malformed item.
bool ParsePairs(const std::string& value, std::vector<ScheduledRevert>* pairs,
                std::vector<std::string>* set_tags) {
  if (value.empty()) return false;
  std::istringstream items(value);
  std::string item;
  while (std::getline(items, item, ',')) {
    if (item.starts_with('@')) {
      if (!IsValidLvmTag(item.substr(1))) return false;
      set_tags->push_back(item.substr(1));
      continue;
    }
    const size_t colon = item.find(':');
    if (colon == std::string::npos) return false;
    StatusOr<LvRef> origin = ParseLvRef(item.substr(0, colon));
    StatusOr<LvRef> snapshot = ParseLvRef(item.substr(colon + 1));
    if (!origin.ok() || !snapshot.ok()) return false;
    pairs->push_back({*origin, *snapshot, kWhenCommandLine, VgIdentity{}, ""});
  }
  return !value.empty() && value.back() != ',';
}

}  // namespace

BootCommandLine ParseBootCommandLine(const std::string& text) {
  BootCommandLine cmdline;
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    if (word.rfind(kKey, 0) != 0) continue;
    const std::string value = Unquoted(word.substr(std::char_traits<char>::length(kKey)));
    const std::string lower = Lower(value);
    if (IsOneOf(lower, {"off", "0", "no", "false", "n"})) {
      if (cmdline.state != BootCommandLine::State::kInvalid) {
        cmdline.state = BootCommandLine::State::kOff;
        cmdline.switch_value = value;
      }
    } else if (IsOneOf(lower, {"on", "1", "yes", "true", "y"})) {
      continue;
    } else if (!ParsePairs(value, &cmdline.pairs, &cmdline.set_tags)) {
      cmdline.state = BootCommandLine::State::kInvalid;
      cmdline.why_invalid = "lvmrevert=" + value + " on the kernel command line is neither on/off "
                            "nor a list of VG/LV:VG/SNAP pairs and @TAG sets";
    }
  }
  if (cmdline.state != BootCommandLine::State::kOn) {
    cmdline.pairs.clear();
    cmdline.set_tags.clear();
  }
  return cmdline;
}

BootCommandLine ReadBootCommandLine(const std::string& path) {
  std::ifstream in(path);
  return ParseBootCommandLine(std::string(std::istreambuf_iterator<char>(in), {}));
}

}  // namespace lvmrevert::lvmext
