// Reverts scheduled for boot, by LV tag (see boot_tags.h): cancelling one
// and listing them. Scheduling itself is the LVM form's --at-next-boot and
// --at-every-boot (lvm_form.cc), which make the revert's checks first.
#pragma once

#include <string>
#include <vector>

#include "lvmext/system/console.h"
#include "lvmext/cli/environment.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/lvm_view.h"
#include "lvmext/cli/options.h"
#include "lvmext/cli/report.h"

namespace lvmrevert::lvmext {

// What the tags say, in every VG that could be read, and what could not be.
struct ScheduledList {
  std::vector<ScheduledRevert> reverts;
  std::vector<std::string> problems;  // LVM's words about the VGs it could not read
};

// Every snapshot in every VG that carries a schedule tag or the mark of a
// revert under way (incomplete first, then next-boot, when one carries
// several), and every origin marked by an interrupted --restore.
StatusOr<ScheduledList> ListScheduled(LvmTools& lvm);

// The schedule tags (tags.h) and set tags `snapshot` carries: what --cancel
// removes and a new schedule replaces.
std::vector<std::string> ScheduleTagsOn(const LvRecord& snapshot);

// --cancel VG/LV VG/SNAP: removes the schedule tags from the snapshot.
Report RunCancel(const Options& options, Console& console, Environment& env);

// --cancel with a set: RunCancel for every member, which also drops the
// set's tag.
Report RunSetCancel(const Options& options, Console& console, Environment& env);

// --list-scheduled [--json].
Report RunListScheduled(const Options& options, Console& console, Environment& env);

}  // namespace lvmrevert::lvmext
