// What --help prints, and the list of options the bash completion reads,
// both made from option_table.h.
#pragma once

#include <string>

namespace lvmrevert::lvmext {

// The usage of each form with the options it takes beyond the common ones,
// then every option by group.
std::string HelpText();

// One line per option name, for packaging/bash-completion/lvm-revert:
// "NAME<tab>KIND", KIND one of none, file, name (a new one), number and
// word; a word option adds "<tab>WORD WORD...".
std::string CompletionList();

}  // namespace lvmrevert::lvmext
