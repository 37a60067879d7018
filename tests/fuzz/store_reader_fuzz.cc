// libFuzzer target: any byte string as an exception store. The reader must
// never crash, and whatever it accepts must make a plan that stays inside the
// origin and the store.
#include <cstddef>
#include <cstdint>

#include "core/plan.h"
#include "core/store_reader.h"

namespace {

constexpr uint64_t kOriginSizeBytes = uint64_t{1} << 30;

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lvmrevert;
  MemoryChunkSource source({reinterpret_cast<const std::byte*>(data), size});
  StatusOr<ExceptionStore> store =
      ReadExceptionStore(source, StoreReadOptions{kOriginSizeBytes});
  if (!store.ok()) {
    Check(!store.status().message().empty());
    return 0;
  }
  const store::Geometry g = store->geometry();
  const uint64_t chunk_bytes = g.chunk_size_bytes();
  Check(store->store_chunks * chunk_bytes <= size);
  for (size_t i = 0; i < store->exceptions.size(); ++i) {
    const Exception& e = store->exceptions[i];
    Check(e.cow_chunk < store->store_chunks && !g.IsMetadataChunk(e.cow_chunk));
    Check(e.origin_chunk * chunk_bytes < kOriginSizeBytes);
    Check(i == 0 || store->exceptions[i - 1].origin_chunk < e.origin_chunk);
  }

  const uint64_t count = store->exceptions.size();
  StatusOr<Plan> plan = Plan::Build(std::move(store->exceptions), chunk_bytes, kOriginSizeBytes);
  Check(plan.ok());  // the reader's guarantees are exactly the plan's needs
  uint64_t chunks = 0, bytes = 0, runs = 0;
  plan->ForEachRun([&](const ChunkRun& run) {
    Check(run.chunk_count > 0);
    Check((run.cow_chunk + run.chunk_count) * chunk_bytes <= size);
    Check(run.origin_chunk * chunk_bytes + run.length_bytes <= kOriginSizeBytes);
    chunks += run.chunk_count;
    bytes += run.length_bytes;
    ++runs;
    return true;
  });
  Check(chunks == count && bytes == plan->totals().bytes && runs == plan->totals().runs);
  return 0;
}
