// Names from the command line or the system (paths, loop backing files) go
// into one-line messages and JSON. A name may hold a newline, an escape
// sequence or bytes that are not UTF-8; printed raw, it would split the line,
// colour the terminal or make the JSON invalid.
#pragma once

#include <string>
#include <string_view>

namespace lvmrevert {

// The name as it is when it holds only characters that need no quoting in a
// shell (letters, digits and %+,-./:=@_^); otherwise quoted the way
// coreutils' shell-escape style does: 'a b', 'it'\''s', 'a'$'\n''b'. The
// result is printable, one line, and pastes back into a shell as the name.
std::string QuotedName(std::string_view name);

// `text` with every byte sequence that is not valid UTF-8 replaced by U+FFFD,
// so it can go into JSON.
std::string ValidUtf8(std::string_view text);

// `text` with control characters (below 0x20, and 0x7f) written as \n, \t or
// \ooo: a last line of defence so a message stays one line on a terminal.
std::string EscapeControlCharacters(std::string_view text);

}  // namespace lvmrevert
