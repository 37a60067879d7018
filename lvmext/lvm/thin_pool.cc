#include "lvmext/lvm/thin_pool.h"

#include <algorithm>
#include <sstream>
#include <vector>

namespace lvmrevert::lvmext {
namespace {

bool ParseFraction(const std::string& text, uint64_t* used, uint64_t* total) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  try {
    size_t end = 0;
    *used = std::stoull(text.substr(0, slash), &end);
    if (end != slash) return false;
    const std::string rest = text.substr(slash + 1);
    *total = std::stoull(rest, &end);
    return end == rest.size() && *total > 0;
  } catch (const std::exception&) {
    return false;
  }
}

std::string Percent(double value) {
  std::ostringstream out;
  out.precision(2);
  out << std::fixed << value << "%";
  return out.str();
}

}  // namespace

StatusOr<ThinPoolStatus> ParseThinPoolStatus(const std::string& params) {
  std::istringstream in(params);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  ThinPoolStatus status;
  if (words.size() == 1 && words[0] == "Fail") {
    status.failed = true;
    return status;
  }
  if (words.size() < 5 ||
      !ParseFraction(words[1], &status.used_metadata_blocks, &status.total_metadata_blocks) ||
      !ParseFraction(words[2], &status.used_data_blocks, &status.total_data_blocks)) {
    return Status::Corruption("unexpected thin-pool status: " + params);
  }
  status.read_only = words[4] == "ro";
  status.out_of_data_space = words[4] == "out_of_data_space";
  status.needs_check = std::find(words.begin() + 5, words.end(), "needs_check") != words.end();
  return status;
}

Status CheckThinPoolTakesASnapshot(const std::string& pool, const ThinPoolStatus& status,
                                   unsigned threshold_percent, uint64_t metadata_bytes,
                                   uint64_t extra_data_blocks) {
  const auto refuse = [&pool](const std::string& why) {
    return Status::Refused("thin pool " + pool + " " + why +
                           ", so LVM would not create the copy the reset needs; nothing was "
                           "changed");
  };
  if (status.failed) return refuse("has failed");
  if (status.needs_check) return refuse("needs a check (thin_check, lvconvert --repair)");
  if (status.read_only) return refuse("is read-only");
  if (status.out_of_data_space) return refuse("is out of data space");
  const double data = 100.0 * static_cast<double>(status.used_data_blocks + extra_data_blocks) /
                      static_cast<double>(status.total_data_blocks);
  if (data > threshold_percent || data >= 100.0) {
    return refuse("has " + Percent(data) + " of its data in use, above " +
                  "activation/thin_pool_autoextend_threshold (" +
                  std::to_string(threshold_percent) + "%)");
  }
  const double metadata = 100.0 * static_cast<double>(status.used_metadata_blocks) /
                          static_cast<double>(status.total_metadata_blocks);
  // At least 4 MiB or 25% of the metadata must stay free, whichever is less.
  const double min_free =
      metadata_bytes == 0 ? 25.0
                          : std::min(25.0, 100.0 * (4.0 * 1024 * 1024) /
                                               static_cast<double>(metadata_bytes));
  if (metadata >= 100.0 - min_free || metadata > threshold_percent) {
    return refuse("has " + Percent(metadata) + " of its metadata in use, too little left free");
  }
  return Status::Ok();
}

}  // namespace lvmrevert::lvmext
