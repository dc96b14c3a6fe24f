#pragma once
// wf's own debug log: why a step is ready or skipped, retry decisions,
// processes started, HTTP requests. A tiny facade with no dependency: the
// backend (spdlog: stderr with -v / WF_LOG, and a run's wf.log) is installed
// by the wf binary (runner/adapters/log_backend.cc). Without a backend every
// level is disabled and a call costs one relaxed atomic load.
//
// Callers check enabled() before building a message:
//   if (core::log::enabled(core::log::Level::kDebug)) core::log::debug("step " + id + " ready");
// so a disabled level costs one branch. Every message passes through the
// masker set with set_masker() before it reaches a sink.

#include <atomic>
#include <string>
#include <string_view>

namespace wf::core {
class SecretMasker;
}

namespace wf::core::log {

enum class Level : int { kTrace = 0, kDebug = 1, kInfo = 2, kWarn = 3, kOff = 4 };

/// Where messages go (one per process, installed before any thread starts).
/// Implementations are thread-safe.
class Backend {
 public:
  virtual ~Backend() = default;
  /// Writes one masked message to stderr and/or the open file.
  virtual void write(Level level, std::string_view message, bool to_stderr, bool to_file) = 0;
  /// Opens the file `path` (a run's wf.log, appended to; buffered, never
  /// fsync'd), replacing an open one. False when it cannot be opened.
  virtual bool open_file(const std::string& path) = 0;
  /// Flushes and closes the file of open_file(), if any.
  virtual void close_file() = 0;
};

namespace detail {
extern std::atomic<int> threshold;  // the lowest level a sink takes; kOff without a backend
}

/// Whether a message at `level` goes anywhere.
inline bool enabled(Level level) {
  return static_cast<int>(level) >= detail::threshold.load(std::memory_order_relaxed);
}

/// Installs the backend (not owned; outlives every log call) with its
/// stderr sink at `stderr_level`; nullptr uninstalls.
void install(Backend* backend, Level stderr_level);

/// Lowers the stderr sink's level to `level` if it is above (`-v`).
void raise_verbosity(Level level);

/// The masker applied to every message (not owned; nullptr: none). A run
/// sets its own for its duration; values added to it later apply at once.
void set_masker(const SecretMasker* masker);
/// The masker set last (nullptr: none).
const SecretMasker* masker();

/// set_masker() for a scope: restores the masker it replaced.
class MaskerScope {
 public:
  explicit MaskerScope(const SecretMasker* masker) : previous_(log::masker()) { set_masker(masker); }
  ~MaskerScope() { set_masker(previous_); }
  MaskerScope(const MaskerScope&) = delete;
  MaskerScope& operator=(const MaskerScope&) = delete;

 private:
  const SecretMasker* previous_;
};

/// Writes `message` (masked) at `level` if enabled.
void write(Level level, std::string_view message);
inline void trace(std::string_view message) { if (enabled(Level::kTrace)) write(Level::kTrace, message); }
inline void debug(std::string_view message) { if (enabled(Level::kDebug)) write(Level::kDebug, message); }
inline void info(std::string_view message) { if (enabled(Level::kInfo)) write(Level::kInfo, message); }

/// Copies messages at debug level (or the stderr level, if lower) to `path`
/// until the returned guard is destroyed. Does nothing (and returns a guard
/// that does nothing) without a backend. Not nestable: one file at a time.
class FileScope {
 public:
  explicit FileScope(const std::string& path);
  ~FileScope();
  FileScope(const FileScope&) = delete;
  FileScope& operator=(const FileScope&) = delete;
  bool open() const { return open_; }

 private:
  bool open_ = false;
};

/// Parses "trace", "debug", "info", "warn", "off" (WF_LOG); false otherwise.
bool parse_level(std::string_view text, Level& level);

/// A command line for a log message: argv joined by spaces, each element
/// with a space, a quote or nothing in it single-quoted.
std::string quote_argv(const std::string* begin, const std::string* end);

}  // namespace wf::core::log
