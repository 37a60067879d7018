#include "lvmext/command_line.h"

#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "lvmext/exit_status.h"

namespace lvmrevert::cli {
namespace {

constexpr const char* kDescription =
    "Revert an origin to the state saved in a dm-snapshot (old-style LVM snapshot) exception\n"
    "store by copying the saved chunks back onto it. The store is only read.";

}  // namespace

ParsedCommandLine ParseCommandLine(int argc, const char* const* argv, std::ostream& out,
                                   std::ostream& err) {
  CLI::App app(kDescription, "lvm-revert");
  app.set_version_flag("--version", std::string("lvm-revert ") + LVMREVERT_VERSION);
  app.get_formatter()->column_width(28);

  Options options;
  std::string format = "text";
  bool json = false;
  bool test_mode = false;
  int quiet_count = 0;

  auto* cow = app.add_option("--cow", options.cow_path,
                             "Exception store to read: a -cow device or an image of one")
                  ->type_name("PATH");
  auto* origin = app.add_option("--origin", options.origin_path,
                                "Origin to revert: its device or an image of it")
                     ->type_name("PATH");
  cow->needs(origin);
  origin->needs(cow);
  cow->required();
  app.add_flag("-t,--test", test_mode, "Print the plan and write nothing (as --dry-run)");
  app.add_flag("--dry-run", options.dry_run, "Print the plan and write nothing");
  auto* format_option =
      app.add_option("--format", format, "How to print the plan: text, json or dd")
          ->check(CLI::IsMember({"text", "json", "dd"}))
          ->type_name("FORMAT");
  auto* json_flag = app.add_flag("--json", json, "Same as --format json");
  json_flag->excludes(format_option);
  app.add_flag("-y,--yes", options.assume_yes, "Do not ask for confirmation");
  app.add_flag("-v,--verbose", options.verbosity, "Say more; repeat for more");
  app.add_flag("-q,--quiet", quiet_count, "Print only errors and the requested output");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e, out, err);
    return ParsedCommandLine{std::nullopt, rc == 0 ? kExitDone : kExitBadCommandLine};
  }

  options.dry_run = options.dry_run || test_mode;
  options.quiet = quiet_count > 0;
  static const std::map<std::string, OutputFormat> kFormats = {
      {"text", OutputFormat::kText}, {"json", OutputFormat::kJson}, {"dd", OutputFormat::kDd}};
  options.format = json ? OutputFormat::kJson : kFormats.at(format);
  if (options.quiet && options.verbosity > 0) {
    err << "-q/--quiet and -v/--verbose contradict each other\n"
        << "Run with --help for more information.\n";
    return ParsedCommandLine{std::nullopt, kExitBadCommandLine};
  }
  return ParsedCommandLine{options, kExitDone};
}

}  // namespace lvmrevert::cli
