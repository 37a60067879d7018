#include "lvmext/revert/siblings.h"

#include "core/sibling_impact.h"
#include "core/store_format.h"

namespace lvmrevert::lvmext {
namespace {

std::string CeilMiB(uint64_t bytes) {
  return std::to_string((bytes + (1 << 20) - 1) >> 20) + "M";
}

}  // namespace

SiblingReport AssessSiblingStore(const std::string& name, const Plan& plan,
                                 const ExceptionStore& store, uint64_t length_bytes) {
  const SiblingImpact impact = AssessSibling(plan, store, length_bytes);
  SiblingReport r;
  r.name = name;
  r.chunk_size_bytes = store.geometry().chunk_size_bytes();
  r.new_chunks = impact.new_chunks;
  r.free_chunks = impact.free_chunks;
  r.would_overflow = impact.would_overflow();
  return r;
}

std::string SiblingLine(const SiblingReport& r) {
  return "Sibling snapshot " + r.name + ": the revert makes it save " +
         std::to_string(r.new_chunks) + " chunks of " + std::to_string(r.chunk_size_bytes) +
         " bytes; it has room for " + std::to_string(r.free_chunks) +
         (r.would_overflow ? " (it would overflow)." : ".");
}

uint64_t SiblingExtendBytes(const SiblingReport& r) {
  const uint64_t missing_chunks = r.new_chunks - r.free_chunks;
  const store::Geometry geometry(static_cast<uint32_t>(r.chunk_size_bytes / store::kSectorBytes));
  return (missing_chunks + geometry.AreaChunksFor(missing_chunks)) * r.chunk_size_bytes;
}

Status RefuseSiblingOverflow(const std::vector<SiblingReport>& siblings, bool allow_invalidate,
                             const std::function<void(const std::string&)>& warn) {
  for (const SiblingReport& r : siblings) {
    if (!r.would_overflow) continue;
    const std::string what =
        "sibling snapshot " + r.name + " would overflow: the revert makes it save " +
        std::to_string(r.new_chunks) + " more chunks but it has room for " +
        std::to_string(r.free_chunks) + "; the kernel would invalidate it";
    if (allow_invalidate) {
      warn(what + " (--allow-invalidate given)");
      continue;
    }
    return Status::Refused(what + ". Extend it first (lvextend -L +" +
                           CeilMiB(SiblingExtendBytes(r)) + " " + r.name +
                           ") or pass --allow-invalidate")
        .WithReason(RefusalReason::kSiblingWouldOverflow);
  }
  return Status::Ok();
}

}  // namespace lvmrevert::lvmext
