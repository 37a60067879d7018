// The parser made from the option table (lvmext/cli/option_table.h): every
// option where the table says it is used and nowhere else, each rule's
// message as it has always read, the rules' order, the grouped --help and
// the completion's list.
#include "lvmext/cli/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "lvmext/cli/exit_status.h"
#include "lvmext/cli/help_text.h"
#include "lvmext/cli/option_table.h"

namespace lvmrevert::lvmext {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Args = std::vector<std::string>;

struct Parsed {
  ParsedCommandLine result;
  std::string out;
};

Parsed Parse(Args args) {
  args.insert(args.begin(), "lvm-revert");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  std::ostringstream out, err;
  ParsedCommandLine result =
      ParseCommandLine(static_cast<int>(argv.size()), argv.data(), out, err);
  EXPECT_EQ(err.str(), "");  // the caller prints the error
  return {result, out.str()};
}

std::string Show(const Args& args) {
  std::string shown;
  for (const std::string& arg : args) shown += " " + arg;
  return shown;
}

// The option as a user would give it, with a value it takes.
Args Given(const OptionSpec& option) {
  Args args{std::string(LongName(option))};
  switch (option.value) {
    case ValueKind::kNone: break;
    case ValueKind::kFile: args.push_back("some/file"); break;
    case ValueKind::kNewName: args.push_back("undo"); break;
    case ValueKind::kNumber: args.push_back(std::to_string(option.max)); break;
    case ValueKind::kWord: args.push_back(std::string(option.words.back())); break;
  }
  return args;
}

// A command line of each form, and what names the form in its usage.
struct Form {
  unsigned mode;
  Args args;
};
const std::vector<Form> kForms = {
    {kLvmMode, {"vg/lv", "vg/snap"}},
    {kLvmMode, {"vg/snap"}},
    {kOfflineMode, {"--cow", "c", "--origin", "o"}},
    {kRestoreMode, {"--restore", "f", "vg/lv"}},
    {kScheduleMode, {"--at-next-boot", "vg/lv", "vg/snap"}},
    {kScheduleMode, {"--at-every-boot", "vg/lv", "vg/snap"}},
    {kCancelMode, {"--cancel", "vg/lv", "vg/snap"}},
    {kListMode, {"--list-scheduled"}},
    {kBootMode, {"--boot"}},
};

// The options that make a form (named in its usage line).
bool MakesAForm(const OptionSpec& option) {
  for (const FormSpec& form : FormTable()) {
    if (form.usage.find(LongName(option)) != std::string_view::npos) return true;
  }
  return false;
}

bool Informational(const OptionSpec& option) {
  return option.group == Group::kHelp || option.group == Group::kHidden;
}

// A set, named three ways; --backup and the other options of one origin are
// refused (and so is --format dd, once the names are known to be a set).
TEST(CommandLineTest, TheSetFormsParse) {
  const Parsed snapshots = Parse({"-y", "vg/a", "other/b", "vg/c"});
  ASSERT_TRUE(snapshots.result.options) << snapshots.result.error;
  const SetSpec& set = *snapshots.result.options->set;
  EXPECT_EQ(set.kind, SetSpec::Kind::kSnapshots);
  ASSERT_EQ(set.snapshots.size(), 3u);
  EXPECT_EQ(set.snapshots[1].full(), "other/b");
  EXPECT_FALSE(snapshots.result.options->pair_or_set());
  const Parsed tag = Parse({"--at-next-boot", "@upgrade"});
  ASSERT_TRUE(tag.result.options) << tag.result.error;
  EXPECT_EQ(tag.result.options->set->kind, SetSpec::Kind::kTag);
  EXPECT_EQ(tag.result.options->set->name, "upgrade");
  const Parsed snapset = Parse({"--cancel", "--snapset", "before"});
  ASSERT_TRUE(snapset.result.options) << snapset.result.error;
  EXPECT_EQ(snapset.result.options->set->kind, SetSpec::Kind::kSnapset);
  EXPECT_EQ(snapset.result.options->set->name, "before");
  // Two names in one VG: LVM's view tells a pair from a set.
  const Parsed two = Parse({"vg/lv", "vg/snap"});
  ASSERT_TRUE(two.result.options);
  EXPECT_TRUE(two.result.options->pair_or_set());
  // In two VGs they are two snapshots.
  const Parsed two_vgs = Parse({"vg/a", "other/b"});
  ASSERT_TRUE(two_vgs.result.options);
  EXPECT_FALSE(two_vgs.result.options->pair_or_set());
  EXPECT_FALSE(two_vgs.result.options->origin_lv);
  for (const char* option : {"--allow-invalidate", "--noudevsync", "--verify", "--compare",
                             "--dry-run", "--json", "--progress"}) {
    EXPECT_TRUE(Parse({option, "@t"}).result.options) << option;
  }
}

TEST(CommandLineTest, EveryFormOfTheTableParses) {
  for (const Form& form : kForms) {
    const Parsed parsed = Parse(form.args);
    EXPECT_TRUE(parsed.result.options) << Show(form.args) << ": " << parsed.result.error;
  }
}

// In the forms that check rules, an option the table gives the form is
// accepted and any other is a bad command line (exit 3).
TEST(CommandLineTest, EveryOptionIsTakenWhereTheTableSaysAndRefusedElsewhere) {
  for (const Form& form : kForms) {
    if ((form.mode & kCheckedModes) == 0) continue;
    for (const OptionSpec& option : OptionTable()) {
      if (Informational(option) || MakesAForm(option)) continue;
      Args args = form.args;
      for (const std::string& arg : Given(option)) args.push_back(arg);
      const Parsed parsed = Parse(args);
      if ((option.modes & form.mode) != 0) {
        EXPECT_TRUE(parsed.result.options) << Show(args) << ": " << parsed.result.error;
      } else {
        EXPECT_FALSE(parsed.result.options) << Show(args);
        EXPECT_EQ(parsed.result.exit_code, kExitBadCommandLine) << Show(args);
        EXPECT_THAT(parsed.result.error, Not(HasSubstr("\n")));
      }
    }
  }
}

// An option that makes one form, added to another, is a bad command line;
// only the LVM form's volumes with --at-next-boot, --at-every-boot or
// --cancel, and one volume with --restore FILE, are a form of their own.
TEST(CommandLineTest, TheOptionsThatMakeAFormExcludeTheOtherForms) {
  for (const Form& form : kForms) {
    for (const OptionSpec& option : OptionTable()) {
      if (!MakesAForm(option) || (option.modes & form.mode) != 0) continue;
      Args args = form.args;
      for (const std::string& arg : Given(option)) args.push_back(arg);
      const bool another_form =
          form.mode == kLvmMode && ((option.modes & (kScheduleMode | kCancelMode)) != 0 ||
                                    (option.modes == kRestoreMode && form.args.size() == 1));
      // --list-scheduled and --boot ignore --restore FILE, as every option
      // they do not use.
      const bool ignored =
          (form.mode & (kListMode | kBootMode)) != 0 && option.modes == kRestoreMode;
      const Parsed parsed = Parse(args);
      EXPECT_EQ(parsed.result.options.has_value(), another_form || ignored) << Show(args);
      if (!another_form && !ignored) {
        EXPECT_EQ(parsed.result.exit_code, kExitBadCommandLine) << Show(args);
      }
    }
  }
}

// --list-scheduled and --boot take no volumes and no other action; what
// they do not use they ignore, as they always have.
TEST(CommandLineTest, ListAndBootIgnoreTheOptionsTheyDoNotUse) {
  for (const Form& form : kForms) {
    if ((form.mode & (kListMode | kBootMode)) == 0) continue;
    for (const OptionSpec& option : OptionTable()) {
      if (Informational(option) || MakesAForm(option)) continue;
      Args args = form.args;
      for (const std::string& arg : Given(option)) args.push_back(arg);
      EXPECT_TRUE(Parse(args).result.options) << Show(args);
    }
    Args with_volume = form.args;
    with_volume.push_back("vg/lv");
    EXPECT_EQ(Parse(with_volume).result.error,
              std::string(form.args[0]) + " takes no volumes: it finds them by their tags");
  }
}

// Each message exactly as it read before the table (the VM, package and
// boot tests, and users' scripts, match on them).
TEST(CommandLineTest, EachRuleSaysWhatItAlwaysSaid) {
  const std::vector<std::pair<Args, std::string>> cases = {
      {{"--origin", "o"}, "--origin needs --cow STORE as well"},
      {{"--cow", "c"}, "--cow needs --origin PATH as well"},
      {{"--cancel", "--boot"},
       "--at-next-boot, --at-every-boot, --cancel, --list-scheduled and --boot exclude each other"},
      {{"--boot", "--cow", "c", "--origin", "o"},
       "--boot takes no volumes: it finds them by their tags"},
      {{"--list-scheduled", "vg/snap"},
       "--list-scheduled takes no volumes: it finds them by their tags"},
      {{"--cancel", "--cow", "c", "--origin", "o"},
       "--at-next-boot, --at-every-boot and --cancel work on LVM volumes: give VG/LV VG/SNAP"},
      {{"--at-every-boot", "--allow-invalidate", "vg/lv", "vg/snap"},
       "--allow-invalidate does not go with scheduling: the boot checks the other snapshots "
       "again, without it"},
      {{"--cancel", "--remove-snapshot", "vg/lv", "vg/snap"},
       "--remove-snapshot does not go with scheduling: a scheduled revert keeps the snapshot"},
      {{"--compare", "--backup", "b", "vg/lv", "vg/snap"},
       "--compare writes nothing: it does not go with --verify, --backup, --backup-snapshot, "
       "--remove-snapshot or scheduling"},
      {{"--verify", "-t", "vg/lv", "vg/snap"},
       "--verify checks what a revert wrote: it does not go with a dry run or scheduling"},
      {{"--backup-snapshot", "u", "--at-next-boot", "vg/lv", "vg/snap"},
       "--backup and --backup-snapshot do not go with scheduling"},
      {{"--backup", "b", "--backup-snapshot", "u", "vg/lv", "vg/snap"},
       "give one of --backup and --backup-snapshot"},
      {{"--restore", "f", "--cow", "c", "--origin", "o"},
       "--restore FILE VG/LV is the LVM form; offline, restore with --cow FILE --origin ORIGIN"},
      {{"--restore", "f", "vg/lv", "vg/snap"},
       "--restore FILE takes one volume: lvm-revert --restore FILE VG/LV"},
      {{"--restore", "f"}, "--restore FILE takes one volume: lvm-revert --restore FILE VG/LV"},
      {{"--restore", "f", "--remove-snapshot", "vg/lv"},
       "--restore does not go with --backup, --backup-snapshot, --remove-snapshot, "
       "--allow-unlink or scheduling"},
      {{"--restore", "f", "--allow-unlink", "vg/lv"},
       "--restore does not go with --backup, --backup-snapshot, --remove-snapshot, "
       "--allow-unlink or scheduling"},
      {{"--at-next-boot", "--allow-unlink", "vg/lv", "vg/snap"},
       "--allow-unlink does not go with scheduling: the boot checks the other thin snapshots "
       "again, without it"},
      {{"--restore", "f", "vg/l v"},
       "'vg/l v' is not a valid VG/LV name (LVM names use A-Z a-z 0-9 + _ . -)"},
      {{"--backup-snapshot", "{volume} x", "vg/lv", "vg/snap"},
       "--backup-snapshot {volume} x: not a valid LV name (LVM names use A-Z a-z 0-9 + _ . -)"},
      {{"--backup-snapshot", "u", "--cow", "c", "--origin", "o"},
       "--backup-snapshot is the LVM form's; offline, use --backup FILE"},
      {{"vg/lv", "--cow", "c", "--origin", "o"},
       "unexpected argument 'vg/lv': give either VG/LV VG/SNAP or --cow and --origin, not both"},
      {{"-y"}, "give the origin and its snapshot: VG/LV VG/SNAP (or --cow STORE --origin PATH)"},
      {{"--noudevsync", "--cow", "c", "--origin", "o"},
       "--allow-invalidate, --allow-unlink, --remove-snapshot and --noudevsync belong to the LVM "
       "form (VG/LV VG/SNAP)"},
      {{"--backup", "f", "@t"}, "--backup works on one origin, not on a set of snapshots"},
      {{"--remove-snapshot", "a/s", "b/s", "c/s"},
       "--remove-snapshot works on one origin, not on a set of snapshots"},
      {{"--restore", "f", "@t"}, "--restore works on one origin, not on a set of snapshots"},
      {{"--snapset", "s", "vg/snap"},
       "--snapset NAME names a set by itself: give no volumes, --cow or --origin with it"},
      {{"@t", "vg/snap"}, "@TAG names a set by itself: give it alone (@t)"},
      {{"@"}, "'@' is not an LV tag (LVM tags use A-Z a-z 0-9 _ + . - / = ! : & #)"},
      {{"vg/lv", "/dev/vg/lv"}, "vg/lv cannot be its own snapshot"},
      {{"-q", "-v", "vg/snap"}, "-q/--quiet and -v/--verbose contradict each other"},
      // CLI11's own, and the words it leaves over.
      {{"--format", "dd", "--json", "vg/snap"}, "--format excludes --json"},
      {{"--format", "xml", "vg/snap"}, "--format: xml not in {text,json,dd}"},
      {{"--reportformat", "yaml"}, "--reportformat: yaml not in {json}"},
      {{"--io-engine", "aio"}, "--io-engine: aio not in {auto,uring,psync}"},
      {{"--queue-depth", "0"}, "--queue-depth: Value 0 not in range 1 to 1024"},
      {{"--cow"}, "--cow: 1 required PATH missing"},
      {{"--cwo", "x"}, "unknown option --cwo (see --help)"},
  };
  for (const auto& [args, message] : cases) {
    const Parsed parsed = Parse(args);
    EXPECT_FALSE(parsed.result.options) << Show(args);
    EXPECT_EQ(parsed.result.exit_code, kExitBadCommandLine) << Show(args);
    EXPECT_EQ(parsed.result.error, message) << Show(args);
  }
}

// When a command line breaks two rules, the first in the table's order is
// the one named.
TEST(CommandLineTest, TheFirstBrokenRuleIsTheOneNamed) {
  // --cow without --origin comes before the actions' exclusion ...
  EXPECT_EQ(Parse({"--cow", "c", "--boot", "--cancel"}).result.error,
            "--cow needs --origin PATH as well");
  // ... a scheduling conflict before an invalid name ...
  EXPECT_EQ(Parse({"--backup-snapshot", "a b", "--at-next-boot", "vg/lv", "vg/snap"}).result.error,
            "--backup and --backup-snapshot do not go with scheduling");
  // ... an invalid name before the offline form's ...
  EXPECT_EQ(Parse({"--backup-snapshot", "a b", "--cow", "c", "--origin", "o"}).result.error,
            "--backup-snapshot a b: not a valid LV name (LVM names use A-Z a-z 0-9 + _ . -)");
  // ... and the names of the volumes before -q with -v.
  EXPECT_EQ(Parse({"-q", "-v", "vg/lv", "vg/lv"}).result.error, "vg/lv cannot be its own snapshot");
}

TEST(CommandLineTest, WhatTheOptionsBecome) {
  const Parsed dd = Parse({"--format", "dd", "-v", "--io-engine", "psync", "--queue-depth", "8",
                           "--noudevsync", "vg/lv", "vg/snap"});
  ASSERT_TRUE(dd.result.options) << dd.result.error;
  EXPECT_EQ(dd.result.options->format, OutputFormat::kDd);
  EXPECT_TRUE(dd.result.options->dry_run);  // a dd script is a plan and nothing more
  EXPECT_EQ(dd.result.options->verbosity, 1);
  EXPECT_EQ(dd.result.options->io_engine, EngineKind::kPsync);
  EXPECT_EQ(dd.result.options->queue_depth, 8u);
  EXPECT_FALSE(dd.result.options->udev_sync);
  EXPECT_EQ(dd.result.options->action, Action::kRevert);

  const Parsed json = Parse({"-t", "--reportformat", "json", "-y", "--cow", "c", "--origin", "o"});
  ASSERT_TRUE(json.result.options) << json.result.error;
  EXPECT_EQ(json.result.options->format, OutputFormat::kJson);
  EXPECT_TRUE(json.result.options->dry_run);
  EXPECT_TRUE(json.result.options->assume_yes);
  EXPECT_EQ(json.result.options->cow_path, "c");
  EXPECT_EQ(json.result.options->origin_path, "o");
  EXPECT_FALSE(json.result.options->lvm_form());

  const Parsed restore = Parse({"--restore", "f", "--verify", "/dev/mapper/my--vg-data"});
  ASSERT_TRUE(restore.result.options) << restore.result.error;
  EXPECT_EQ(restore.result.options->restore_path, "f");
  EXPECT_EQ(*restore.result.options->origin_lv, (LvRef{"my-vg", "data"}));
  EXPECT_FALSE(restore.result.options->snapshot_lv);
  EXPECT_TRUE(restore.result.options->verify);

  const Parsed list = Parse({"--list-scheduled", "--json", "-q"});
  ASSERT_TRUE(list.result.options) << list.result.error;
  EXPECT_EQ(list.result.options->action, Action::kListScheduled);
  EXPECT_EQ(list.result.options->format, OutputFormat::kJson);
  EXPECT_TRUE(list.result.options->quiet);
}

// --- the table itself -------------------------------------------------------------

TEST(OptionTableTest, EveryNameIsUniqueAndEveryOptionComplete) {
  std::set<std::string_view> names;
  for (const OptionSpec& option : OptionTable()) {
    const std::string_view long_name = LongName(option);
    EXPECT_TRUE(long_name.starts_with("--")) << long_name;
    for (std::string_view name : AllNames(option)) {
      EXPECT_TRUE(names.insert(name).second) << name << " twice";
      EXPECT_TRUE(name.starts_with("--") || name.size() == 2) << name;
    }
    EXPECT_FALSE(option.help.empty()) << long_name;
    EXPECT_FALSE(IsGiven(GivenCommandLine{}, option.id)) << long_name;
    EXPECT_EQ(option.value == ValueKind::kNone, option.value_name.empty()) << long_name;
    EXPECT_EQ(option.value == ValueKind::kWord, !option.words.empty()) << long_name;
    EXPECT_EQ(option.value == ValueKind::kNumber, option.max > 0) << long_name;
    EXPECT_EQ(&FindOption(option.id), &option);
    if (option.group != Group::kHidden) {
      EXPECT_NE(option.modes, 0u) << long_name;
    }
  }
}

TEST(OptionTableTest, EveryRuleNamesOptionsAndCanBeBroken) {
  for (const Rule& rule : RuleTable()) {
    EXPECT_FALSE(rule.message.empty());
    EXPECT_FALSE(rule.subject.options.empty() && rule.subject.facts == 0) << rule.message;
    for (OptionId id : rule.subject.options) EXPECT_NO_THROW(FindOption(id)) << rule.message;
    for (OptionId id : rule.other.options) EXPECT_NO_THROW(FindOption(id)) << rule.message;
    if (rule.kind == RuleKind::kValidValue) {
      ASSERT_EQ(rule.subject.options.size(), 1u);
      EXPECT_NE(FindOption(rule.subject.options[0]).valid, nullptr) << rule.message;
    }
  }
}

// --- --help and the completion's list ---------------------------------------------

TEST(HelpTextTest, ShowsEachFormThenEveryOptionInItsGroup) {
  const Parsed help = Parse({"--help"});
  EXPECT_FALSE(help.result.options);
  EXPECT_EQ(help.result.exit_code, kExitDone);
  EXPECT_EQ(help.out, HelpText());
  for (const FormSpec& form : FormTable()) {
    EXPECT_THAT(help.out, HasSubstr("  lvm-revert " + std::string(form.usage) + "\n"));
  }
  for (const OptionSpec& option : OptionTable()) {
    const std::string long_name(LongName(option));
    if (option.group == Group::kHidden) {
      EXPECT_THAT(help.out, Not(HasSubstr(long_name)));
      continue;
    }
    // The option's line comes after its group's title and before the next one.
    const size_t title = help.out.find("\n" + std::string(GroupTitle(option.group)) + ":\n");
    ASSERT_NE(title, std::string::npos) << long_name;
    const size_t line = help.out.find("\n  " + std::string(AllNames(option).front()), title);
    ASSERT_NE(line, std::string::npos) << long_name;
    const size_t next_title = help.out.find("\n\n", title + 1);
    EXPECT_TRUE(next_title == std::string::npos || line < next_title) << long_name;
  }
  for (std::string_view title : {"LVM form:", "Offline form:", "Output:", "Undo and verify:",
                                 "Boot scheduling:", "Tuning:"}) {
    EXPECT_THAT(help.out, HasSubstr("\n" + std::string(title) + "\n"));
  }
  EXPECT_THAT(help.out, HasSubstr("  --format text|json|dd"));
  EXPECT_EQ(HelpOf(FindOption(OptionId::kQueueDepth)),
            "Reads and writes in flight with io_uring (default 128)");
}

TEST(HelpTextTest, NoLineIsWiderThanATerminal) {
  std::istringstream lines(HelpText());
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 79u) << line;
}

TEST(CompletionListTest, OneLinePerNameWithItsKind) {
  const Parsed list = Parse({"--completion-list"});
  EXPECT_FALSE(list.result.options);
  EXPECT_EQ(list.result.exit_code, kExitDone);
  EXPECT_EQ(list.out, CompletionList());
  for (const char* line :
       {"-y\tnone\n", "--yes\tnone\n", "--cow\tfile\n", "--restore\tfile\n", "--backup\tfile\n",
        "--backup-snapshot\tname\n", "--queue-depth\tnumber\n", "--format\tword\ttext json dd\n",
        "--io-engine\tword\tauto uring psync\n", "--reportformat\tword\tjson\n", "-h\tnone\n"}) {
    EXPECT_THAT(list.out, HasSubstr(line));
  }
  EXPECT_THAT(list.out, Not(HasSubstr("--completion-list")));
  size_t names = 0;
  for (const OptionSpec& option : OptionTable()) {
    if (option.group != Group::kHidden) names += AllNames(option).size();
  }
  EXPECT_EQ(static_cast<size_t>(std::count(list.out.begin(), list.out.end(), '\n')), names);
}

}  // namespace
}  // namespace lvmrevert::lvmext
