#pragma once
// Minimal UTF-8 decoding and encoding (private to runner/expr).

#include <string>
#include <string_view>

namespace wf::expr {

/// Returned by decode_utf8() for a byte that does not start a valid sequence.
inline constexpr char32_t kInvalidUtf8 = 0xFFFFFFFF;

/// Decodes the code point at `i` and advances `i` past it; an invalid byte
/// advances by one and gives kInvalidUtf8.
inline char32_t decode_utf8(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  size_t len = 0;
  if (b0 >= 0xC2 && b0 < 0xE0) len = 2;
  else if (b0 >= 0xE0 && b0 < 0xF0) len = 3;
  else if (b0 >= 0xF0 && b0 < 0xF5) len = 4;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return kInvalidUtf8;
  }
  char32_t c = b0 & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kInvalidUtf8;
    }
    c = (c << 6) | (b & 0x3F);
  }
  if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
      (c >= 0xD800 && c <= 0xDFFF)) {
    ++i;
    return kInvalidUtf8;
  }
  i += len;
  return c;
}

/// Appends the UTF-8 encoding of `c` to `out`.
inline void encode_utf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace wf::expr
