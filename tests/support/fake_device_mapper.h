// Device-mapper and LVM tools as a test describes them: devices with tables,
// status lines and open counts, an lvs report, and a log of what was
// suspended, resumed and removed.
#pragma once

#include <sys/sysmacros.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "lvmext/lvm/device_mapper.h"
#include "lvmext/lvm/lvm_tools.h"

namespace lvmrevert::testing {

struct FakeDmDevice {
  lvmext::DmInfo info;
  std::vector<lvmext::DmTarget> table;
  std::vector<lvmext::DmTarget> status;
};

class FakeDeviceMapper final : public lvmext::DeviceMapper {
 public:
  std::map<std::string, FakeDmDevice> devices;
  std::vector<std::string> calls;  // "suspend NAME", "resume NAME"
  std::function<void(const std::string&)> on_suspend;
  bool fail_resume = false;

  StatusOr<lvmext::DmInfo> Info(const std::string& name) override {
    auto it = devices.find(name);
    if (it == devices.end()) return lvmext::DmInfo{};
    return it->second.info;
  }
  StatusOr<std::vector<lvmext::DmTarget>> Table(const std::string& name) override {
    auto it = devices.find(name);
    if (it == devices.end()) return Status::IOError("no device " + name);
    return it->second.table;
  }
  StatusOr<std::vector<lvmext::DmTarget>> TargetStatus(const std::string& name) override {
    auto it = devices.find(name);
    if (it == devices.end()) return Status::IOError("no device " + name);
    return it->second.status;
  }
  StatusOr<std::vector<lvmext::DmDevice>> List() override {
    std::vector<lvmext::DmDevice> out;
    for (const auto& [name, d] : devices) out.push_back({name, d.info.dev});
    return out;
  }
  Status Suspend(const std::string& name) override {
    calls.push_back("suspend " + name);
    devices.at(name).info.suspended = true;
    if (on_suspend) on_suspend(name);
    return Status::Ok();
  }
  Status Resume(const std::string& name, const lvmext::UdevPolicy&) override {
    calls.push_back("resume " + name);
    if (fail_resume) return Status::IOError("resume failed");
    devices.at(name).info.suspended = false;
    return Status::Ok();
  }

  bool AnySuspended() const {
    for (const auto& [name, d] : devices) {
      if (d.info.suspended) return true;
    }
    return false;
  }
};

class FakeLvmTools final : public lvmext::LvmTools {
 public:
  std::string lvs_json;
  bool vg_missing = false;
  Status fail_report_vg;  // lvs VG fails so
  lvmext::LvmConfig config;
  std::vector<std::string> removed;

  std::string default_dir;  // empty: the configured one
  int reports = 0;
  int configs = 0;
  // Called with the count as each ReportVg starts: one a run of the LVM form.
  std::function<void(int)> on_report_vg;

  StatusOr<std::string> ReportVg(const std::string& vg) override {
    ++reports;
    if (on_report_vg) on_report_vg(reports);
    if (vg_missing) return Status::NotFound("volume group " + vg + " not found");
    if (!fail_report_vg.ok()) return fail_report_vg;
    return lvs_json;
  }
  // ReportVgs answers with lvs_json (every VG's LVs), or fails so.
  Status fail_report_vgs;
  int reports_of_several_vgs = 0;
  StatusOr<std::string> ReportVgs(const std::vector<std::string>&) override {
    ++reports;
    ++reports_of_several_vgs;
    if (!fail_report_vgs.ok()) return fail_report_vgs;
    return lvs_json;
  }
  // Reports asked for while one of our snapshots is suspended.
  int reports_while_suspended = 0;
  StatusOr<std::string> ReportVgWhileSuspended(const std::string& vg) override {
    ++reports_while_suspended;
    return ReportVg(vg);
  }
  StatusOr<lvmext::LvmConfig> ReadConfig() override {
    ++configs;
    return config;
  }
  std::string default_locking_dir() const override {
    return default_dir.empty() ? config.locking_dir : default_dir;
  }
  Status RemoveLv(const lvmext::LvRef& lv) override {
    removed.push_back(lv.full());
    return Status::Ok();
  }

  // ReportTagged answers with tagged_json (or lvs_json when it is empty)
  // and tagged_problems, and logs the calls below as "tags VG/LV +a -b"
  // ("... [our lock]" when the caller holds the VG lock), "activate VG/LV", ...
  // A tag change that succeeds is passed to on_change_tags.
  std::string tagged_json;
  std::vector<std::string> tagged_problems;
  Status fail_report_tagged;
  std::vector<std::string> changes;
  Status fail_changes;
  // Fails only the tag changes whose log entry contains this text.
  std::string fail_changes_matching;
  std::function<void(const lvmext::LvRef&, bool)> on_set_active;
  std::function<void(const lvmext::LvRef&, const std::vector<std::string>&,
                     const std::vector<std::string>&)>
      on_change_tags;

  StatusOr<lvmext::TaggedReport> ReportTagged(const std::vector<std::string>&) override {
    if (!fail_report_tagged.ok()) return fail_report_tagged;
    return lvmext::TaggedReport{tagged_json.empty() ? lvs_json : tagged_json, tagged_problems};
  }
  StatusOr<lvmext::TaggedReport> ReportAllVgs() override {
    ++reports;
    return lvmext::TaggedReport{lvs_json, tagged_problems};
  }
  Status ChangeTags(const lvmext::LvRef& lv, const std::vector<std::string>& add,
                    const std::vector<std::string>& remove, lvmext::VgLocking locking) override {
    std::string entry = "tags " + lv.full();
    for (const auto& t : add) entry += " +" + t;
    for (const auto& t : remove) entry += " -" + t;
    if (locking == lvmext::VgLocking::kCallerHoldsLock) entry += " [our lock]";
    if (locking == lvmext::VgLocking::kCallerHoldsFileLock) entry += " [our lock, lvmlockd's]";
    changes.push_back(entry);
    if (!fail_changes_matching.empty() && entry.find(fail_changes_matching) != std::string::npos) {
      return Status::IOError("lvchange (tags) " + lv.full() + " failed (exit 5): Cannot change VG " +
                             lv.vg + " while PVs are missing.");
    }
    if (fail_changes.ok() && on_change_tags) on_change_tags(lv, add, remove);
    return fail_changes;
  }
  lvmext::VgSpace space{1 << 30, 4 << 20};
  std::function<void(const lvmext::LvRef&, const std::string&, uint64_t, uint64_t)> on_create;
  StatusOr<lvmext::VgSpace> FreeSpace(const std::string&) override { return space; }
  // What vgs --foreign says of a VG lvs could not read; an error by default.
  StatusOr<lvmext::VgIdentity> vg_identity = Status::IOError("vgs failed");
  StatusOr<lvmext::VgIdentity> ReportVgIdentity(const std::string&) override {
    return vg_identity;
  }
  // What lvmlockctl says: not running unless a test says otherwise.
  lvmext::LockdState lockd{false, "lvmlockctl --info: Cannot connect to lvmlockd.", {}};
  int lockd_reads = 0;
  lvmext::LockdState ReadLockdState() override {
    ++lockd_reads;
    return lockd;
  }
  Status CreateSnapshot(const lvmext::LvRef& origin, const std::string& name, uint64_t chunk,
                        uint64_t size) override {
    changes.push_back("create " + origin.vg + "/" + name + " of " + origin.full() + " chunk " +
                      std::to_string(chunk) + " size " + std::to_string(size));
    if (on_create) on_create(origin, name, chunk, size);
    return fail_changes;
  }
  // The thin reset's steps, logged as "thin-copy VG/SNAP as COPY +tags [-pr] -k y|n",
  // "merge VG/SNAP", "rename VG/LV NEW", "activate-k VG/LV"; each that
  // succeeds is passed to on_thin_step with its entry.
  std::function<void(const std::string&)> on_thin_step;
  Status RecordThinStep(std::string entry, lvmext::VgLocking locking) {
    if (locking == lvmext::VgLocking::kCallerHoldsFileLock) entry += " [our lock, lvmlockd's]";
    changes.push_back(entry);
    if (!fail_changes_matching.empty() && entry.find(fail_changes_matching) != std::string::npos) {
      return Status::IOError(entry + " failed (exit 5)");
    }
    if (fail_changes.ok() && on_thin_step) on_thin_step(entry);
    return fail_changes;
  }
  Status CreateThinCopy(const lvmext::LvRef& snapshot, const std::string& copy_name,
                        const std::vector<std::string>& tags, bool read_only, bool skip,
                        lvmext::VgLocking locking) override {
    std::string entry = "thin-copy " + snapshot.full() + " as " + copy_name;
    for (const auto& t : tags) entry += " +" + t;
    return RecordThinStep(entry + (read_only ? " -pr" : "") + (skip ? " -k y" : " -k n"), locking);
  }
  Status MergeThin(const lvmext::LvRef& snapshot, lvmext::VgLocking locking) override {
    return RecordThinStep("merge " + snapshot.full(), locking);
  }
  Status RenameLv(const lvmext::LvRef& lv, const std::string& new_name,
                  lvmext::VgLocking locking) override {
    return RecordThinStep("rename " + lv.full() + " " + new_name, locking);
  }
  Status ActivateSkipped(const lvmext::LvRef& lv, bool active,
                         lvmext::VgLocking locking) override {
    return RecordThinStep((active ? "activate-k " : "deactivate-k ") + lv.full(), locking);
  }
  Status SetActive(const lvmext::LvRef& lv, bool active) override {
    changes.push_back((active ? "activate " : "deactivate ") + lv.full());
    if (on_set_active) on_set_active(lv, active);
    return fail_changes;
  }
};

}  // namespace lvmrevert::testing
