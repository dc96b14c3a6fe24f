#pragma once
// Secret values and the masking of text, shared by every sink that shows or
// stores what a run produced (console, step logs, journal, reports, GitHub
// summaries and outputs).

#include <array>
#include <cstdint>
#include <cstddef>
#include <functional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wf::core {

/// A registry of secret values; `mask()` replaces each occurrence of any of
/// them with `***`.
///
/// Registering a value also registers the forms it commonly takes in logs:
/// - each line of a multi-line value (split on '\n', trailing '\r' removed,
///   blank lines skipped), and a one-line value without its trailing '\r'
///   (a CRLF line loses it when streamed; found while writing
///   fuzz_secret_masker's property);
/// - its base64 encoding at all three alignments: the characters that depend
///   only on the value's bytes, whether it starts at byte 0, 1 or 2 of a
///   base64 group inside a larger encoded blob; and its whole padded
///   encoding, so a blob that is exactly the value is masked whole;
/// - its JSON-escaped form (as inside a JSON string literal, without quotes;
///   \uXXXX in lower-case hex), and the same with < > & escaped as Go's
///   encoding/json writes them (kubectl, gh, terraform);
/// - its URL-encoded form (percent-encoding of all but unreserved characters,
///   upper-case hex), and the same with '+' for a space.
/// Every line also gets these encodings.
///
/// A value or line shorter than kMinLength (3) bytes is not masked, and
/// neither are its encodings: "a" or "1" would turn most log lines into
/// asterisks, and hiding "YQ==" protects nothing. Such a value is still
/// counted by `size()`; the lines of a longer value that are short are
/// skipped the same way. (Encodings shorter than 3 bytes are skipped too.)
///
/// Thread-safety: all members may be called concurrently (a reader/writer
/// lock); a value added while another thread masks applies from the next
/// call of `mask()`.
class SecretMasker {
 public:
  static constexpr size_t kMinLength = 3;
  static constexpr std::string_view kMask = "***";

  /// Registers `secret` and its variants. Empty values are ignored; adding a
  /// value twice is harmless.
  void add(std::string_view secret);

  /// `text` with every occurrence of a registered string replaced by `***`.
  /// At each position the longest match wins; overlapping or adjacent matches
  /// are masked as one `***` covering the union of their spans.
  std::string mask(std::string_view text) const;

  /// Length in bytes of the longest masked string, encoded forms included
  /// (a URL-encoded form can be three times the value), so a streaming
  /// reader knows to hold back max_length()-1 bytes for a secret split
  /// across chunks to be found. 0 when nothing is masked.
  size_t max_length() const;

  /// Number of distinct non-empty values passed to `add()`, short ones
  /// included (variants are not counted).
  size_t size() const;

  /// True when no non-empty value was ever added.
  bool empty() const;

 private:
  friend class MaskedLineBuffer;
  struct Span {
    size_t begin;
    size_t end;
  };

  /// Merged spans of `text` covered by a registered string, in order; the
  /// first `covered_prefix` bytes count as covered whatever they hold.
  std::vector<Span> find_spans(std::string_view text, size_t covered_prefix) const;
  /// text[0, cut) with the parts of `spans` before `cut` replaced by kMask.
  static std::string render(std::string_view text, const std::vector<Span>& spans, size_t cut);
  /// Registers one string to mask (caller holds the write lock).
  void add_pattern(std::string pattern);

  mutable std::shared_mutex mutex_;
  std::set<std::string, std::less<>> values_;    // what add() was given
  std::set<std::string, std::less<>> patterns_;  // every string masked
  // Patterns by first byte, longest first, so the first match is the longest.
  std::array<std::vector<std::string>, 256> by_first_byte_;
  // The scan's skip table (Wu–Manber, blocks of two bytes): for the two
  // bytes that end a window of window_ bytes, how far the window may move
  // without passing the start of any pattern; 0: a pattern may start at the
  // window's first byte, which is then compared. Most text is skipped
  // window_ - 1 bytes at a time.
  std::vector<uint8_t> shift_;
  size_t window_ = 0;      // the shortest pattern's length, at most 200
  void build_shift_table();  // caller holds the write lock
  size_t max_length_ = 0;
};

/// Splits one stream of output (a process's stdout or stderr), arriving in
/// chunks of any size, into lines and passes each one masked to `on_line`.
/// Masking happens when a line is emitted, so a secret split across two
/// writes is masked, and so is one added to the masker while its line was
/// still buffered.
///
/// A line longer than kMaxLine bytes is emitted in pieces of kMaxLine bytes
/// (before masking), each piece as its own call of `on_line`. The last
/// max_length()-1 bytes are always held back, so a secret that straddles a
/// cut is found whole and masked in both pieces.
///
/// Thread-safety: one buffer serves one stream from one thread; the masker
/// may be shared and must outlive the buffer.
class MaskedLineBuffer {
 public:
  static constexpr size_t kMaxLine = 64 * 1024;

  MaskedLineBuffer(const SecretMasker& masker,
                   std::function<void(std::string_view line)> on_line);

  /// Appends `chunk`; emits each completed line without its '\n' (and
  /// without a '\r' before it).
  void write(std::string_view chunk);

  /// Emits the buffered partial line, if any (a trailing '\r' removed).
  /// Call once the stream has ended.
  void flush();

 private:
  void emit_line(std::string_view line);
  void emit_long_pieces();
  /// Masks text[0, cut) and stores in carry_ how much of text[cut, ...) a
  /// mask already covers.
  std::string mask_piece(std::string_view text, size_t cut);

  const SecretMasker& masker_;
  std::function<void(std::string_view)> on_line_;
  std::string pending_;
  // Leading bytes of pending_ known to belong to a secret whose start was
  // emitted in an earlier piece of the same line.
  size_t carry_ = 0;
  // Pieces of the current line were already emitted.
  bool in_long_line_ = false;
};

}  // namespace wf::core
