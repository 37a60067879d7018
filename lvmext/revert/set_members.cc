#include "lvmext/revert/set_members.h"

#include <algorithm>
#include <map>
#include <set>

#include "lvmext/lvm/snapset_name.h"

namespace lvmrevert::lvmext {
namespace {

const LvRecord* Find(const std::vector<LvRecord>& lvs, const LvRef& ref) {
  for (const LvRecord& r : lvs) {
    if (r.vg_name == ref.vg && r.name == ref.lv) return &r;
  }
  return nullptr;
}

Status NotASnapshot(const std::string& what) {
  return Status::Refused(what + " is not a snapshot, so it has no origin to revert")
      .WithReason(RefusalReason::kPairMismatch);
}

StatusOr<SetMember> MemberOf(const LvRecord& snapshot) {
  const LvRef ref{snapshot.vg_name, snapshot.name};
  if (snapshot.origin.empty()) return NotASnapshot(ref.full());
  return SetMember{{snapshot.vg_name, snapshot.origin}, ref};
}

StatusOr<std::vector<SetMember>> Named(const std::vector<LvRef>& snapshots,
                                       const std::vector<LvRecord>& lvs) {
  std::vector<SetMember> members;
  std::set<std::string> seen;
  for (const LvRef& ref : snapshots) {
    if (!seen.insert(ref.full()).second) {
      return Status::InvalidArgument(ref.full() + " is named twice")
          .WithReason(RefusalReason::kBadCommandLine);
    }
    const LvRecord* lv = Find(lvs, ref);
    if (lv == nullptr) {
      return Status::Refused("logical volume " + ref.full() + " not found")
          .WithReason(RefusalReason::kPairMismatch);
    }
    StatusOr<SetMember> member = MemberOf(*lv);
    if (!member.ok()) return member.status();
    members.push_back(*member);
  }
  return members;
}

StatusOr<std::vector<SetMember>> Tagged(const std::string& tag, const std::vector<LvRecord>& lvs) {
  std::vector<SetMember> members;
  for (const LvRecord& lv : lvs) {
    if (!lv.has_tag(tag)) continue;
    StatusOr<SetMember> member = MemberOf(lv);
    if (!member.ok()) return member.status().WithPrefix("tag @" + tag);
    members.push_back(*member);
  }
  if (members.empty()) return Status::Refused("no snapshot carries the tag @" + tag);
  return members;
}

StatusOr<std::vector<SetMember>> Snapset(const std::string& name,
                                         const std::vector<LvRecord>& lvs) {
  std::vector<SetMember> members;
  std::map<uint64_t, std::string> timestamps;  // -> a member that has it
  for (const LvRecord& lv : lvs) {
    const std::optional<SnapsetName> parsed = ParseSnapsetName(lv.name, lv.origin);
    if (!parsed || parsed->set != name) continue;
    members.push_back({{lv.vg_name, lv.origin}, {lv.vg_name, lv.name}});
    timestamps.emplace(parsed->timestamp, lv.vg_name + "/" + lv.name);
  }
  if (members.empty()) {
    return Status::Refused("no snapshot of snapshot set " + name + " (snapm: <origin>-snapset_" +
                           name + "_<timestamp>_<mount point>) was found");
  }
  if (timestamps.size() > 1) {
    const auto first = timestamps.begin();
    const auto second = std::next(first);
    return Status::Refused("the snapshots of snapshot set " + name +
                           " disagree on its timestamp (" + first->second + ": " +
                           std::to_string(first->first) + ", " + second->second + ": " +
                           std::to_string(second->first) + "): two sets of one name?");
  }
  return members;
}

}  // namespace

StatusOr<std::vector<SetMember>> ResolveSet(const SetSpec& spec, const std::vector<LvRecord>& lvs) {
  StatusOr<std::vector<SetMember>> members =
      spec.kind == SetSpec::Kind::kSnapshots ? Named(spec.snapshots, lvs)
      : spec.kind == SetSpec::Kind::kTag     ? Tagged(spec.name, lvs)
                                             : Snapset(spec.name, lvs);
  if (!members.ok()) return members;
  std::sort(members->begin(), members->end(), [](const SetMember& a, const SetMember& b) {
    return a.origin.full() < b.origin.full() ||
           (a.origin == b.origin && a.snapshot.full() < b.snapshot.full());
  });
  for (size_t i = 1; i < members->size(); ++i) {
    const SetMember& a = (*members)[i - 1];
    const SetMember& b = (*members)[i];
    if (a.origin == b.origin) {
      return Status::InvalidArgument(a.snapshot.full() + " and " + b.snapshot.full() +
                                     " are both snapshots of " + a.origin.full() +
                                     ": a set reverts each origin to one snapshot")
          .WithReason(RefusalReason::kBadCommandLine);
    }
  }
  return members;
}

bool NamesASet(const LvmView& view, const LvRef& first, const LvRef& second) {
  const LvRecord* lv = view.Find(first.lv);
  const LvRecord* snapshot = view.Find(second.lv);
  return lv != nullptr && !lv->origin.empty() &&
         (snapshot == nullptr || snapshot->origin != first.lv);
}

std::vector<std::string> LockOrder(const std::vector<SetMember>& members) {
  std::set<std::string> vgs;
  for (const SetMember& m : members) vgs.insert(m.origin.vg);
  return {vgs.begin(), vgs.end()};
}

}  // namespace lvmrevert::lvmext
