#include "lvmext/cli/command_line.h"

#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "lvmext/cli/exit_status.h"
#include "lvmext/lvm/lv_name.h"

namespace lvmrevert::lvmext {
namespace {

constexpr const char* kDescription =
    "Revert an LVM origin to an old-style snapshot by copying the chunks saved in the\n"
    "snapshot's exception store back onto it. The snapshot is only read and stays usable.\n\n"
    "  lvm-revert [options] VG/LV VG/SNAP              active LVM volumes (or VG/SNAP alone)\n"
    "  lvm-revert [options] --cow STORE --origin PATH  images or devices, without LVM";

ParsedCommandLine BadCommandLine(std::ostream&, const std::string& message) {
  return ParsedCommandLine{std::nullopt, kExitBadCommandLine, message};
}

// VG/LV, /dev/VG/LV, or the device-mapper spelling /dev/mapper/VG-LV
// (hyphens in names doubled), as LVM's commands take them.
StatusOr<LvRef> ParseLvName(const std::string& text) {
  const std::string mapper = "/dev/mapper/";
  if (text.rfind(mapper, 0) != 0) return ParseLvRef(text);
  const std::optional<SplitName> split = SplitDmName(text.substr(mapper.size()));
  if (!split || !split->layer.empty()) {
    return Status::InvalidArgument("'" + text + "' is not the device of an LV (/dev/mapper/VG-LV)");
  }
  return split->lv;
}

// CLI11's own message, as one line.
std::string OneLine(std::string message) {
  for (char& c : message) {
    if (c == '\n') c = ' ';
  }
  while (!message.empty() && message.back() == ' ') message.pop_back();
  return message;
}

}  // namespace

bool AsksForJson(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const std::string next = i + 1 < argc ? argv[i + 1] : "";
    if (a == "--json" || a == "--format=json" || a == "--reportformat=json") return true;
    if ((a == "--format" || a == "--reportformat") && next == "json") return true;
  }
  return false;
}

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv, std::ostream& out,
                                   std::ostream& err) {
  CLI::App app(kDescription, "lvm-revert");
  app.set_version_flag("--version", std::string("lvm-revert ") + LVMREVERT_VERSION);
  app.get_formatter()->column_width(28);

  Options options;
  std::string origin_arg, snapshot_arg;
  std::string format = "text";
  bool json = false;
  bool test_mode = false;
  bool no_udev_sync = false;
  int quiet_count = 0;

  app.add_option("origin", origin_arg, "The origin LV, VG/LV or /dev/VG/LV")->type_name("VG/LV");
  app.add_option("snapshot", snapshot_arg, "Its old-style snapshot, VG/SNAP")->type_name("VG/SNAP");
  app.add_option("--cow", options.cow_path,
                             "Offline form: the exception store to read, a -cow device or an "
                             "image of one")
                  ->type_name("PATH");
  app.add_option("--origin", options.origin_path,
                                "Offline form: the origin to revert, its device or an image")
                     ->type_name("PATH");
  app.add_flag("-t,--test", test_mode, "Print the plan and write nothing (as --dry-run)");
  app.add_flag("--dry-run", options.dry_run, "Print the plan and write nothing");
  auto* format_option =
      app.add_option("--format", format, "How to print the plan: text, json or dd")
          ->check(CLI::IsMember({"text", "json", "dd"}))
          ->type_name("FORMAT");
  auto* json_flag = app.add_flag("--json", json, "Same as --format json");
  json_flag->excludes(format_option);
  std::string report_format;
  app.add_option("--reportformat", report_format, "json: the same as --json (as in LVM)")
      ->check(CLI::IsMember({"json"}))
      ->type_name("json");
  app.add_flag("-y,--yes", options.assume_yes, "Do not ask for confirmation");
  app.add_flag("-v,--verbose", options.verbosity,
               "Say more: the I/O engine and queue depth, O_DIRECT on each side, device numbers, "
               "the lock file");
  app.add_flag("-q,--quiet", quiet_count, "Print only errors and the requested output");
  std::string io_engine = "auto";
  app.add_option("--io-engine", io_engine,
                 "auto (io_uring, else psync), uring or psync")
      ->check(CLI::IsMember({"auto", "uring", "psync"}))
      ->type_name("ENGINE");
  app.add_option("--queue-depth", options.queue_depth,
                 "Reads and writes in flight with io_uring (default " +
                     std::to_string(kDefaultQueueDepth) + ")")
      ->check(CLI::Range(1u, 1024u))
      ->type_name("N");
  app.add_flag("--progress", options.progress,
               "Show progress on stderr even when it is not a terminal");
  app.add_flag("--allow-invalidate", options.allow_invalidate,
               "LVM form: revert even if another snapshot of the origin would overflow");
  app.add_flag("--remove-snapshot", options.remove_snapshot,
               "LVM form: remove the snapshot (lvremove) after the revert");
  app.add_flag("--noudevsync", no_udev_sync,
               "LVM form: do not wait for udev after resuming devices");
  app.add_option("--backup", options.backup_path,
                 "Save what the revert overwrites into FILE (a new file, an exception store) "
                 "first; undo with --cow FILE --origin ORIGIN or --restore FILE VG/LV")
      ->type_name("FILE");
  app.add_option("--backup-snapshot", options.backup_snapshot,
                 "LVM form: create the old-style snapshot VG/NAME of the origin first, sized "
                 "for what the revert writes; undo with lvm-revert VG/LV VG/NAME")
      ->type_name("NAME");
  app.add_option("--restore", options.restore_path,
                 "LVM form: restore VG/LV from a --backup FILE (lvm-revert --restore FILE VG/LV)")
      ->type_name("FILE");
  app.add_flag("--verify", options.verify,
               "After the copy, read back every range written and compare it");
  app.add_flag("--compare", options.compare,
               "Write nothing: count the saved chunks that differ from the origin (exit 0 none, "
               "1 some)");
  bool next_boot = false, every_boot = false, cancel = false, list_scheduled = false,
       boot = false;
  app.add_flag("--at-next-boot", next_boot,
               "LVM form: check now, then revert at the next boot, before the root is "
               "mounted (works while the origin is in use, root included)");
  app.add_flag("--at-every-boot", every_boot,
               "LVM form: as --at-next-boot, at every boot (a reset at each boot)");
  app.add_flag("--cancel", cancel, "LVM form: cancel a revert scheduled for boot");
  app.add_flag("--list-scheduled", list_scheduled,
               "List the reverts scheduled for boot, in every volume group");
  app.add_flag("--boot", boot,
               "Run the reverts scheduled for this boot (used by the initramfs scripts)");

  // Extras are taken, not thrown: a mistyped option is then named as such
  // rather than reported through some other option's requirement.
  app.allow_extras();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return ParsedCommandLine{std::nullopt, app.exit(e, out, err) == 0 ? kExitDone : kExitBadCommandLine, ""};
  } catch (const CLI::CallForVersion& e) {
    return ParsedCommandLine{std::nullopt, app.exit(e, out, err) == 0 ? kExitDone : kExitBadCommandLine, ""};
  } catch (const CLI::ParseError& e) {
    return BadCommandLine(err, OneLine(e.what()));
  }
  const std::vector<std::string> extras = app.remaining();
  if (!extras.empty()) {
    const std::string& first = extras.front();
    if (first.size() > 1 && first[0] == '-') {
      return BadCommandLine(err, "unknown option " + first + " (see --help)");
    }
    return BadCommandLine(err, "unexpected argument '" + first + "': give VG/LV VG/SNAP, VG/SNAP, "
                               "or --cow STORE --origin PATH");
  }
  if (!report_format.empty()) json = true;
  if (options.cow_path.empty() != options.origin_path.empty()) {
    return BadCommandLine(err, options.cow_path.empty() ? "--origin needs --cow STORE as well"
                                                        : "--cow needs --origin PATH as well");
  }

  const bool offline = !options.cow_path.empty() || !options.origin_path.empty();
  const bool lvm = !origin_arg.empty() || !snapshot_arg.empty();
  if (int{next_boot} + int{every_boot} + int{cancel} + int{list_scheduled} + int{boot} > 1) {
    return BadCommandLine(err, "--at-next-boot, --at-every-boot, --cancel, --list-scheduled and "
                               "--boot exclude each other");
  }
  options.action = next_boot        ? Action::kScheduleNextBoot
                   : every_boot     ? Action::kScheduleEveryBoot
                   : cancel         ? Action::kCancel
                   : list_scheduled ? Action::kListScheduled
                   : boot           ? Action::kBoot
                                    : Action::kRevert;
  if (list_scheduled || boot) {
    if (offline || lvm) {
      return BadCommandLine(err, std::string(boot ? "--boot" : "--list-scheduled") +
                                     " takes no volumes: it finds them by their tags");
    }
    options.quiet = quiet_count > 0;
    options.format = json ? OutputFormat::kJson : OutputFormat::kText;
    return ParsedCommandLine{options, kExitDone, ""};
  }
  if ((next_boot || every_boot || cancel) && offline) {
    return BadCommandLine(err, "--at-next-boot, --at-every-boot and --cancel work on LVM "
                               "volumes: give VG/LV VG/SNAP");
  }
  if ((next_boot || every_boot) && options.allow_invalidate) {
    return BadCommandLine(err, "--allow-invalidate does not go with scheduling: the boot checks "
                               "the other snapshots again, without it");
  }
  if ((next_boot || every_boot || cancel) && options.remove_snapshot) {
    return BadCommandLine(err, "--remove-snapshot does not go with scheduling: a scheduled "
                               "revert keeps the snapshot");
  }
  if (options.compare && (options.verify || !options.backup_path.empty() ||
                          !options.backup_snapshot.empty() || options.remove_snapshot ||
                          next_boot || every_boot || cancel)) {
    return BadCommandLine(err, "--compare writes nothing: it does not go with --verify, --backup, "
                               "--backup-snapshot, --remove-snapshot or scheduling");
  }
  if (options.verify && (options.dry_run || test_mode || next_boot || every_boot || cancel)) {
    return BadCommandLine(err, "--verify checks what a revert wrote: it does not go with a dry "
                               "run or scheduling");
  }
  if ((!options.backup_path.empty() || !options.backup_snapshot.empty()) &&
      (next_boot || every_boot || cancel)) {
    return BadCommandLine(err, "--backup and --backup-snapshot do not go with scheduling");
  }
  if (!options.backup_path.empty() && !options.backup_snapshot.empty()) {
    return BadCommandLine(err, "give one of --backup and --backup-snapshot");
  }
  if (options.restores()) {
    if (offline) {
      return BadCommandLine(err, "--restore FILE VG/LV is the LVM form; offline, restore with "
                                 "--cow FILE --origin ORIGIN");
    }
    if (origin_arg.empty() || !snapshot_arg.empty()) {
      return BadCommandLine(err, "--restore FILE takes one volume: lvm-revert --restore FILE VG/LV");
    }
    if (!options.backup_path.empty() || !options.backup_snapshot.empty() ||
        options.remove_snapshot || next_boot || every_boot || cancel) {
      return BadCommandLine(err, "--restore does not go with --backup, --backup-snapshot, "
                                 "--remove-snapshot or scheduling");
    }
    StatusOr<LvRef> origin_ref = ParseLvName(origin_arg);
    if (!origin_ref.ok()) return BadCommandLine(err, origin_ref.status().message());
    options.origin_lv = *origin_ref;
  }
  if (!options.backup_snapshot.empty() && !IsValidLvmName(options.backup_snapshot)) {
    return BadCommandLine(err, "--backup-snapshot " + options.backup_snapshot +
                               ": not a valid LV name (LVM names use A-Z a-z 0-9 + _ . -)");
  }
  if (offline && !options.backup_snapshot.empty()) {
    return BadCommandLine(err, "--backup-snapshot is the LVM form's; offline, use --backup FILE");
  }
  if (offline && lvm) {
    return BadCommandLine(err, "unexpected argument '" + origin_arg +
                                   "': give either VG/LV VG/SNAP or --cow and --origin, not both");
  }
  if (!offline && !lvm) {
    return BadCommandLine(err, "give the origin and its snapshot: VG/LV VG/SNAP "
                               "(or --cow STORE --origin PATH)");
  }
  if (lvm && !options.restores()) {
    // One name is the snapshot: its origin is found, as lvconvert --merge does.
    const bool snapshot_only = snapshot_arg.empty();
    StatusOr<LvRef> snapshot_ref = ParseLvName(snapshot_only ? origin_arg : snapshot_arg);
    if (!snapshot_ref.ok()) return BadCommandLine(err, snapshot_ref.status().message());
    options.snapshot_lv = *snapshot_ref;
    if (!snapshot_only) {
      StatusOr<LvRef> origin_ref = ParseLvName(origin_arg);
      if (!origin_ref.ok()) return BadCommandLine(err, origin_ref.status().message());
      options.origin_lv = *origin_ref;
      if (origin_ref->vg != snapshot_ref->vg) {
        return BadCommandLine(err, "the origin and its snapshot must be in the same volume "
                                   "group (" + origin_ref->full() + ", " + snapshot_ref->full() + ")");
      }
      if (*origin_ref == *snapshot_ref) {
        return BadCommandLine(err, origin_ref->full() + " cannot be its own snapshot");
      }
    }
  } else if (!lvm && (options.allow_invalidate || options.remove_snapshot || no_udev_sync)) {
    return BadCommandLine(err, "--allow-invalidate, --remove-snapshot and --noudevsync "
                               "belong to the LVM form (VG/LV VG/SNAP)");
  }

  options.dry_run = options.dry_run || test_mode;
  options.quiet = quiet_count > 0;
  options.udev_sync = !no_udev_sync;
  options.io_engine = io_engine == "uring"   ? EngineKind::kUring
                      : io_engine == "psync" ? EngineKind::kPsync
                                             : EngineKind::kAuto;
  static const std::map<std::string, OutputFormat> kFormats = {
      {"text", OutputFormat::kText}, {"json", OutputFormat::kJson}, {"dd", OutputFormat::kDd}};
  options.format = json ? OutputFormat::kJson : kFormats.at(format);
  // A dd script is a plan and nothing more.
  if (options.format == OutputFormat::kDd) options.dry_run = true;
  if (options.quiet && options.verbosity > 0) {
    return BadCommandLine(err, "-q/--quiet and -v/--verbose contradict each other");
  }
  return ParsedCommandLine{options, kExitDone, ""};
}

}  // namespace lvmrevert::lvmext
