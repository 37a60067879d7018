// What the process must make sure of before it opens anything.
#pragma once

namespace lvmrevert::lvmext {

// Puts /dev/null on any of fds 0, 1 and 2 that is closed, as coreutils and
// util-linux do: otherwise the first device we open becomes "standard
// output", and our own messages are written into it. False when /dev/null
// cannot be opened (then nothing may be opened at all).
bool KeepStandardFdsOpen();

// A closed pipe must not kill a revert half-way (SIGPIPE's default): writes
// to it fail with EPIPE instead, which the output checks report.
void IgnoreSigpipe();

}  // namespace lvmrevert::lvmext
