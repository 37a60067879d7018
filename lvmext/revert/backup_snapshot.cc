#include "lvmext/revert/backup_snapshot.h"

#include <sstream>

#include "core/store_format.h"
#include "lvmext/revert/lvm_revert.h"
#include "lvmext/cli/plan_output.h"

namespace lvmrevert::lvmext {

uint64_t BackupSnapshotBytes(uint64_t chunks, uint64_t chunk_size_bytes, uint64_t extent_bytes) {
  const store::Geometry geometry(static_cast<uint32_t>(chunk_size_bytes / store::kSectorBytes));
  const uint64_t metadata = 1 + geometry.AreaChunksFor(chunks);  // the header, the areas
  const uint64_t margin = std::max<uint64_t>(1, chunks / 10);
  const uint64_t bytes = (metadata + chunks + margin) * chunk_size_bytes;
  if (extent_bytes == 0) return bytes;
  return (bytes + extent_bytes - 1) / extent_bytes * extent_bytes;
}

Report RunWithBackupSnapshot(const Options& options, Console& console, Environment& env) {
  const LvRef backup{options.vg(), options.backup_snapshot};
  // What the revert will write: its own checks and plan, not shown.
  Options plan_options = options;
  plan_options.backup_snapshot.clear();
  plan_options.dry_run = true;
  plan_options.verify = false;
  plan_options.format = OutputFormat::kText;
  plan_options.quiet = true;
  std::ostringstream out, err;
  Console silent{out, err, false, false, [] { return std::optional<std::string>(); }, nullptr,
                 nullptr};
  Report planned = RunLvmRevertForm(plan_options, silent, env);
  if (!planned.status.ok()) return planned;
  if (planned.kind == kKindThin) {
    planned.status = Status::Refused(
        planned.snapshot + " is a thin snapshot, which lvm-revert resets with LVM's merge: "
        "--backup-snapshot works on old-style snapshots (to keep the origin's content, take a "
        "thin snapshot of it first: lvcreate -s " + planned.origin + ")")
                         .WithReason(RefusalReason::kThinSnapshot);
    planned.result = Result::kReverted;
    return planned;
  }
  // The origin, as the plan found it (VG/SNAP alone names only the snapshot).
  StatusOr<LvRef> origin = ParseLvRef(planned.origin);
  if (!origin.ok()) return planned;
  const uint64_t chunks = planned.totals ? planned.totals->exceptions : 0;
  const uint64_t chunk = planned.chunk_size_bytes.value_or(0);

  StatusOr<VgSpace> space = env.lvm->FreeSpace(backup.vg);
  if (!space.ok()) {
    planned.status = space.status().WithCode(StatusCode::kRefused);
    return planned;
  }
  const uint64_t size = BackupSnapshotBytes(chunks, chunk, space->extent_bytes);
  if (space->free_bytes < size) {
    planned.status = Status::Refused(
        "volume group " + backup.vg + " has " + std::to_string(space->free_bytes) + " bytes (" +
        MiB(space->free_bytes) + ") free, the backup snapshot " + backup.full() + " needs " +
        std::to_string(size) + " bytes (" + MiB(size) + ": " + std::to_string(chunks) +
        " chunks of " + std::to_string(chunk) + " bytes, their metadata and a 10% margin); "
        "nothing was written");
    return planned;
  }
  const auto say = [&](const std::string& line) {
    if (options.format == OutputFormat::kText && !options.quiet) console.out << line << "\n";
  };
  Options revert = options;
  revert.backup_snapshot_created = true;
  if (options.dry_run) {
    say("Backup snapshot: " + backup.full() + " of " + MiB(size) + " would be created.");
    revert.backup_snapshot.clear();
    return RunLvmRevertForm(revert, console, env);
  }
  Status s = env.lvm->CreateSnapshot(*origin, backup.lv, chunk, size);
  if (!s.ok()) {
    planned.status = s.WithPrefix("creating the backup snapshot").WithCode(StatusCode::kRefused);
    return planned;
  }
  say("Created the backup snapshot " + backup.full() + " (" + MiB(size) + ").");
  Report done = RunLvmRevertForm(revert, console, env);
  if (!done.device_written) {
    // Nothing was reverted, so nothing needs undoing: leave things as they were.
    Status removed = env.lvm->RemoveLv(backup);
    if (!removed.ok()) {
      console.err << "lvm-revert: WARNING: could not remove the unused backup snapshot "
                  << backup.full() << ": " << removed.message() << "\n";
    }
    return done;
  }
  say("Undo: lvm-revert " + origin->full() + " " + backup.full());
  return done;
}

}  // namespace lvmrevert::lvmext
