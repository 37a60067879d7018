#include "lvmext/dm_table.h"

#include <sys/sysmacros.h>

#include <charconv>
#include <sstream>
#include <vector>

namespace lvmrevert::cli {
namespace {

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

StatusOr<dev_t> ParseDevice(const std::string& text) {
  const size_t colon = text.find(':');
  unsigned major_number = 0, minor_number = 0;
  if (colon == std::string::npos ||
      !ParseNumber(std::string_view(text).substr(0, colon), &major_number) ||
      !ParseNumber(std::string_view(text).substr(colon + 1), &minor_number)) {
    return Status::Corruption("'" + text + "' is not a major:minor device");
  }
  return makedev(major_number, minor_number);
}

StatusOr<SnapshotTable> ParseSnapshotParams(const std::string& params) {
  const std::vector<std::string> w = Words(params);
  if (w.size() < 4) return Status::Corruption("snapshot table '" + params + "' has too few fields");
  StatusOr<dev_t> origin = ParseDevice(w[0]);
  if (!origin.ok()) return origin.status();
  StatusOr<dev_t> cow = ParseDevice(w[1]);
  if (!cow.ok()) return cow.status();
  SnapshotTable t;
  t.origin_dev = *origin;
  t.cow_dev = *cow;
  t.persistent = w[2] == "P" || w[2] == "PO" || w[2] == "p" || w[2] == "po";
  if (!ParseNumber(std::string_view(w[3]), &t.chunk_size_sectors)) {
    return Status::Corruption("snapshot table '" + params + "' has a bad chunk size");
  }
  return t;
}

StatusOr<dev_t> ParseOriginParams(const std::string& params) {
  const std::vector<std::string> w = Words(params);
  if (w.size() != 1) return Status::Corruption("snapshot-origin table '" + params + "' is not one device");
  return ParseDevice(w[0]);
}

StatusOr<SnapshotStatus> ParseSnapshotStatus(const std::string& params) {
  SnapshotStatus s;
  if (params.rfind("Invalid", 0) == 0) {
    s.invalid = true;
    return s;
  }
  if (params.rfind("Overflow", 0) == 0) {
    s.overflow = true;
    return s;
  }
  if (params.rfind("Merge failed", 0) == 0) {
    s.merge_failed = true;
    return s;
  }
  const std::vector<std::string> w = Words(params);
  const size_t slash = w.empty() ? std::string::npos : w[0].find('/');
  if (slash == std::string::npos ||
      !ParseNumber(std::string_view(w[0]).substr(0, slash), &s.used_sectors) ||
      !ParseNumber(std::string_view(w[0]).substr(slash + 1), &s.total_sectors) ||
      (w.size() > 1 && !ParseNumber(std::string_view(w[1]), &s.metadata_sectors))) {
    return Status::Corruption("snapshot status '" + params + "' is not understood");
  }
  return s;
}

}  // namespace lvmrevert::cli
