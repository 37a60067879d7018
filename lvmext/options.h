// What the user asked for, after parsing and before anything is opened.
#pragma once

#include <string>

namespace lvmrevert::cli {

enum class OutputFormat { kText, kJson, kDd };

struct Options {
  // Offline form: an exception store and an origin, images or block devices.
  std::string cow_path;
  std::string origin_path;

  bool dry_run = false;  // -t/--test or --dry-run: print the plan, write nothing
  OutputFormat format = OutputFormat::kText;
  bool assume_yes = false;  // -y: no prompt
  int verbosity = 0;        // -v repeats
  bool quiet = false;
};

}  // namespace lvmrevert::cli
