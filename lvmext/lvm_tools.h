// The LVM commands lvm-revert runs: lvs (read-only, no locks), lvmconfig,
// and lvremove for --remove-snapshot. An interface so tests can fake them.
#pragma once

#include <string>

#include "core/status.h"
#include "lvmext/lv_name.h"

namespace lvmrevert::cli {

struct LvmConfig {
  std::string locking_dir = "/run/lock/lvm";  // LVM's compiled-in default
  bool udev_sync = true;
  bool udev_rules = true;
  bool verify_udev_operations = false;
};

class LvmTools {
 public:
  virtual ~LvmTools() = default;
  // The JSON report for `vg` (see LvmView). kNotFound when the VG does not exist.
  virtual StatusOr<std::string> ReportVg(const std::string& vg) = 0;
  virtual StatusOr<LvmConfig> ReadConfig() = 0;
  virtual Status RemoveLv(const LvRef& lv) = 0;
};

// Runs the real commands (lvs, lvmconfig, lvremove) found on PATH.
class ProcessLvmTools final : public LvmTools {
 public:
  StatusOr<std::string> ReportVg(const std::string& vg) override;
  StatusOr<LvmConfig> ReadConfig() override;
  Status RemoveLv(const LvRef& lv) override;
};

// key=value lines as `lvmconfig` prints them; unknown keys are ignored.
LvmConfig ParseLvmConfig(const std::string& text);

}  // namespace lvmrevert::cli
