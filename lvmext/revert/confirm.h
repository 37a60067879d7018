// Asking before writing, the way LVM's yes_no_prompt does: the question goes
// to stderr; y/yes or n/no in any case; end of input means no.
#pragma once

#include <string>

#include "core/status.h"
#include "lvmext/system/console.h"

namespace lvmrevert::lvmext {

// Ok to go ahead; kRefused when the answer is no, or when stdin is not a
// terminal (nobody can answer, and a script must say -y explicitly).
Status Confirm(Console& console, const std::string& question);

}  // namespace lvmrevert::lvmext
