#include "lvmext/lvm/dm_table.h"

#include <libdevmapper.h>
#include <sys/sysmacros.h>

#include <charconv>
#include <memory>
#include <sstream>
#include <vector>

namespace lvmrevert::lvmext {
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
  // libdm's parser, as lvs uses it: exactly "Invalid", "Merge failed" or
  // "Overflow", or "<used>/<total>[ <metadata>]"; anything else ("Unknown")
  // is an error.
  const std::unique_ptr<dm_pool, decltype(&dm_pool_destroy)> pool(
      dm_pool_create("lvm-revert snapshot status", 128), &dm_pool_destroy);
  if (!pool) return Status::IOError("cannot allocate memory for a snapshot status");
  dm_status_snapshot* parsed = nullptr;
  if (!dm_get_status_snapshot(pool.get(), params.c_str(), &parsed) || parsed == nullptr) {
    return Status::Corruption("snapshot status '" + params + "' is not understood");
  }
  SnapshotStatus s;
  s.invalid = parsed->invalid != 0;
  s.overflow = parsed->overflow != 0;
  s.merge_failed = parsed->merge_failed != 0;
  s.used_sectors = parsed->used_sectors;
  s.total_sectors = parsed->total_sectors;
  s.has_metadata_sectors = parsed->has_metadata_sectors != 0;
  s.metadata_sectors = parsed->metadata_sectors;
  return s;
}

}  // namespace lvmrevert::lvmext
