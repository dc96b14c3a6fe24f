#include "runner/core/secret_masker.h"

#include "runner/core/json.h"

#include <algorithm>
#include <mutex>

namespace wf::core {
namespace {

constexpr char kBase64Chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kHexUpper[] = "0123456789ABCDEF";

std::string base64(std::string_view bytes, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    auto b0 = static_cast<unsigned char>(bytes[i]);
    auto b1 = static_cast<unsigned char>(bytes[i + 1]);
    auto b2 = static_cast<unsigned char>(bytes[i + 2]);
    out += kBase64Chars[b0 >> 2];
    out += kBase64Chars[((b0 & 0x03) << 4) | (b1 >> 4)];
    out += kBase64Chars[((b1 & 0x0f) << 2) | (b2 >> 6)];
    out += kBase64Chars[b2 & 0x3f];
  }
  size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  auto b0 = static_cast<unsigned char>(bytes[i]);
  auto b1 = rest == 2 ? static_cast<unsigned char>(bytes[i + 1]) : 0;
  out += kBase64Chars[b0 >> 2];
  out += kBase64Chars[((b0 & 0x03) << 4) | (b1 >> 4)];
  if (rest == 2) out += kBase64Chars[(b1 & 0x0f) << 2];
  if (pad) out.append(rest == 1 ? "==" : "=");
  return out;
}

// The characters of base64(filler + value) that depend only on the value's
// bytes, where filler is `offset` bytes: what the value looks like when it
// starts at byte `offset` of a base64 group inside a larger blob, whatever
// comes before or after it. Character i covers bits [6i, 6i+6) of the input.
std::string base64_at_offset(std::string_view value, size_t offset) {
  std::string bytes(offset, '\0');
  bytes.append(value);
  size_t first = (8 * offset + 5) / 6;
  size_t last = 8 * bytes.size() / 6;
  if (last <= first) return {};
  return base64(bytes, false).substr(first, last - first);
}


bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

std::string url_encode(std::string_view s, bool plus_for_space) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (is_unreserved(c)) {
      out += c;
    } else if (c == ' ' && plus_for_space) {
      out += '+';
    } else {
      out += '%';
      out += kHexUpper[u >> 4];
      out += kHexUpper[u & 0x0f];
    }
  }
  return out;
}

bool is_blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\v\f") == std::string_view::npos;
}

// The forms `value` takes in logs: itself and its encodings.
std::vector<std::string> encodings(std::string_view value) {
  if (value.size() < SecretMasker::kMinLength) return {};
  std::vector<std::string> out{std::string(value)};
  out.push_back(base64(value, true));
  for (size_t offset = 0; offset < 3; ++offset) out.push_back(base64_at_offset(value, offset));
  out.push_back(json_escape(value, false));
  out.push_back(json_escape(value, true));
  out.push_back(url_encode(value, false));
  out.push_back(url_encode(value, true));
  return out;
}

}  // namespace

void SecretMasker::add(std::string_view secret) {
  if (secret.empty()) return;
  std::vector<std::string> forms = encodings(secret);
  // A value ending in '\r' (read from a CRLF file) is a line too: a stream
  // shows it without the '\r' (MaskedLineBuffer drops it before '\n').
  if (secret.find_first_of("\r\n") != std::string_view::npos) {
    size_t start = 0;
    while (start <= secret.size()) {
      size_t nl = std::min(secret.find('\n', start), secret.size());
      std::string_view line = secret.substr(start, nl - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!is_blank(line)) {
        for (std::string& form : encodings(line)) forms.push_back(std::move(form));
      }
      start = nl + 1;
    }
  }
  std::unique_lock lock(mutex_);
  values_.emplace(secret);
  size_t before = patterns_.size();
  for (std::string& form : forms) add_pattern(std::move(form));
  if (patterns_.size() != before) build_shift_table();
}

void SecretMasker::add_pattern(std::string pattern) {
  if (pattern.size() < kMinLength || patterns_.count(pattern) != 0) return;
  max_length_ = std::max(max_length_, pattern.size());
  auto& bucket = by_first_byte_[static_cast<unsigned char>(pattern[0])];
  auto pos = std::find_if(bucket.begin(), bucket.end(),
                          [&](const std::string& p) { return p.size() < pattern.size(); });
  bucket.insert(pos, pattern);
  patterns_.insert(std::move(pattern));
}

void SecretMasker::build_shift_table() {
  size_t shortest = SIZE_MAX;
  for (const std::string& p : patterns_) shortest = std::min(shortest, p.size());
  window_ = std::min<size_t>(shortest, 200);  // any window up to the shortest pattern is correct
  shift_.assign(65536, static_cast<uint8_t>(window_ - 1));
  for (const std::string& p : patterns_) {
    for (size_t j = 1; j < window_; ++j) {
      unsigned block = static_cast<unsigned char>(p[j - 1]) << 8 | static_cast<unsigned char>(p[j]);
      shift_[block] = std::min<uint8_t>(shift_[block], static_cast<uint8_t>(window_ - 1 - j));
    }
  }
}

std::vector<SecretMasker::Span> SecretMasker::find_spans(std::string_view text,
                                                         size_t covered_prefix) const {
  std::vector<Span> spans;
  if (covered_prefix > 0) spans.push_back({0, std::min(covered_prefix, text.size())});
  std::shared_lock lock(mutex_);
  if (patterns_.empty()) return spans;
  // Every position where a pattern starts is visited, in order (the skip
  // never passes one); at each, the longest pattern starting there wins.
  const size_t n = text.size();
  const size_t w = window_;
  for (size_t end = w - 1; end < n; ++end) {
    unsigned block = static_cast<unsigned char>(text[end - 1]) << 8 | static_cast<unsigned char>(text[end]);
    if (uint8_t skip = shift_[block]) {
      end += skip - 1u;
      continue;
    }
    const size_t i = end - (w - 1);
    const auto& bucket = by_first_byte_[static_cast<unsigned char>(text[i])];
    for (const std::string& pattern : bucket) {
      if (text.compare(i, pattern.size(), pattern) != 0) continue;
      size_t match_end = i + pattern.size();
      if (!spans.empty() && i <= spans.back().end) {
        spans.back().end = std::max(spans.back().end, match_end);
      } else {
        spans.push_back({i, match_end});
      }
      break;  // longest first: the first match is the longest here
    }
  }
  return spans;
}

std::string SecretMasker::mask(std::string_view text) const {
  return render(text, find_spans(text, 0), text.size());
}

size_t SecretMasker::max_length() const {
  std::shared_lock lock(mutex_);
  return max_length_;
}

size_t SecretMasker::size() const {
  std::shared_lock lock(mutex_);
  return values_.size();
}

bool SecretMasker::empty() const { return size() == 0; }

std::string SecretMasker::render(std::string_view text, const std::vector<Span>& spans,
                                 size_t cut) {
  std::string out;
  out.reserve(cut);
  size_t pos = 0;
  for (const auto& span : spans) {
    if (span.begin >= cut) break;
    out.append(text.substr(pos, span.begin - pos));
    out.append(SecretMasker::kMask);
    pos = std::min(span.end, cut);
  }
  if (pos < cut) out.append(text.substr(pos, cut - pos));
  return out;
}

MaskedLineBuffer::MaskedLineBuffer(const SecretMasker& masker,
                                   std::function<void(std::string_view line)> on_line)
    : masker_(masker), on_line_(std::move(on_line)) {}

void MaskedLineBuffer::write(std::string_view chunk) {
  size_t scan_from = pending_.size();
  pending_.append(chunk);
  size_t start = 0;
  for (size_t nl; (nl = pending_.find('\n', scan_from)) != std::string::npos;) {
    emit_line(std::string_view(pending_).substr(start, nl - start));
    start = scan_from = nl + 1;
  }
  pending_.erase(0, start);
  emit_long_pieces();
}

void MaskedLineBuffer::flush() {
  if (!pending_.empty() || in_long_line_) emit_line(pending_);
  pending_.clear();
}

void MaskedLineBuffer::emit_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  while (line.size() > kMaxLine) {
    on_line_(mask_piece(line, kMaxLine));
    line.remove_prefix(kMaxLine);
  }
  // The rest of a line already emitted in pieces may be empty: nothing to add.
  if (!line.empty() || !in_long_line_) on_line_(mask_piece(line, line.size()));
  carry_ = 0;
  in_long_line_ = false;
}

void MaskedLineBuffer::emit_long_pieces() {
  // Hold back at least one byte too, in case it is the '\r' of a "\r\n".
  size_t hold = std::max<size_t>(masker_.max_length(), 2) - 1;
  size_t start = 0;
  while (pending_.size() - start >= kMaxLine + hold && pending_.size() - start > kMaxLine) {
    on_line_(mask_piece(std::string_view(pending_).substr(start), kMaxLine));
    in_long_line_ = true;
    start += kMaxLine;
  }
  pending_.erase(0, start);
}

std::string MaskedLineBuffer::mask_piece(std::string_view text, size_t cut) {
  // Every match that starts before `cut` ends within max_length()-1 bytes
  // after it, so this window decides which bytes before `cut` are masked.
  size_t max_length = masker_.max_length();
  size_t window = std::min(text.size(), cut + (max_length > 0 ? max_length - 1 : 0));
  std::vector<SecretMasker::Span> spans = masker_.find_spans(text.substr(0, window), carry_);
  carry_ = 0;
  for (const auto& span : spans) {
    if (span.begin < cut && span.end > cut) carry_ = span.end - cut;
  }
  return SecretMasker::render(text, spans, cut);
}

}  // namespace wf::core
