// Every command-line option, defined once. The parser (command_line.cc), the
// grouped --help (help_text.cc) and the bash completion's list of options
// (the hidden --completion-list) are all made from these tables;
// tests/scripts/options-agree-test.sh checks the man page's OPTIONS against
// --help and the completion.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/engines.h"

namespace lvmrevert::lvmext {

// The command line as CLI11 stored it, before any rule is checked: one field
// per option, each at the value it has when the option is not given.
struct GivenCommandLine {
  std::string first_volume;   // VG/LV (or VG/SNAP alone)
  std::string second_volume;  // VG/SNAP
  std::vector<std::string> more_volumes;  // a set: the third snapshot on
  std::string snapset;
  std::string cow;
  std::string origin;
  bool test = false;
  bool dry_run = false;
  std::string format = "text";
  bool json = false;
  std::string report_format;
  bool yes = false;
  int verbose = 0;
  int quiet = 0;
  std::string io_engine = "auto";
  unsigned queue_depth = kDefaultQueueDepth;
  bool progress = false;
  bool allow_invalidate = false;
  bool allow_unlink = false;
  bool remove_snapshot = false;
  bool no_udev_sync = false;
  std::string backup;
  std::string backup_snapshot;
  std::string restore;
  bool verify = false;
  bool compare = false;
  bool at_next_boot = false;
  bool at_every_boot = false;
  bool cancel = false;
  bool list_scheduled = false;
  bool boot = false;
  bool completion_list = false;
};

// In the order CLI11 registers them (which decides which of two of CLI11's
// own errors comes first).
enum class OptionId {
  kHelp, kVersion, kCow, kOrigin, kTest, kDryRun, kFormat, kJson, kReportFormat, kYes,
  kVerbose, kQuiet, kIoEngine, kQueueDepth, kProgress, kAllowInvalidate, kAllowUnlink, kRemoveSnapshot,
  kSnapset, kNoUdevSync, kBackup, kBackupSnapshot, kRestore, kVerify, kCompare, kAtNextBoot, kAtEveryBoot,
  kCancel, kListScheduled, kBoot, kCompletionList,
};

// Why an option that works on one origin is refused with a set (exit 3).
inline constexpr std::string_view kOneOriginOnly =
    "{option} works on one origin, not on a set of snapshots";

// The sections of --help, in their order there.
enum class Group { kLvmForm, kOfflineForm, kOutput, kUndoVerify, kBootScheduling, kTuning, kHelp,
                   kHidden };

// What a command line does, one bit each: the forms of lvm-revert's usage.
enum Mode : unsigned {
  kLvmMode = 1u << 0,       // VG/LV VG/SNAP, or VG/SNAP alone
  kOfflineMode = 1u << 1,   // --cow STORE --origin PATH
  kRestoreMode = 1u << 2,   // --restore FILE VG/LV
  kScheduleMode = 1u << 3,  // --at-next-boot or --at-every-boot VG/LV VG/SNAP
  kCancelMode = 1u << 4,    // --cancel VG/LV VG/SNAP
  kListMode = 1u << 5,      // --list-scheduled
  kBootMode = 1u << 6,      // --boot
};
inline constexpr unsigned kRevertModes = kLvmMode | kOfflineMode | kRestoreMode;
// The modes that check every rule; --list-scheduled and --boot take no
// volumes and ignore the options they do not use.
inline constexpr unsigned kCheckedModes = kRevertModes | kScheduleMode | kCancelMode;
inline constexpr unsigned kAllModes = kCheckedModes | kListMode | kBootMode;

// What the value of an option is, for the completion: nothing follows a
// flag; a file name; a name that does not exist yet; a number; one of words.
enum class ValueKind { kNone, kFile, kNewName, kNumber, kWord };

// Where CLI11 stores an option.
using GivenField = std::variant<std::monostate, bool GivenCommandLine::*, int GivenCommandLine::*,
                                std::string GivenCommandLine::*, unsigned GivenCommandLine::*>;

struct OptionSpec {
  OptionId id = OptionId::kHelp;
  std::string_view names = {};  // as CLI11 takes them: "-y,--yes"
  GivenField field = {};        // monostate: --help and --version, which CLI11 handles
  ValueKind value = ValueKind::kNone;
  std::string_view value_name = {};  // CLI11's type name, which its messages quote: "FILE"
  std::vector<std::string_view> words = {};  // ValueKind::kWord: the values allowed
  std::string_view help = {};  // "{default}" stands for the field's default value
  Group group = Group::kOutput;
  unsigned modes = kCheckedModes;  // where it is used (see the test of the table)
  // Given together with `excludes`, CLI11 refuses the command line with its
  // own message while parsing, before any rule.
  std::optional<OptionId> excludes = std::nullopt;
  unsigned min = 0, max = 0;    // ValueKind::kNumber: the range CLI11 checks
  bool (*valid)(std::string_view) = nullptr;  // checked by a RuleKind::kValidValue rule
};

// The volumes, in order: VG/LV VG/SNAP, or the snapshots of a set.
struct PositionalSpec {
  std::string_view name;
  std::variant<std::string GivenCommandLine::*, std::vector<std::string> GivenCommandLine::*>
      field;
  std::string_view value_name;
  std::string_view help;
};

// What a rule can name besides the options.
enum Fact : unsigned {
  kGivesVolumes = 1u << 0,  // a volume is given
  kNotOneVolume = 1u << 1,  // no first volume, or a second one
  kNamesASet = 1u << 2,     // @TAG, or more than two volumes
};

// Options and facts; a rule's side holds when any of them does.
struct Terms {
  Terms(std::initializer_list<OptionId> options_in = {}, unsigned facts_in = 0)
      : options(options_in), facts(facts_in) {}
  std::vector<OptionId> options;
  unsigned facts;
};

enum class RuleKind {
  kNeeds,       // one of `subject` is given and none of `other`
  kConflict,    // one of `subject` is given with one of `other`
  kAtMostOne,   // more than one of `subject` is given
  kRequired,    // none of `subject` is given
  kValidValue,  // the value of `subject` (one option) fails the option's `valid`
};

// When a rule is checked: the first broken rule of a phase is the command
// line's error, and phases follow each other as ParseCommandLine goes.
enum class Phase {
  kAnyCommand,   // then --list-scheduled and --boot are done
  kBeforeNames,  // then the volume names are read
  kAfterNames,
};

// One reason a command line is refused (exit 3). The message is the error
// as printed; "{option}" is the first given option of `subject`, "{value}"
// its value and "{volume}" the first volume.
struct Rule {
  Phase phase;
  RuleKind kind;
  Terms subject;
  Terms other;
  std::string_view message;
};

// What --help shows for each form: its usage and what it does.
struct FormSpec {
  unsigned mode;
  std::string_view usage;  // after "lvm-revert"
  std::string_view what;
};

std::span<const OptionSpec> OptionTable();
std::span<const PositionalSpec> PositionalTable();
std::span<const Rule> RuleTable();
std::span<const FormSpec> FormTable();
std::string_view GroupTitle(Group group);

const OptionSpec& FindOption(OptionId id);
// The long name ("--yes"), or the only name.
std::string_view LongName(const OptionSpec& option);
// Every name: {"-y", "--yes"}.
std::vector<std::string_view> AllNames(const OptionSpec& option);
// Whether the option has a value other than its default.
bool IsGiven(const GivenCommandLine& given, OptionId id);
// The value as text ("" for a flag).
std::string ValueText(const GivenCommandLine& given, OptionId id);
// The help text with "{default}" filled in.
std::string HelpOf(const OptionSpec& option);

// The message of the first rule of `phase` that `given` breaks, in the
// order of RuleTable(); nothing when it breaks none.
std::optional<std::string> FirstBrokenRule(const GivenCommandLine& given, Phase phase);

}  // namespace lvmrevert::lvmext
