#include "lvmext/lvm/lockd_state.h"

#include <sstream>

namespace lvmrevert::lvmext {
namespace {

// "info=ls ls_name=lvm_vg vg_name=vg ...": the key=value words of a line.
std::map<std::string, std::string> Fields(const std::string& line) {
  std::map<std::string, std::string> fields;
  std::istringstream in(line);
  for (std::string word; in >> word;) {
    const size_t eq = word.find('=');
    if (eq != std::string::npos) fields[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return fields;
}

}  // namespace

const Lockspace* LockdState::Find(const std::string& vg_name) const {
  for (const Lockspace& ls : lockspaces) {
    if (ls.vg_name == vg_name) return &ls;
  }
  return nullptr;
}

LockdState ParseLockdDump(const std::string& text) {
  LockdState state;
  state.running = true;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::map<std::string, std::string> f = Fields(line);
    if (f["info"] == "ls") {
      Lockspace ls;
      ls.vg_name = f["vg_name"];
      ls.lock_type = f["lm_type"];
      ls.started = f["create_done"] == "1" && f["create_fail"] == "0" && f["thread_stop"] == "0";
      state.lockspaces.push_back(std::move(ls));
    } else if (f["info"] == "r" && f["type"] == "lv" && !state.lockspaces.empty()) {
      state.lockspaces.back().lv_lock_modes[f["name"]] = f["mode"];
    }
  }
  return state;
}

}  // namespace lvmrevert::lvmext
