#include "lvmext/cli/plan_output.h"

#include <cstdint>
#include <cstdio>

#include "core/store_format.h"

namespace lvmrevert::lvmext {
namespace {

constexpr uint64_t kSector = store::kSectorBytes;

void DdLine(std::ostream& out, uint64_t seek, uint64_t skip, uint64_t count,
            const std::string& bs, bool direct) {
  out << "dd of=\"$origin\" seek=" << seek << " if=\"$cow\"" << (direct ? " iflag=direct" : "")
      << " skip=" << skip << " count=" << count << " bs=" << bs << " conv=notrunc status=none\n";
}

}  // namespace

std::string MiB(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

uint64_t UsedHundredthsOfPercent(uint64_t used, uint64_t total) {
  // Halving both keeps used * 10000 within 64 bits for any chunk count.
  while (used > UINT64_MAX / 10000) {
    used >>= 1;
    total >>= 1;
  }
  return total == 0 ? 0 : used * 10000 / total;
}

std::string UsedPercent(uint64_t used, uint64_t total) {
  const uint64_t hundredths = UsedHundredthsOfPercent(used, total);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu.%02llu", static_cast<unsigned long long>(hundredths / 100),
                static_cast<unsigned long long>(hundredths % 100));
  return buf;
}

void WriteDdScript(std::ostream& out, const Plan& plan) {
  const uint64_t chunk_bytes = plan.chunk_size_bytes();
  const uint64_t chunk_sectors = chunk_bytes / kSector;
  const PlanTotals& t = plan.totals();
  out << "#!/bin/sh\n"
      << "# lvm-revert plan: chunk size " << chunk_sectors << " sectors, " << t.exceptions
      << " exceptions in " << t.runs << " runs, " << t.bytes << " bytes\n"
      << "# Run as: origin=ORIGIN cow=STORE sh SCRIPT (the origin unused, the snapshot idle)\n"
      << "set -eu\n"
      << ": \"${origin:?set origin= to the origin device or image}\" "
         "\"${cow:?set cow= to the exception store}\"\n";
  const std::string bs = std::to_string(chunk_sectors) + "b";
  plan.ForEachRun([&](const ChunkRun& run) {
    const uint64_t whole_chunks = run.length_bytes / chunk_bytes;
    if (whole_chunks > 0) DdLine(out, run.origin_chunk, run.cow_chunk, whole_chunks, bs, true);
    const uint64_t tail_bytes = run.length_bytes % chunk_bytes;
    if (tail_bytes > 0) {
      // The origin ends inside this chunk: copy only what lies inside it.
      const uint64_t origin_byte = (run.origin_chunk + whole_chunks) * chunk_bytes;
      const uint64_t cow_byte = (run.cow_chunk + whole_chunks) * chunk_bytes;
      if (tail_bytes % kSector == 0) {
        DdLine(out, origin_byte / kSector, cow_byte / kSector, tail_bytes / kSector, "1b", true);
      } else {
        DdLine(out, origin_byte, cow_byte, tail_bytes, "1", false);
      }
    }
    return true;
  });
  // dd wrote through the page cache: the plan is done once it is on disk.
  out << "sync\n";
}

void WriteRunList(std::ostream& out, const Plan& plan) {
  plan.ForEachRun([&](const ChunkRun& run) {
    out << "  origin chunk " << run.origin_chunk << " <- store chunk " << run.cow_chunk << ", "
        << run.chunk_count << (run.chunk_count == 1 ? " chunk, " : " chunks, ")
        << run.length_bytes << " bytes\n";
    return true;
  });
}

}  // namespace lvmrevert::lvmext
