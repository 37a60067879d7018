#include <libdevmapper.h>
#include <sys/sysmacros.h>

#include <cstdarg>
#include <cstdio>
#include <memory>
#include <string>

#include "lvmext/lvm/device_mapper.h"

namespace lvmrevert::lvmext {
namespace {

// libdm reports errors through a log callback; keep the last one for our
// own message instead of letting it print to stderr.
thread_local std::string last_dm_error;

void CaptureDmLog(int level, const char*, int, int, const char* format, ...) {
  if ((level & 7) > 3) return;  // errors only
  char buf[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  last_dm_error = buf;
}

struct TaskDeleter {
  void operator()(dm_task* t) const { dm_task_destroy(t); }
};
using Task = std::unique_ptr<dm_task, TaskDeleter>;

Status DmError(const std::string& what) {
  std::string detail = last_dm_error.empty() ? "device-mapper call failed" : last_dm_error;
  last_dm_error.clear();
  return Status::IOError(what + ": " + detail);
}

StatusOr<Task> RunTask(int type, const std::string& name, const std::string& what) {
  Task t(dm_task_create(type));
  if (!t) return DmError(what);
  if (!name.empty() && !dm_task_set_name(t.get(), name.c_str())) return DmError(what);
  if (!dm_task_run(t.get())) return DmError(what);
  return t;
}

StatusOr<std::vector<DmTarget>> Targets(int type, const std::string& name, const std::string& what) {
  StatusOr<Task> t = RunTask(type, name, what);
  if (!t.ok()) return t.status();
  std::vector<DmTarget> targets;
  void* next = nullptr;
  do {
    uint64_t start = 0, length = 0;
    char* target_type = nullptr;
    char* params = nullptr;
    next = dm_get_next_target(t->get(), next, &start, &length, &target_type, &params);
    if (target_type != nullptr) {
      targets.push_back(DmTarget{start, length, target_type, params != nullptr ? params : ""});
    }
  } while (next != nullptr);
  return targets;
}

}  // namespace

LibDeviceMapper::LibDeviceMapper() { dm_log_with_errno_init(CaptureDmLog); }

StatusOr<DmInfo> LibDeviceMapper::Info(const std::string& name) {
  StatusOr<Task> t = RunTask(DM_DEVICE_INFO, name, "device-mapper info " + name);
  if (!t.ok()) return t.status();
  dm_info info{};
  if (!dm_task_get_info(t->get(), &info)) return DmError("device-mapper info " + name);
  DmInfo out;
  out.exists = info.exists != 0;
  if (!out.exists) return out;
  out.suspended = info.suspended != 0;
  out.open_count = info.open_count;
  out.dev = makedev(static_cast<unsigned>(info.major), static_cast<unsigned>(info.minor));
  const char* n = dm_task_get_name(t->get());
  const char* u = dm_task_get_uuid(t->get());
  out.name = n != nullptr ? n : name;
  out.uuid = u != nullptr ? u : "";
  return out;
}

StatusOr<std::vector<DmTarget>> LibDeviceMapper::Table(const std::string& name) {
  return Targets(DM_DEVICE_TABLE, name, "device-mapper table " + name);
}

StatusOr<std::vector<DmTarget>> LibDeviceMapper::TargetStatus(const std::string& name) {
  return Targets(DM_DEVICE_STATUS, name, "device-mapper status " + name);
}

StatusOr<std::vector<DmDevice>> LibDeviceMapper::List() {
  StatusOr<Task> t = RunTask(DM_DEVICE_LIST, "", "listing device-mapper devices");
  if (!t.ok()) return t.status();
  std::vector<DmDevice> devices;
  dm_names* names = dm_task_get_names(t->get());
  if (names == nullptr || names->dev == 0) return devices;
  unsigned next = 0;
  do {
    names = reinterpret_cast<dm_names*>(reinterpret_cast<char*>(names) + next);
    devices.push_back(DmDevice{names->name, static_cast<dev_t>(names->dev)});
    next = names->next;
  } while (next != 0);
  return devices;
}

Status LibDeviceMapper::Suspend(const std::string& name) {
  StatusOr<Task> t = RunTask(DM_DEVICE_SUSPEND, name, "suspending " + name);
  return t.ok() ? Status::Ok() : t.status();
}

Status LibDeviceMapper::Resume(const std::string& name, const UdevPolicy& udev) {
  dm_udev_set_sync_support(udev.sync ? 1 : 0);
  Task t(dm_task_create(DM_DEVICE_RESUME));
  if (!t || !dm_task_set_name(t.get(), name.c_str())) return DmError("resuming " + name);
  uint32_t cookie = 0;
  const bool ok = dm_task_set_cookie(t.get(), &cookie, udev.resume_flags) && dm_task_run(t.get());
  // Always wait, even after a failure: the cookie's semaphore must be released.
  (void)dm_udev_wait(cookie);
  if (!ok) return DmError("resuming " + name);
  return Status::Ok();
}

uint16_t SnapshotResumeUdevFlags(bool udev_rules, bool verify_udev_operations) {
  uint16_t flags = DM_UDEV_LOW_PRIORITY_FLAG;
  const bool udev_fallback = !udev_rules || verify_udev_operations;
  if (!udev_fallback) flags |= DM_UDEV_DISABLE_LIBRARY_FALLBACK;
  if (!udev_rules) flags |= DM_UDEV_DISABLE_DM_RULES_FLAG | DM_UDEV_DISABLE_SUBSYSTEM_RULES_FLAG;
  return flags;
}

}  // namespace lvmrevert::lvmext
