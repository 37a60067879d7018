#include "core/quoting.h"

#include <cstdint>
#include <cstdio>

namespace lvmrevert {
namespace {

bool NeedsNoQuoting(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '%': case '+': case ',': case '-': case '.': case '/': case ':': case '=': case '@':
    case '_': case '^':
      return true;
    default:
      return false;
  }
}

// Length of the valid UTF-8 sequence at text[i], or 0 if there is none
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) return 1;
  size_t length = 0;
  uint32_t code_point = 0;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    length = 2;
    code_point = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    length = 3;
    code_point = b0 & 0x0f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    length = 4;
    code_point = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    if ((b & 0xc0) != 0x80) return 0;
    code_point = (code_point << 6) | (b & 0x3f);
  }
  if ((length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000) ||
      code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) {
    return 0;
  }
  return length;
}

std::string Octal(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\%03o", c);
  return buf;
}

std::string EscapedByte(unsigned char c) {
  switch (c) {
    case '\n': return "\\n";
    case '\t': return "\\t";
    case '\r': return "\\r";
    default: return Octal(c);
  }
}

}  // namespace

std::string QuotedName(std::string_view name) {
  bool plain = !name.empty();
  for (const char ch : name) plain = plain && NeedsNoQuoting(static_cast<unsigned char>(ch));
  if (plain) return std::string(name);

  std::string out = "'";
  for (size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    const size_t length = Utf8SequenceLength(name, i);
    if (length == 0 || c < 0x20 || c == 0x7f) {
      // Leave the quotes, write the byte as $'\ooo', open them again.
      out += "'$'" + EscapedByte(c) + "''";
      ++i;
    } else if (c == '\'') {
      out += "'\\''";
      ++i;
    } else {
      out.append(name.substr(i, length));
      i += length;
    }
  }
  out += "'";
  // 'a'$'\n''' reads better as 'a'$'\n', and ''$'\n''b' as $'\n''b'.
  if (out.size() > 3 && out.compare(out.size() - 3, 3, "'''") == 0) out.resize(out.size() - 2);
  if (out.rfind("''$", 0) == 0) out.erase(0, 2);
  return out;
}

std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

std::string EscapeControlCharacters(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += EscapedByte(c);
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace lvmrevert
