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

// lvmconfig's answer and lvs's report, asked for at the same time.
struct ConfigAndReport {
  Status config_status;
  LvmConfig config;
  Status report_status;
  std::string report;
};

class LvmTools {
 public:
  virtual ~LvmTools() = default;
  // The JSON report for `vg` (see LvmView). kNotFound when the VG does not exist.
  virtual StatusOr<std::string> ReportVg(const std::string& vg) = 0;
  virtual StatusOr<LvmConfig> ReadConfig() = 0;
  // Both, concurrently where the tools allow; by default one after the other.
  virtual ConfigAndReport ReadConfigAndReportVg(const std::string& vg);
  virtual Status RemoveLv(const LvRef& lv) = 0;
  // Where LVM keeps its locks unless configured otherwise.
  virtual std::string default_locking_dir() const { return LvmConfig().locking_dir; }
};

// Runs the real commands (lvs, lvmconfig, lvremove) found on PATH.
class ProcessLvmTools final : public LvmTools {
 public:
  StatusOr<std::string> ReportVg(const std::string& vg) override;
  StatusOr<LvmConfig> ReadConfig() override;
  // Two processes at once: each LVM command starts slowly (it scans devices).
  ConfigAndReport ReadConfigAndReportVg(const std::string& vg) override;
  Status RemoveLv(const LvRef& lv) override;
};

// key=value lines as `lvmconfig` prints them; unknown keys are ignored.
LvmConfig ParseLvmConfig(const std::string& text);

}  // namespace lvmrevert::cli
