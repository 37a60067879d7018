// The plain implementation the benchmark compares against: the same reader
// and plan, then pread/pwrite of every run through the page cache and one
// fsync at the end. Not installed; benchmark only.
//
//   buffered-revert COW ORIGIN
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include "core/file_chunk_source.h"
#include "core/plan.h"
#include "core/store_reader.h"
#include "core/unique_fd.h"

int main(int argc, char** argv) {
  using namespace lvmrevert;
  if (argc != 3) {
    std::fprintf(stderr, "usage: buffered-revert COW ORIGIN\n");
    return 3;
  }
  UniqueFd cow(::open(argv[1], O_RDONLY | O_CLOEXEC));
  UniqueFd origin(::open(argv[2], O_RDWR | O_CLOEXEC));
  if (!cow.valid() || !origin.valid()) {
    std::perror("open");
    return 4;
  }
  const auto cow_size = static_cast<uint64_t>(::lseek(cow.get(), 0, SEEK_END));
  const auto origin_size = static_cast<uint64_t>(::lseek(origin.get(), 0, SEEK_END));
  FileChunkSource source(cow.get(), cow_size);
  StatusOr<ExceptionStore> store = ReadExceptionStore(source, StoreReadOptions{origin_size});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().message().c_str());
    return 4;
  }
  const uint64_t chunk_bytes = store->geometry().chunk_size_bytes();
  StatusOr<Plan> plan = Plan::Build(std::move(store->exceptions), chunk_bytes, origin_size);
  if (!plan.ok()) return 4;

  std::vector<char> buffer(1 << 20);
  bool ok = true;
  plan->ForEachRun([&](const ChunkRun& run) {
    uint64_t done = 0;
    while (done < run.length_bytes && ok) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(buffer.size(), run.length_bytes - done));
      ok = ::pread(cow.get(), buffer.data(), n, static_cast<off_t>(run.cow_chunk * chunk_bytes + done)) ==
               static_cast<ssize_t>(n) &&
           ::pwrite(origin.get(), buffer.data(), n,
                    static_cast<off_t>(run.origin_chunk * chunk_bytes + done)) == static_cast<ssize_t>(n);
      done += n;
    }
    return ok;
  });
  if (!ok || ::fsync(origin.get()) != 0) {
    std::perror("copy");
    return 5;
  }
  return 0;
}
