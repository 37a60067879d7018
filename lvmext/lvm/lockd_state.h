// What lvmlockd holds on this host, as `lvmlockctl --info --dump` prints it
// (daemons/lvmlockd/lvmlockd-core.c, print_lockspace and print_resource):
// which lockspaces are started and in which mode each LV lock is held. An
// outside program cannot take lvmlockd's locks, so lvm-revert only reads
// them, and writes in a shared VG only when the origin's is ex here.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lvmrevert::lvmext {

struct Lockspace {
  std::string vg_name;
  std::string lock_type;  // lm_type: sanlock, dlm
  // create_done=1 create_fail=0 thread_stop=0: listed is not enough, a
  // lockspace is listed while it starts and after it failed to.
  bool started = false;
  // LV UUID (dashed, as lvs prints lv_uuid) -> mode: un, nl, sh, ex.
  std::map<std::string, std::string> lv_lock_modes;
};

struct LockdState {
  bool running = false;
  std::string not_running_reason;  // lvmlockctl's words when it is not
  std::vector<Lockspace> lockspaces;

  const Lockspace* Find(const std::string& vg_name) const;
};

// Parses the dump; a resource line belongs to the lockspace listed before it.
LockdState ParseLockdDump(const std::string& text);

}  // namespace lvmrevert::lvmext
