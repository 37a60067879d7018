// A snapshot set reverted as one (lvm-revert(8), SETS): every member is
// resolved, every VG involved is locked in LVM's order and held to the end,
// every member is checked before any is written, and then the members are
// written one after another, each snapshot suspended only while its member
// is copied. Scheduling a set for boot runs the same way, with a tag for
// an act.
#pragma once

#include <functional>
#include <memory>

#include "lvmext/cli/environment.h"
#include "lvmext/cli/options.h"
#include "lvmext/cli/report.h"
#include "lvmext/revert/lvm_session.h"
#include "lvmext/system/console.h"

namespace lvmrevert::lvmext {

// One member's session, given the member's options (set_member is set).
using MemberSessionMaker =
    std::function<std::unique_ptr<LvmSession>(const Options&, Console&, Environment&)>;

// What a set does with its members: a session for an old-style member, and
// one for a thin member (thin_revert.h).
struct MemberMakers {
  MemberSessionMaker old_style;
  MemberSessionMaker thin;
};

// The set of `options.set`, its members made by `make`.
Report RunSet(const Options& options, Console& console, Environment& env, const MemberMakers& make);

// The tag that keeps a set scheduled for boot together (tags.h), from how
// the command line named the set and its first member's origin.
std::string SetTagOf(const SetSpec& set, const LvRef& first_origin);

// The set as a command line names it again: "@TAG", "--snapset NAME" or
// the snapshots.
std::string SetWords(const SetSpec& set);

// The members of `options.set` as LVM reports them now, in their order.
StatusOr<std::vector<Options>> MemberOptions(const Options& options, LvmTools& lvm);

}  // namespace lvmrevert::lvmext
