// The other snapshots of the origin: writing through the origin makes each
// save the chunks it has not saved yet, and one that runs out of room is
// invalidated by the kernel. What that costs them, said and refused.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/plan.h"
#include "core/status.h"
#include "core/store_reader.h"
#include "lvmext/cli/report.h"

namespace lvmrevert::lvmext {

// What the revert's `plan` costs the sibling `name` whose store is `store`
// (its origin `length_bytes` long).
SiblingReport AssessSiblingStore(const std::string& name, const Plan& plan,
                                 const ExceptionStore& store, uint64_t length_bytes);

// "Sibling snapshot VG/LV: the revert makes it save ..."
std::string SiblingLine(const SiblingReport& sibling);

// How much to extend a sibling that would overflow: its missing chunks and
// the metadata areas they take, in bytes.
uint64_t SiblingExtendBytes(const SiblingReport& sibling);

// The first sibling that would overflow refuses the revert, with the
// lvextend that makes room, unless `allow_invalidate`: then each is a
// warning.
Status RefuseSiblingOverflow(const std::vector<SiblingReport>& siblings, bool allow_invalidate,
                             const std::function<void(const std::string&)>& warn);

}  // namespace lvmrevert::lvmext
