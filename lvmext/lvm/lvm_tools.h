// The LVM commands lvm-revert runs: lvs (read-only, no locks), lvmconfig,
// lvremove for --remove-snapshot, lvchange for tags and activation. An
// interface so tests can fake them. They run as `lvm lvs ...`: an initramfs
// has the lvm binary but not always the links (lvs, lvchange, ...).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "lvmext/lvm/lockd_state.h"
#include "lvmext/lvm/lv_name.h"
#include "lvmext/lvm/vg_access.h"

namespace lvmrevert::lvmext {

struct LvmConfig {
  std::string locking_dir = "/run/lock/lvm";  // LVM's compiled-in default
  bool udev_sync = true;
  bool udev_rules = true;
  bool verify_udev_operations = false;
  // LVM refuses a new thin volume in a pool used above it (100: never).
  unsigned thin_pool_autoextend_threshold_percent = 100;
  HostIdentity host;  // `lvm systemid` and local/extra_system_ids
};

struct VgSpace {
  uint64_t free_bytes = 0;
  uint64_t extent_bytes = 0;
};

// What lvs could report of the tagged LVs of every VG. When one VG cannot be
// read (another host's, duplicated names, broken metadata) lvs still reports
// the others and fails: `problems` then holds its error lines.
struct TaggedReport {
  std::string json;
  std::vector<std::string> problems;
};

// Who protects a metadata change: LVM's own VG lock, or ours, already held
// (lvm-revert holds the VG lock across a revert, so LVM must not wait for
// it). In a shared VG ours guards only this host: lvmlockd's VG lock is
// still needed against the others (kCallerHoldsFileLock).
enum class VgLocking { kLvmLocks, kCallerHoldsLock, kCallerHoldsFileLock };

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
  // The same while one of our snapshots is suspended: LVM's scan skips
  // suspended devices instead of waiting for them (for us).
  virtual StatusOr<std::string> ReportVgWhileSuspended(const std::string& vg) {
    return ReportVg(vg);
  }
  // One report of several VGs (a set's), in one command. Any failure, a
  // VG missing or unreadable, fails it all: the caller then reads each VG
  // alone, for each its own answer. By default: not available.
  virtual StatusOr<std::string> ReportVgs(const std::vector<std::string>& vgs);
  virtual StatusOr<LvmConfig> ReadConfig() = 0;
  // Both, concurrently where the tools allow; by default one after the other.
  virtual ConfigAndReport ReadConfigAndReportVg(const std::string& vg);
  virtual Status RemoveLv(const LvRef& lv) = 0;
  // The report (as ReportVg) of the LVs of every VG that carry any of `tags`.
  virtual StatusOr<TaggedReport> ReportTagged(const std::vector<std::string>& tags) = 0;
  // The report (as ReportVg) of every LV of every VG.
  virtual StatusOr<TaggedReport> ReportAllVgs() = 0;
  // lvchange --addtag/--deltag, in one metadata commit.
  virtual Status ChangeTags(const LvRef& lv, const std::vector<std::string>& add,
                            const std::vector<std::string>& remove,
                            VgLocking locking = VgLocking::kLvmLocks) = 0;
  // lvchange -ay / -an (an origin activates and deactivates with its snapshots).
  virtual Status SetActive(const LvRef& lv, bool active) = 0;
  // vgs: the VG's free bytes and its extent size.
  virtual StatusOr<VgSpace> FreeSpace(const std::string& vg) = 0;
  // vgs --foreign: the VG's owner, lock type and flags, which vgs reports
  // where lvs refuses (an exported VG).
  virtual StatusOr<VgIdentity> ReportVgIdentity(const std::string& vg) = 0;
  // lvmlockctl --info --dump: what lvmlockd holds here (not running when
  // it does not answer).
  virtual LockdState ReadLockdState() = 0;
  // lvcreate -s: an old-style snapshot `name` of `origin`.
  virtual Status CreateSnapshot(const LvRef& origin, const std::string& name,
                                uint64_t chunk_size_bytes, uint64_t size_bytes) = 0;
  // The steps of a thin reset (revert/thin_steps.h); not every fake has them.
  // lvcreate -s -n COPY VG/SNAP: a thin snapshot of the snapshot, with
  // `tags`, read-only when asked, and the activation-skip flag given.
  virtual Status CreateThinCopy(const LvRef& snapshot, const std::string& copy_name,
                                const std::vector<std::string>& tags, bool read_only,
                                bool activation_skip, VgLocking locking);
  // lvconvert --merge of a thin snapshot into its origin.
  virtual Status MergeThin(const LvRef& snapshot, VgLocking locking);
  virtual Status RenameLv(const LvRef& lv, const std::string& new_name, VgLocking locking);
  // lvchange -ay/-an -K: also an LV flagged to be skipped at activation.
  virtual Status ActivateSkipped(const LvRef& lv, bool active, VgLocking locking);
  // Where LVM keeps its locks unless configured otherwise.
  virtual std::string default_locking_dir() const { return LvmConfig().locking_dir; }
};

// Runs the real commands (lvs, lvmconfig, lvremove) found on PATH.
class ProcessLvmTools final : public LvmTools {
 public:
  StatusOr<std::string> ReportVg(const std::string& vg) override;
  StatusOr<std::string> ReportVgWhileSuspended(const std::string& vg) override;
  StatusOr<std::string> ReportVgs(const std::vector<std::string>& vgs) override;
  StatusOr<LvmConfig> ReadConfig() override;
  // Two processes at once: each LVM command starts slowly (it scans devices).
  ConfigAndReport ReadConfigAndReportVg(const std::string& vg) override;
  Status RemoveLv(const LvRef& lv) override;
  StatusOr<TaggedReport> ReportTagged(const std::vector<std::string>& tags) override;
  StatusOr<TaggedReport> ReportAllVgs() override;
  Status ChangeTags(const LvRef& lv, const std::vector<std::string>& add,
                    const std::vector<std::string>& remove, VgLocking locking) override;
  Status SetActive(const LvRef& lv, bool active) override;
  StatusOr<VgSpace> FreeSpace(const std::string& vg) override;
  StatusOr<VgIdentity> ReportVgIdentity(const std::string& vg) override;
  LockdState ReadLockdState() override;
  Status CreateSnapshot(const LvRef& origin, const std::string& name, uint64_t chunk_size_bytes,
                        uint64_t size_bytes) override;
  Status CreateThinCopy(const LvRef& snapshot, const std::string& copy_name,
                        const std::vector<std::string>& tags, bool read_only, bool activation_skip,
                        VgLocking locking) override;
  Status MergeThin(const LvRef& snapshot, VgLocking locking) override;
  Status RenameLv(const LvRef& lv, const std::string& new_name, VgLocking locking) override;
  Status ActivateSkipped(const LvRef& lv, bool active, VgLocking locking) override;
};

// key=value lines as `lvmconfig` prints them (commented, "# key=value", for
// --typeconfig default); unknown keys are ignored.
LvmConfig ParseLvmConfig(const std::string& text);

}  // namespace lvmrevert::lvmext
