#include "lvmext/cli/command_line.h"

#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "lvmext/cli/exit_status.h"
#include "lvmext/cli/help_text.h"
#include "lvmext/cli/option_table.h"
#include "lvmext/lvm/lv_name.h"

namespace lvmrevert::lvmext {
namespace {

using G = GivenCommandLine;

ParsedCommandLine BadCommandLine(const std::string& message) {
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

// A value's checks and the name CLI11's messages give it.
CLI::Option* WithValueChecks(CLI::Option* option, const OptionSpec& spec) {
  if (!spec.words.empty()) {
    option->check(CLI::IsMember(std::vector<std::string>(spec.words.begin(), spec.words.end())));
  }
  if (spec.value == ValueKind::kNumber) option->check(CLI::Range(spec.min, spec.max));
  return option->type_name(std::string(spec.value_name));
}

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

CLI::Option* Register(CLI::App& app, G& given, const OptionSpec& spec) {
  const std::string names(spec.names), help = HelpOf(spec);
  return std::visit(
      Overloaded{
          [&](std::monostate) {
            return spec.id == OptionId::kHelp
                       ? app.set_help_flag(names, help)
                       : app.set_version_flag(names, std::string("lvm-revert ") + LVMREVERT_VERSION,
                                              help);
          },
          [&](bool G::*field) { return app.add_flag(names, given.*field, help); },
          [&](int G::*field) { return app.add_flag(names, given.*field, help); },
          [&](std::string G::*field) {
            return WithValueChecks(app.add_option(names, given.*field, help), spec);
          },
          [&](unsigned G::*field) {
            return WithValueChecks(app.add_option(names, given.*field, help), spec);
          },
      },
      spec.field);
}

// Every volume and option of the tables, in their order.
void RegisterAll(CLI::App& app, G& given) {
  for (const PositionalSpec& positional : PositionalTable()) {
    std::visit([&](auto field) {
      app.add_option(std::string(positional.name), given.*field, std::string(positional.help))
          ->type_name(std::string(positional.value_name));
    }, positional.field);
  }
  std::map<OptionId, CLI::Option*> registered;
  for (const OptionSpec& spec : OptionTable()) {
    CLI::Option* option = Register(app, given, spec);
    registered[spec.id] = option;
    if (spec.excludes) option->excludes(registered.at(*spec.excludes));
  }
}

// CLI11's parse; what it already decided (help, version, its own errors, a
// word it did not know) comes back as the result.
std::optional<ParsedCommandLine> RunCli11(CLI::App& app, int argc, const char* const* argv,
                                          std::ostream& out, std::ostream& err) {
  // Extras are taken, not thrown: a mistyped option is then named as such
  // rather than reported through some other option's requirement.
  app.allow_extras();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << HelpText();
    return ParsedCommandLine{std::nullopt, kExitDone, ""};
  } catch (const CLI::CallForVersion& e) {
    const int code = app.exit(e, out, err) == 0 ? kExitDone : kExitBadCommandLine;
    return ParsedCommandLine{std::nullopt, code, ""};
  } catch (const CLI::ParseError& e) {
    return BadCommandLine(OneLine(e.what()));
  }
  const std::vector<std::string> extras = app.remaining();
  if (extras.empty()) return std::nullopt;
  const std::string& first = extras.front();
  if (first.size() > 1 && first[0] == '-') {
    return BadCommandLine("unknown option " + first + " (see --help)");
  }
  return BadCommandLine("unexpected argument '" + first + "': give VG/LV VG/SNAP, VG/SNAP, "
                        "or --cow STORE --origin PATH");
}

// What CLI11 stored that Options takes as it is, and the action.
Options StoredOptions(const G& given) {
  Options options;
  options.cow_path = given.cow;
  options.origin_path = given.origin;
  options.dry_run = given.dry_run;
  options.assume_yes = given.yes;
  options.verbosity = given.verbose;
  options.quiet = given.quiet > 0;
  options.queue_depth = given.queue_depth;
  options.progress = given.progress;
  options.allow_invalidate = given.allow_invalidate;
  options.allow_unlink = given.allow_unlink;
  options.remove_snapshot = given.remove_snapshot;
  options.backup_path = given.backup;
  options.backup_snapshot = given.backup_snapshot;
  options.restore_path = given.restore;
  options.verify = given.verify;
  options.compare = given.compare;
  options.action = given.at_next_boot      ? Action::kScheduleNextBoot
                   : given.at_every_boot   ? Action::kScheduleEveryBoot
                   : given.cancel          ? Action::kCancel
                   : given.list_scheduled  ? Action::kListScheduled
                   : given.boot            ? Action::kBoot
                                           : Action::kRevert;
  return options;
}

bool AsksJson(const G& given) { return given.json || !given.report_format.empty(); }

// --list-scheduled and --boot: JSON or text, and nothing else is looked at.
Options ListOrBootOptions(const G& given) {
  Options options = StoredOptions(given);
  options.format = AsksJson(given) ? OutputFormat::kJson : OutputFormat::kText;
  return options;
}

Options RevertOptions(const G& given) {
  Options options = StoredOptions(given);
  options.dry_run = given.dry_run || given.test;
  options.udev_sync = !given.no_udev_sync;
  options.io_engine = given.io_engine == "uring"   ? EngineKind::kUring
                      : given.io_engine == "psync" ? EngineKind::kPsync
                                                   : EngineKind::kAuto;
  static const std::map<std::string, OutputFormat> kFormats = {
      {"text", OutputFormat::kText}, {"json", OutputFormat::kJson}, {"dd", OutputFormat::kDd}};
  options.format = AsksJson(given) ? OutputFormat::kJson : kFormats.at(given.format);
  // A dd script is a plan and nothing more.
  if (options.format == OutputFormat::kDd) options.dry_run = true;
  return options;
}

// A set: @TAG, --snapset NAME, or snapshots (two in different VGs, or
// more than two; two in one VG may still be a pair, see Options).
std::optional<std::string> ReadSet(const G& given, Options& options) {
  SetSpec set;
  if (!given.snapset.empty()) {
    set.kind = SetSpec::Kind::kSnapset;
    set.name = given.snapset;
  } else if (given.first_volume.starts_with('@')) {
    if (!given.second_volume.empty()) {
      return "@TAG names a set by itself: give it alone (" + given.first_volume + ")";
    }
    set.kind = SetSpec::Kind::kTag;
    set.name = given.first_volume.substr(1);
    if (!IsValidLvmTag(set.name)) {
      return "'" + given.first_volume + "' is not an LV tag (LVM tags use A-Z a-z 0-9 _ + . - / = ! : & #)";
    }
  } else {
    std::vector<std::string> names = {given.first_volume, given.second_volume};
    names.insert(names.end(), given.more_volumes.begin(), given.more_volumes.end());
    for (const std::string& name : names) {
      StatusOr<LvRef> ref = ParseLvName(name);
      if (!ref.ok()) return ref.status().message();
      set.snapshots.push_back(*ref);
    }
  }
  options.set = std::move(set);
  return std::nullopt;
}

bool NamesASet(const G& given) {
  return !given.snapset.empty() || given.first_volume.starts_with('@') ||
         !given.more_volumes.empty();
}

// The volumes of the LVM form and of --restore, read once the rules of
// their combinations hold.
std::optional<std::string> ReadVolumes(const G& given, Options& options) {
  if (NamesASet(given)) return ReadSet(given, options);
  if (options.restores()) {
    StatusOr<LvRef> origin_ref = ParseLvName(given.first_volume);
    if (!origin_ref.ok()) return origin_ref.status().message();
    options.origin_lv = *origin_ref;
    return std::nullopt;
  }
  if (given.first_volume.empty() && given.second_volume.empty()) return std::nullopt;
  // One name is the snapshot: its origin is found, as lvconvert --merge does.
  const bool snapshot_only = given.second_volume.empty();
  StatusOr<LvRef> snapshot_ref =
      ParseLvName(snapshot_only ? given.first_volume : given.second_volume);
  if (!snapshot_ref.ok()) return snapshot_ref.status().message();
  options.snapshot_lv = *snapshot_ref;
  if (snapshot_only) return std::nullopt;
  StatusOr<LvRef> origin_ref = ParseLvName(given.first_volume);
  if (!origin_ref.ok()) return origin_ref.status().message();
  if (*origin_ref == *snapshot_ref) return origin_ref->full() + " cannot be its own snapshot";
  // Snapshots in two VGs: a set; else LVM's view tells a pair from a set.
  if (origin_ref->vg != snapshot_ref->vg) {
    options.snapshot_lv.reset();
    return ReadSet(given, options);
  }
  options.origin_lv = *origin_ref;
  return ReadSet(given, options);
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
  CLI::App app("Revert an LVM origin to an old-style snapshot", "lvm-revert");
  G given;
  RegisterAll(app, given);
  if (std::optional<ParsedCommandLine> done = RunCli11(app, argc, argv, out, err)) return *done;
  if (given.completion_list) {
    out << CompletionList();
    return ParsedCommandLine{std::nullopt, kExitDone, ""};
  }
  if (auto error = FirstBrokenRule(given, Phase::kAnyCommand)) return BadCommandLine(*error);
  if (given.list_scheduled || given.boot) {
    return ParsedCommandLine{ListOrBootOptions(given), kExitDone, ""};
  }
  if (auto error = FirstBrokenRule(given, Phase::kBeforeNames)) return BadCommandLine(*error);
  Options options = RevertOptions(given);
  if (auto error = ReadVolumes(given, options)) return BadCommandLine(*error);
  if (auto error = FirstBrokenRule(given, Phase::kAfterNames)) return BadCommandLine(*error);
  return ParsedCommandLine{options, kExitDone, ""};
}

}  // namespace lvmrevert::lvmext
