// What a revert does to the *other* snapshots of the same origin. Writing
// through the snapshot-origin target makes the kernel save, into every other
// snapshot, each chunk (in that snapshot's chunk size) it has not saved yet
// (__origin_write in dm-snap.c). A snapshot that runs out of room is
// invalidated, so we count before writing.
#pragma once

#include <cstdint>

#include "core/plan.h"
#include "core/store_reader.h"

namespace lvmrevert {

struct SiblingImpact {
  uint64_t new_chunks = 0;   // chunks the revert makes the sibling save
  uint64_t free_chunks = 0;  // chunks it can still save without being invalidated
  bool would_overflow() const { return new_chunks > free_chunks; }
};

// How many more exceptions `sibling` can commit before the kernel invalidates
// it: data chunks left after its highest allocated chunk, less any that would
// fill an area whose successor lies past the end of the store (the kernel
// zeroes that successor when an area fills, and invalidates if it cannot).
uint64_t RemainingCapacity(const ExceptionStore& sibling);

// `sibling_origin_bytes` is the length of the sibling's snapshot table: the
// kernel copies nothing for writes past it.
SiblingImpact AssessSibling(const Plan& plan, const ExceptionStore& sibling,
                            uint64_t sibling_origin_bytes);

}  // namespace lvmrevert
