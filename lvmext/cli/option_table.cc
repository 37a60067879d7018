#include "lvmext/cli/option_table.h"

#include <stdexcept>
#include <utility>

#include "lvmext/lvm/lv_name.h"

namespace lvmrevert::lvmext {
namespace {

using G = GivenCommandLine;
using enum OptionId;

// Each option once, in the order CLI11 registers them. `modes` is where an
// option is used: in the other modes that check rules it is refused (exit 3),
// and --list-scheduled and --boot ignore what they do not use
// (tests/unit/lvmext/cli/command_line_test.cc holds the parser to this).
const std::vector<OptionSpec> kOptions = {
    {.id = kHelp, .names = "-h,--help", .field = {}, .help = "Print this help and exit",
     .group = Group::kHelp, .modes = kAllModes},
    {.id = kVersion, .names = "--version", .field = {}, .help = "Print the version and exit",
     .group = Group::kHelp, .modes = kAllModes},
    {.id = kCow, .names = "--cow", .field = &G::cow, .value = ValueKind::kFile,
     .value_name = "PATH",
     .help = "Offline form: the exception store to read, a -cow device or an image of one",
     .group = Group::kOfflineForm, .modes = kOfflineMode},
    {.id = kOrigin, .names = "--origin", .field = &G::origin, .value = ValueKind::kFile,
     .value_name = "PATH", .help = "Offline form: the origin to revert, its device or an image",
     .group = Group::kOfflineForm, .modes = kOfflineMode},
    {.id = kTest, .names = "-t,--test", .field = &G::test,
     .help = "Print the plan and write nothing (as --dry-run)"},
    {.id = kDryRun, .names = "--dry-run", .field = &G::dry_run,
     .help = "Print the plan and write nothing"},
    {.id = kFormat, .names = "--format", .field = &G::format, .value = ValueKind::kWord,
     .value_name = "FORMAT", .words = {"text", "json", "dd"},
     .help = "How to print the plan: text, json or dd"},
    {.id = kJson, .names = "--json", .field = &G::json, .help = "Same as --format json",
     .modes = kAllModes, .excludes = kFormat},
    {.id = kReportFormat, .names = "--reportformat", .field = &G::report_format,
     .value = ValueKind::kWord, .value_name = "json", .words = {"json"},
     .help = "json: the same as --json (as in LVM)", .modes = kAllModes},
    {.id = kYes, .names = "-y,--yes", .field = &G::yes, .help = "Do not ask for confirmation"},
    {.id = kVerbose, .names = "-v,--verbose", .field = &G::verbose,
     .help = "Say more: the I/O engine and queue depth, O_DIRECT on each side, device numbers, "
             "the lock file, and where the time went",
     .modes = kCheckedModes | kBootMode},
    {.id = kQuiet, .names = "-q,--quiet", .field = &G::quiet,
     .help = "Print only errors and the requested output", .modes = kCheckedModes | kListMode},
    {.id = kIoEngine, .names = "--io-engine", .field = &G::io_engine, .value = ValueKind::kWord,
     .value_name = "ENGINE", .words = {"auto", "uring", "psync"},
     .help = "auto (io_uring, else psync), uring or psync", .group = Group::kTuning},
    {.id = kQueueDepth, .names = "--queue-depth", .field = &G::queue_depth,
     .value = ValueKind::kNumber, .value_name = "N",
     .help = "Reads and writes in flight with io_uring (default {default})",
     .group = Group::kTuning, .modes = kCheckedModes | kBootMode, .min = 1, .max = 1024},
    {.id = kProgress, .names = "--progress", .field = &G::progress,
     .help = "Show progress on stderr even when it is not a terminal"},
    {.id = kAllowInvalidate, .names = "--allow-invalidate", .field = &G::allow_invalidate,
     .help = "LVM form: revert even if another snapshot of the origin would overflow",
     .group = Group::kLvmForm, .modes = kLvmMode | kRestoreMode | kCancelMode},
    {.id = kAllowUnlink, .names = "--allow-unlink", .field = &G::allow_unlink,
     .help = "LVM form: reset to a thin snapshot even though the origin's other thin snapshots "
             "lose their link to it (LVM's merge unlinks them)",
     .group = Group::kLvmForm, .modes = kLvmMode},
    {.id = kRemoveSnapshot, .names = "--remove-snapshot", .field = &G::remove_snapshot,
     .help = "LVM form: remove the snapshot (lvremove) after the revert",
     .group = Group::kLvmForm, .modes = kLvmMode},
    {.id = kSnapset, .names = "--snapset", .field = &G::snapset, .value = ValueKind::kNewName,
     .value_name = "NAME",
     .help = "LVM form: the snapshot set snapm names NAME (its snapshots "
             "<origin>-snapset_NAME_<time>_<mount point>), reverted as one",
     .group = Group::kLvmForm, .modes = kLvmMode | kScheduleMode | kCancelMode},
    {.id = kNoUdevSync, .names = "--noudevsync", .field = &G::no_udev_sync,
     .help = "LVM form: do not wait for udev after resuming devices", .group = Group::kLvmForm,
     .modes = kLvmMode | kRestoreMode | kScheduleMode | kCancelMode},
    {.id = kBackup, .names = "--backup", .field = &G::backup, .value = ValueKind::kFile,
     .value_name = "FILE",
     .help = "Save what the revert overwrites into FILE (a new file, an exception store) "
             "first; undo with --cow FILE --origin ORIGIN or --restore FILE VG/LV",
     .group = Group::kUndoVerify, .modes = kLvmMode | kOfflineMode},
    {.id = kBackupSnapshot, .names = "--backup-snapshot", .field = &G::backup_snapshot,
     .value = ValueKind::kNewName, .value_name = "NAME",
     .help = "LVM form: create the old-style snapshot VG/NAME of the origin first, sized for "
             "what the revert writes; undo with lvm-revert VG/LV VG/NAME",
     .group = Group::kUndoVerify, .modes = kLvmMode, .valid = IsValidLvmName},
    {.id = kRestore, .names = "--restore", .field = &G::restore, .value = ValueKind::kFile,
     .value_name = "FILE",
     .help = "LVM form: restore VG/LV from a --backup FILE (lvm-revert --restore FILE VG/LV)",
     .group = Group::kUndoVerify, .modes = kRestoreMode},
    {.id = kVerify, .names = "--verify", .field = &G::verify,
     .help = "After the copy, read back every range written and compare it",
     .group = Group::kUndoVerify, .modes = kRevertModes},
    {.id = kCompare, .names = "--compare", .field = &G::compare,
     .help = "Write nothing: count the saved chunks that differ from the origin (exit 0 none, "
             "1 some)",
     .group = Group::kUndoVerify, .modes = kRevertModes},
    {.id = kAtNextBoot, .names = "--at-next-boot", .field = &G::at_next_boot,
     .help = "LVM form: check now, then revert at the next boot, before the root is mounted "
             "(works while the origin is in use, root included)",
     .group = Group::kBootScheduling, .modes = kScheduleMode},
    {.id = kAtEveryBoot, .names = "--at-every-boot", .field = &G::at_every_boot,
     .help = "LVM form: as --at-next-boot, at every boot (a reset at each boot)",
     .group = Group::kBootScheduling, .modes = kScheduleMode},
    {.id = kCancel, .names = "--cancel", .field = &G::cancel,
     .help = "LVM form: cancel a revert scheduled for boot", .group = Group::kBootScheduling,
     .modes = kCancelMode},
    {.id = kListScheduled, .names = "--list-scheduled", .field = &G::list_scheduled,
     .help = "List the reverts scheduled for boot, in every volume group",
     .group = Group::kBootScheduling, .modes = kListMode},
    {.id = kBoot, .names = "--boot", .field = &G::boot,
     .help = "Run the reverts scheduled for this boot (used by the initramfs scripts)",
     .group = Group::kBootScheduling, .modes = kBootMode},
    // For the bash completion: one line per name, "NAME<tab>KIND[<tab>WORDS]".
    {.id = kCompletionList, .names = "--completion-list", .field = &G::completion_list,
     .help = "Print the options for the shell completion", .group = Group::kHidden,
     .modes = 0},
};

const Terms kOffline{{kCow, kOrigin}};
const Terms kScheduling{{kAtNextBoot, kAtEveryBoot, kCancel}};

// In the order they are checked: when two rules are broken, the first one's
// message is the error.
using enum Phase;
using enum RuleKind;
const std::vector<Rule> kRules = {
    {kAnyCommand, kNeeds, {{kOrigin}}, {{kCow}}, "--origin needs --cow STORE as well"},
    {kAnyCommand, kNeeds, {{kCow}}, {{kOrigin}}, "--cow needs --origin PATH as well"},
    {kAnyCommand, kAtMostOne, {{kAtNextBoot, kAtEveryBoot, kCancel, kListScheduled, kBoot}}, {},
     "--at-next-boot, --at-every-boot, --cancel, --list-scheduled and --boot exclude each "
     "other"},
    {kAnyCommand, kConflict, {{kListScheduled, kBoot}}, {{kCow, kOrigin, kSnapset}, kGivesVolumes},
     "{option} takes no volumes: it finds them by their tags"},
    {kBeforeNames, kConflict, kScheduling, kOffline,
     "--at-next-boot, --at-every-boot and --cancel work on LVM volumes: give VG/LV VG/SNAP"},
    {kBeforeNames, kConflict, {{kAllowInvalidate}}, {{kAtNextBoot, kAtEveryBoot}},
     "--allow-invalidate does not go with scheduling: the boot checks the other snapshots "
     "again, without it"},
    {kBeforeNames, kConflict, {{kAllowUnlink}}, kScheduling,
     "--allow-unlink does not go with scheduling: the boot checks the other thin snapshots "
     "again, without it"},
    {kBeforeNames, kConflict, {{kRemoveSnapshot}}, kScheduling,
     "--remove-snapshot does not go with scheduling: a scheduled revert keeps the snapshot"},
    {kBeforeNames, kConflict, {{kCompare}},
     {{kVerify, kBackup, kBackupSnapshot, kRemoveSnapshot, kAtNextBoot, kAtEveryBoot, kCancel}},
     "--compare writes nothing: it does not go with --verify, --backup, --backup-snapshot, "
     "--remove-snapshot or scheduling"},
    {kBeforeNames, kConflict, {{kVerify}}, {{kDryRun, kTest, kAtNextBoot, kAtEveryBoot, kCancel}},
     "--verify checks what a revert wrote: it does not go with a dry run or scheduling"},
    {kBeforeNames, kConflict, {{kBackup, kBackupSnapshot}}, kScheduling,
     "--backup and --backup-snapshot do not go with scheduling"},
    {kBeforeNames, kConflict, {{kBackup}}, {{kBackupSnapshot}},
     "give one of --backup and --backup-snapshot"},
    {kBeforeNames, kConflict, {{kRestore}}, kOffline,
     "--restore FILE VG/LV is the LVM form; offline, restore with --cow FILE --origin ORIGIN"},
    {kBeforeNames, kConflict, {{kRestore}}, {{}, kNotOneVolume},
     "--restore FILE takes one volume: lvm-revert --restore FILE VG/LV"},
    {kBeforeNames, kConflict, {{kBackup, kBackupSnapshot, kRestore, kRemoveSnapshot}},
     {{kSnapset}, kNamesASet}, kOneOriginOnly},
    {kBeforeNames, kConflict, {{kSnapset}}, {{kCow, kOrigin}, kGivesVolumes},
     "--snapset NAME names a set by itself: give no volumes, --cow or --origin with it"},
    {kBeforeNames, kConflict, {{kRestore}},
     {{kBackup, kBackupSnapshot, kRemoveSnapshot, kAllowUnlink, kAtNextBoot, kAtEveryBoot,
       kCancel}},
     "--restore does not go with --backup, --backup-snapshot, --remove-snapshot, "
     "--allow-unlink or scheduling"},
    {kBeforeNames, kValidValue, {{kBackupSnapshot}}, {},
     "{option} {value}: not a valid LV name (LVM names use A-Z a-z 0-9 + _ . -)"},
    {kBeforeNames, kConflict, {{kBackupSnapshot}}, kOffline,
     "--backup-snapshot is the LVM form's; offline, use --backup FILE"},
    {kBeforeNames, kConflict, kOffline, {{}, kGivesVolumes},
     "unexpected argument '{volume}': give either VG/LV VG/SNAP or --cow and --origin, not "
     "both"},
    {kBeforeNames, kRequired, {{kCow, kOrigin, kSnapset}, kGivesVolumes}, {},
     "give the origin and its snapshot: VG/LV VG/SNAP (or --cow STORE --origin PATH)"},
    {kBeforeNames, kConflict, {{kAllowInvalidate, kAllowUnlink, kRemoveSnapshot, kNoUdevSync}},
     kOffline,
     "--allow-invalidate, --allow-unlink, --remove-snapshot and --noudevsync belong to the LVM "
     "form (VG/LV VG/SNAP)"},
    {kAfterNames, kConflict, {{kQuiet}}, {{kVerbose}},
     "-q/--quiet and -v/--verbose contradict each other"},
};

}  // namespace

std::span<const OptionSpec> OptionTable() { return kOptions; }

std::span<const PositionalSpec> PositionalTable() {
  static const PositionalSpec kPositionals[] = {
      {"origin", &G::first_volume, "VG/LV", "The origin LV, VG/LV or /dev/VG/LV"},
      {"snapshot", &G::second_volume, "VG/SNAP", "Its snapshot (old-style or thin), VG/SNAP"},
      {"more", &G::more_volumes, "VG/SNAP",
       "A set: more snapshots, each reverting its own origin, as one"},
  };
  return kPositionals;
}

std::span<const Rule> RuleTable() { return kRules; }

std::span<const FormSpec> FormTable() {
  static const FormSpec kForms[] = {
      {kLvmMode, "[options] VG/LV VG/SNAP",
       "revert active LVM volumes (VG/SNAP alone: the origin LVM records for it)"},
      {kLvmMode, "[options] VG/SNAP VG/SNAP... | @TAG | --snapset NAME",
       "a set: every origin to its snapshot, all or nothing"},
      {kOfflineMode, "[options] --cow STORE --origin PATH", "images or devices, without LVM"},
      {kRestoreMode, "[options] --restore FILE VG/LV", "write a --backup FILE back onto VG/LV"},
      {kScheduleMode, "[options] --at-next-boot|--at-every-boot VG/LV VG/SNAP",
       "check now, revert at boot"},
      {kCancelMode, "[options] --cancel VG/LV VG/SNAP", "cancel a revert scheduled for boot"},
      {kListMode, "--list-scheduled", "list the reverts scheduled for boot"},
      {kBootMode, "--boot", "run the reverts scheduled for this boot (the initramfs does)"},
  };
  return kForms;
}

std::string_view GroupTitle(Group group) {
  switch (group) {
    case Group::kLvmForm: return "LVM form";
    case Group::kOfflineForm: return "Offline form";
    case Group::kOutput: return "Output";
    case Group::kUndoVerify: return "Undo and verify";
    case Group::kBootScheduling: return "Boot scheduling";
    case Group::kTuning: return "Tuning";
    case Group::kHelp: return "Help";
    case Group::kHidden: break;
  }
  return "";
}

const OptionSpec& FindOption(OptionId id) {
  for (const OptionSpec& option : kOptions) {
    if (option.id == id) return option;
  }
  throw std::logic_error("an option missing from the table");
}

std::vector<std::string_view> AllNames(const OptionSpec& option) {
  std::vector<std::string_view> names;
  std::string_view rest = option.names;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    names.push_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return names;
}

std::string_view LongName(const OptionSpec& option) { return AllNames(option).back(); }

bool IsGiven(const GivenCommandLine& given, OptionId id) {
  static const GivenCommandLine kDefaults;
  return std::visit(
      [&](auto field) {
        if constexpr (std::is_same_v<decltype(field), std::monostate>) {
          return false;
        } else {
          return given.*field != kDefaults.*field;
        }
      },
      FindOption(id).field);
}

std::string ValueText(const GivenCommandLine& given, OptionId id) {
  return std::visit(
      [&](auto field) -> std::string {
        if constexpr (std::is_same_v<decltype(field), std::string GivenCommandLine::*>) {
          return given.*field;
        } else if constexpr (std::is_same_v<decltype(field), unsigned GivenCommandLine::*>) {
          return std::to_string(given.*field);
        } else {
          return "";
        }
      },
      FindOption(id).field);
}

std::string HelpOf(const OptionSpec& option) {
  std::string help(option.help);
  const size_t at = help.find("{default}");
  if (at != std::string::npos) {
    help.replace(at, 9, ValueText(GivenCommandLine{}, option.id));
  }
  return help;
}

namespace {

bool Holds(const GivenCommandLine& given, Fact fact) {
  const bool first = !given.first_volume.empty(), second = !given.second_volume.empty();
  switch (fact) {
    case kGivesVolumes: return first || second;
    case kNotOneVolume: return !first || second;
    case kNamesASet: return given.first_volume.starts_with('@') || !given.more_volumes.empty();
  }
  return false;
}

int CountGiven(const GivenCommandLine& given, const Terms& terms) {
  int count = 0;
  for (OptionId id : terms.options) count += IsGiven(given, id) ? 1 : 0;
  for (Fact fact : {kGivesVolumes, kNotOneVolume, kNamesASet}) {
    if ((terms.facts & fact) != 0 && Holds(given, fact)) ++count;
  }
  return count;
}

bool Broken(const GivenCommandLine& given, const Rule& rule) {
  const int subject = CountGiven(given, rule.subject);
  switch (rule.kind) {
    case RuleKind::kNeeds: return subject > 0 && CountGiven(given, rule.other) == 0;
    case RuleKind::kConflict: return subject > 0 && CountGiven(given, rule.other) > 0;
    case RuleKind::kAtMostOne: return subject > 1;
    case RuleKind::kRequired: return subject == 0;
    case RuleKind::kValidValue: {
      const OptionSpec& option = FindOption(rule.subject.options.front());
      return subject > 0 && !option.valid(ValueText(given, option.id));
    }
  }
  return false;
}

// The message with its placeholders filled in (in one pass, so that a value
// holding "{volume}" stays as it is).
std::string MessageOf(const GivenCommandLine& given, const Rule& rule) {
  std::string option, value;
  for (OptionId id : rule.subject.options) {
    if (!IsGiven(given, id)) continue;
    option = LongName(FindOption(id));
    value = ValueText(given, id);
    break;
  }
  const std::pair<std::string_view, const std::string*> fills[] = {
      {"{option}", &option}, {"{value}", &value}, {"{volume}", &given.first_volume}};
  std::string message;
  std::string_view rest = rule.message;
  while (!rest.empty()) {
    bool filled = false;
    for (const auto& [placeholder, text] : fills) {
      if (rest.starts_with(placeholder)) {
        message += *text;
        rest.remove_prefix(placeholder.size());
        filled = true;
      }
    }
    if (!filled) {
      message += rest.front();
      rest.remove_prefix(1);
    }
  }
  return message;
}

}  // namespace

std::optional<std::string> FirstBrokenRule(const GivenCommandLine& given, Phase phase) {
  for (const Rule& rule : kRules) {
    if (rule.phase == phase && Broken(given, rule)) return MessageOf(given, rule);
  }
  return std::nullopt;
}

}  // namespace lvmrevert::lvmext
