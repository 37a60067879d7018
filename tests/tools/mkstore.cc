// lvm-revert-mkstore: writes an origin image, an exception store in the
// kernel's layout, and the image a revert must produce. For the image tests
// and the benchmark; the VM suite checks its layout against the kernel's.
//
//   mkstore --out DIR --chunk-sectors 8 --origin-mib 64 --exceptions 3000
//           --pattern scatter|runs [--run-chunks 16] [--seed 1]
//           [--origin-tail-bytes 0]
//
// expected.img holds the snapshot's view, origin.img the same with every
// saved chunk overwritten, cow.img the store that saved them.
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstring>
#include <iostream>
#include <numeric>
#include <random>
#include <unordered_set>
#include <vector>

#include "core/aligned_buffer.h"
#include "core/unique_fd.h"
#include "tests/support/store_builder.h"

namespace {

using lvmrevert::Status;
using lvmrevert::UniqueFd;
using lvmrevert::testing::FillChunk;
using lvmrevert::testing::kSnapshotDataSeed;
using lvmrevert::testing::StoreBuilder;

constexpr uint64_t kOverwriteSeed = 0xd1ff;

// The origin chunks in the order they were first written after the snapshot.
std::vector<uint64_t> WriteOrder(const std::string& pattern, uint64_t origin_chunks,
                                 uint64_t exceptions, uint64_t run_chunks, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> order;
  order.reserve(exceptions);
  if (pattern == "scatter") {
    if (exceptions * 2 > origin_chunks) {
      // Dense: shuffle all chunks and keep a prefix.
      std::vector<uint64_t> all(origin_chunks);
      std::iota(all.begin(), all.end(), 0);
      std::shuffle(all.begin(), all.end(), rng);
      all.resize(exceptions);
      return all;
    }
    std::unordered_set<uint64_t> seen;
    std::uniform_int_distribution<uint64_t> pick(0, origin_chunks - 1);
    while (order.size() < exceptions) {
      const uint64_t c = pick(rng);
      if (seen.insert(c).second) order.push_back(c);
    }
    return order;
  }
  // runs: run_chunks-long sequential writes at random run-aligned places.
  const uint64_t slots = origin_chunks / run_chunks;
  std::vector<uint64_t> starts(slots);
  std::iota(starts.begin(), starts.end(), 0);
  std::shuffle(starts.begin(), starts.end(), rng);
  for (uint64_t slot : starts) {
    for (uint64_t i = 0; i < run_chunks && order.size() < exceptions; ++i) {
      order.push_back(slot * run_chunks + i);
    }
    if (order.size() == exceptions) break;
  }
  return order;
}

Status WriteImage(const std::string& path, uint64_t size_bytes, uint64_t chunk_bytes,
                  const std::vector<bool>& overwritten) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return Status::FromErrno(errno, "open " + path);
  const uint64_t batch_bytes = std::max<uint64_t>(chunk_bytes, 1 << 20);
  lvmrevert::AlignedBuffer buf(batch_bytes);
  for (uint64_t start = 0; start < size_bytes; start += batch_bytes) {
    const uint64_t length = std::min(batch_bytes, size_bytes - start);
    for (uint64_t off = 0; off < length; off += chunk_bytes) {
      const uint64_t chunk = (start + off) / chunk_bytes;
      const bool changed = !overwritten.empty() && overwritten[chunk];
      FillChunk(changed ? kOverwriteSeed : kSnapshotDataSeed, chunk,
                std::span(buf.data() + off, std::min(chunk_bytes, length - off)));
    }
    if (::pwrite(fd.get(), buf.data(), length, static_cast<off_t>(start)) !=
        static_cast<ssize_t>(length)) {
      return Status::FromErrno(errno, "write " + path);
    }
  }
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Write an origin, a kernel-layout exception store and the expected result");
  std::string out_dir;
  uint32_t chunk_sectors = 8;
  uint64_t origin_mib = 64;
  uint64_t origin_tail_bytes = 0;
  uint64_t exceptions = 1000;
  std::string pattern = "scatter";
  uint64_t run_chunks = 16;
  uint64_t seed = 1;
  bool metadata_only = false;
  app.add_option("--out", out_dir, "Output directory")->required();
  app.add_flag("--metadata-only", metadata_only,
               "Write only the store's header and areas (sparse data) and a sparse origin: "
               "for timing the reader and planner on huge tables");
  app.add_option("--chunk-sectors", chunk_sectors, "Chunk size in sectors");
  app.add_option("--origin-mib", origin_mib, "Origin size in MiB");
  app.add_option("--origin-tail-bytes", origin_tail_bytes, "Extra bytes after the last whole MiB");
  app.add_option("--exceptions", exceptions, "Chunks the snapshot saved");
  app.add_option("--pattern", pattern, "scatter or runs")
      ->check(CLI::IsMember({"scatter", "runs"}));
  app.add_option("--run-chunks", run_chunks, "Chunks per run (pattern runs)");
  app.add_option("--seed", seed, "Random seed");
  CLI11_PARSE(app, argc, argv);

  const StoreBuilder probe(chunk_sectors);
  const uint64_t chunk_bytes = probe.chunk_size_bytes();
  const uint64_t origin_bytes = origin_mib * (1 << 20) + origin_tail_bytes;
  const uint64_t origin_chunks = (origin_bytes + chunk_bytes - 1) / chunk_bytes;
  if (exceptions > origin_chunks || run_chunks == 0) {
    std::cerr << "mkstore: " << exceptions << " exceptions do not fit " << origin_chunks
              << " origin chunks\n";
    return 3;
  }

  StoreBuilder builder(chunk_sectors);
  std::vector<bool> overwritten(origin_chunks, false);
  for (uint64_t c : WriteOrder(pattern, origin_chunks, exceptions, run_chunks, seed)) {
    builder.Add(c);
    overwritten[c] = true;
  }

  Status s;
  if (metadata_only) {
    builder.SkipData();
    const std::string origin = out_dir + "/origin.img";
    UniqueFd fd(::open(origin.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid() || ::ftruncate(fd.get(), static_cast<off_t>(origin_bytes)) != 0) {
      s = Status::FromErrno(errno, "create " + origin);
    }
  } else {
    s = WriteImage(out_dir + "/expected.img", origin_bytes, chunk_bytes, {});
    if (s.ok()) s = WriteImage(out_dir + "/origin.img", origin_bytes, chunk_bytes, overwritten);
  }
  if (s.ok()) {
    const std::string cow = out_dir + "/cow.img";
    UniqueFd fd(::open(cow.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    s = fd.valid() ? builder.WriteTo(fd.get()) : Status::FromErrno(errno, "open " + cow);
  }
  if (!s.ok()) {
    std::cerr << "mkstore: " << s.message() << "\n";
    return 1;
  }
  std::cout << "exceptions=" << exceptions << " chunk_bytes=" << chunk_bytes
            << " origin_bytes=" << origin_bytes
            << " store_bytes=" << builder.StoreChunks() * chunk_bytes << "\n";
  return 0;
}
