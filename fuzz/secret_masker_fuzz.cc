// The secret masker on streamed output: secrets and text come from the
// input, and so do the sizes of the writes the text arrives in (and whether
// a long line of filler precedes it, so the 64 KiB piece cut lands next to
// the text). Property: no emitted line holds a registered secret, a line of
// one, or any encoding SecretMasker documents (base64 whole and at each
// alignment, JSON-escaped, Go's HTML-safe JSON, URL-encoded with %20 or '+'),
// whatever the split of the writes. The encodings are computed here, not
// with the masker's code. Secrets hold no '*' (so "***" left by masking
// cannot complete a secret with the text next to it).
//
// Input: byte 0 = number of secrets (1..3); per secret one length byte
// (0..31) and its bytes; then a byte seeding the write sizes, a byte for
// the filler (high bit: present; low bits: how far before the cut the text
// starts); the rest is the text.

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "runner/core/json.h"
#include "runner/core/secret_masker.h"

namespace {

using wf::core::MaskedLineBuffer;
using wf::core::SecretMasker;

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Base64 of `bytes`, one 6-bit character at a time.
std::string base64(std::string_view bytes, bool pad) {
  std::string out;
  size_t bits = 8 * bytes.size();
  for (size_t at = 0; at < bits; at += 6) {
    unsigned v = 0;
    for (size_t b = at; b < at + 6; ++b) {
      unsigned bit = b < bits ? (static_cast<unsigned char>(bytes[b / 8]) >> (7 - b % 8)) & 1u : 0u;
      v = (v << 1) | bit;
    }
    out += kB64[v];
  }
  while (pad && out.size() % 4) out += '=';
  return out;
}

// The characters of base64(offset filler bytes + value) made only of the value's bits.
std::string base64_inner(std::string_view value, size_t offset) {
  std::string bytes(offset, '\x5a');
  bytes.append(value);
  std::string all = base64(bytes, false), out;
  for (size_t i = 0; i < all.size(); ++i)
    if (6 * i >= 8 * offset && 6 * i + 6 <= 8 * bytes.size()) out += all[i];
  return out;
}

std::string url(std::string_view s, bool plus) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ' && plus) {
      out += '+';
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

void add_forms(std::string_view v, std::vector<std::string>& forms) {
  if (v.size() < SecretMasker::kMinLength) return;
  std::vector<std::string> f{std::string(v), base64(v, true), wf::core::json_escape(v),
                             wf::core::json_escape(v, true), url(v, false), url(v, true)};
  for (size_t off = 0; off < 3; ++off) f.push_back(base64_inner(v, off));
  for (auto& s : f)
    if (s.size() >= SecretMasker::kMinLength && s.find('\n') == std::string::npos) forms.push_back(std::move(s));
}

// Every string that must not show: the value's forms, and its non-blank lines' forms.
std::vector<std::string> forbidden(const std::vector<std::string>& secrets) {
  std::vector<std::string> forms;
  for (const std::string& s : secrets) {
    add_forms(s, forms);
    if (s.find_first_of("\r\n") == std::string::npos) continue;
    for (size_t start = 0; start <= s.size();) {
      size_t nl = std::min(s.find('\n', start), s.size());
      std::string_view line(s.data() + start, nl - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find_first_not_of(" \t\r\v\f") != std::string_view::npos) add_forms(line, forms);
      start = nl + 1;
    }
  }
  return forms;
}

struct Reader {
  std::string_view in;
  size_t at = 0;
  uint8_t byte() { return at < in.size() ? static_cast<uint8_t>(in[at++]) : 0; }
  std::string bytes(size_t n) {
    std::string s(in.substr(std::min(at, in.size()), n));
    at += s.size();
    return s;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader r{std::string_view(reinterpret_cast<const char*>(data), size)};
  std::vector<std::string> secrets(r.byte() % 3 + 1);
  for (auto& s : secrets) {
    s = r.bytes(r.byte() % 32);
    for (char& c : s)
      if (c == '*') c = '+';
  }
  uint32_t seed = r.byte();
  uint8_t filler = r.byte();
  std::string_view text = r.in.substr(std::min(r.at, r.in.size()));

  SecretMasker masker;
  for (const auto& s : secrets) masker.add(s);
  std::vector<std::string> forms = forbidden(secrets);
  auto check = [&](std::string_view line) {
    for (const std::string& f : forms)
      if (line.find(f) != std::string_view::npos) {
        std::fprintf(stderr, "secret form of %zu bytes left in a line of %zu bytes\n", f.size(), line.size());
        std::abort();
      }
  };
  MaskedLineBuffer buffer(masker, check);
  if (filler & 0x80) buffer.write(std::string(MaskedLineBuffer::kMaxLine - (filler & 0x7f), '.'));
  for (size_t at = 0; at < text.size();) {
    seed = seed * 1103515245u + 12345u;
    size_t n = std::min<size_t>(text.size() - at, 1 + (seed >> 16) % 24);
    buffer.write(text.substr(at, n));
    at += n;
  }
  buffer.flush();
  return 0;
}
