// Reads a persistent exception store the way the kernel loads it
// (read_header() and read_exceptions() in dm-snap-persistent.c), but checks
// everything the kernel takes on trust: a damaged store must be refused
// before a single byte is written to the origin.
#pragma once

#include <cstdint>

#include "core/chunk_source.h"
#include "core/exception_list.h"
#include "core/status.h"
#include "core/store_format.h"

namespace lvmrevert {

struct StoreReadOptions {
  // Every old_chunk must lie inside an origin of this size.
  uint64_t origin_size_bytes = 0;
};

struct ExceptionStore {
  uint32_t chunk_size_sectors = 0;
  uint64_t store_chunks = 0;       // whole chunks the store device holds
  uint64_t metadata_areas = 0;     // areas read, the last (not full) one included
  ExceptionList exceptions;        // sorted by origin_chunk, no duplicates

  store::Geometry geometry() const { return store::Geometry(chunk_size_sectors); }
};

// Errors: kRefused for a store the kernel marked invalid; kCorruption for
// anything that violates the format, naming the area and entry; kIOError when
// the source cannot be read.
StatusOr<ExceptionStore> ReadExceptionStore(ChunkSource& source,
                                            const StoreReadOptions& options);

// Only the header, validated as ReadExceptionStore does.
StatusOr<store::DiskHeader> ReadStoreHeader(ChunkSource& source);

}  // namespace lvmrevert
