#include "lvmext/cli/help_text.h"

#include <cctype>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include "lvmext/cli/option_table.h"

namespace lvmrevert::lvmext {
namespace {

constexpr std::string_view kDescription =
    "Revert an LVM origin to an old-style snapshot by copying the chunks saved in\n"
    "the snapshot's exception store back onto it. The snapshot is only read and\n"
    "stays usable.\n";
constexpr size_t kWidth = 79;
constexpr size_t kHelpColumn = 30;

// `words` after `indent` spaces, wrapped at kWidth; the first line continues
// `first` (which it pads to the indent, or ends when it is longer).
std::string Wrapped(std::string first, size_t indent, const std::vector<std::string>& words) {
  std::string text;
  std::string line = std::move(first);
  if (!line.empty() && line.size() + 2 > indent) {
    text = line + "\n";
    line.clear();
  }
  line.resize(indent, ' ');
  bool empty = true;
  for (const std::string& word : words) {
    if (!empty && line.size() + 1 + word.size() > kWidth) {
      text += line + "\n";
      line.assign(indent, ' ');
      empty = true;
    }
    line += (empty ? "" : " ") + word;
    empty = false;
  }
  return text + line + "\n";
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// "FILE", or the words of a word option: "text|json|dd".
std::string ValueShown(const OptionSpec& option) {
  if (option.value == ValueKind::kNone) return "";
  if (option.words.empty()) return std::string(option.value_name);
  std::string shown;
  for (std::string_view word : option.words) {
    shown += (shown.empty() ? "" : "|") + std::string(word);
  }
  return shown;
}

// "-t, --test" or "--format text|json|dd".
std::string Spelled(const OptionSpec& option) {
  std::string spelled;
  for (std::string_view name : AllNames(option)) {
    spelled += (spelled.empty() ? "" : ", ") + std::string(name);
  }
  const std::string value = ValueShown(option);
  return value.empty() ? spelled : spelled + " " + value;
}

bool Shown(const OptionSpec& option) {
  return option.group != Group::kHidden && option.group != Group::kHelp;
}

// Taken by every form that checks rules: "[options]" in the usage.
bool Common(const OptionSpec& option) { return (option.modes & kCheckedModes) == kCheckedModes; }

// The options a form takes beyond its usage line and the common ones.
std::vector<std::string> FormOptions(const FormSpec& form) {
  std::vector<std::string> shown;
  const bool checked = (form.mode & kCheckedModes) != 0;
  for (const OptionSpec& option : OptionTable()) {
    if (!Shown(option) || (option.modes & form.mode) == 0) continue;
    if (checked && Common(option)) continue;
    if (form.usage.find(LongName(option)) != std::string_view::npos) continue;
    const std::string value = ValueShown(option);
    shown.push_back("[" + std::string(LongName(option)) + (value.empty() ? "" : " " + value) + "]");
  }
  return shown;
}

std::string Usage() {
  std::string text = "Usage:\n";
  for (const FormSpec& form : FormTable()) {
    text += "  lvm-revert " + std::string(form.usage) + "\n";
    std::string what(form.what);
    what[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(what[0])));
    text += Wrapped("", 6, Words(what + "."));
    const std::vector<std::string> options = FormOptions(form);
    if (!options.empty()) text += Wrapped("", 6, options);
  }
  std::vector<std::string> common;
  for (const OptionSpec& option : OptionTable()) {
    if (Shown(option) && Common(option)) common.push_back(std::string(LongName(option)));
  }
  std::string joined;
  for (const std::string& name : common) joined += (joined.empty() ? "" : " ") + name;
  return text + "\n" + Wrapped("", 0, Words("[options] in the first five forms: " + joined));
}

std::string Groups() {
  std::string text;
  for (Group group : {Group::kLvmForm, Group::kOfflineForm, Group::kOutput, Group::kUndoVerify,
                      Group::kBootScheduling, Group::kTuning, Group::kHelp}) {
    text += "\n" + std::string(GroupTitle(group)) + ":\n";
    for (const OptionSpec& option : OptionTable()) {
      if (option.group == group) {
        text += Wrapped("  " + Spelled(option), kHelpColumn, Words(HelpOf(option)));
      }
    }
  }
  return text;
}

std::string_view KindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNone: return "none";
    case ValueKind::kFile: return "file";
    case ValueKind::kNewName: return "name";
    case ValueKind::kNumber: return "number";
    case ValueKind::kWord: return "word";
  }
  return "none";
}

}  // namespace

std::string HelpText() { return std::string(kDescription) + "\n" + Usage() + Groups(); }

std::string CompletionList() {
  std::string text;
  for (const OptionSpec& option : OptionTable()) {
    if (option.group == Group::kHidden) continue;
    std::string words;
    for (std::string_view word : option.words) {
      words += (words.empty() ? "\t" : " ") + std::string(word);
    }
    for (std::string_view name : AllNames(option)) {
      text += std::string(name) + "\t" + std::string(KindName(option.value)) + words + "\n";
    }
  }
  return text;
}

}  // namespace lvmrevert::lvmext
