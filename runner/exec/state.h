#pragma once
// The run's state on disk: `.wf/runs/<id>/` with an append-only journal,
// per-attempt logs and report.json, plus the lock that keeps two runs off one
// state directory. Everything written here is already masked.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/core/expected.h"
#include "runner/core/value.h"

namespace wf::exec {

/// A new run id: sortable by start time (to the millisecond), unique
/// ("20261122-213501123-4f2a").
std::string new_run_id();

/// The append-only journal (`journal.jsonl`): one JSON object per line, each
/// write fsync'd before append() returns. Thread-safe.
class Journal {
 public:
  /// Opens (creating run_dir and its parents) run_dir/journal.jsonl for
  /// appending. An existing journal whose last line was torn by a kill is
  /// repaired first (the fragment dropped, or ended if it parses), so new
  /// events never glue onto it. Fails with a message naming the path.
  static core::Expected<std::unique_ptr<Journal>, std::string> open(const std::string& run_dir);
  ~Journal();
  /// How durable an appended line must be before append() returns.
  enum class Sync {
    kNow,    // fdatasync now (with every line written before it)
    kLater,  // written (safe from a kill of wf) but synced by the next kNow or sync()
  };
  /// Appends `event` (an object; anything else is recorded under "value")
  /// as one line whose first member is "time" (RFC 3339 UTC, ms). Never
  /// throws on I/O errors: the first one is reported on stderr, and a
  /// partial line is taken back.
  void append(const core::Value& event, Sync sync = Sync::kNow);
  /// fdatasyncs the lines appended with kLater since the last sync; one
  /// call covers many (the scheduler's group commit), none when nothing waits.
  void sync();
  /// Why a write or sync failed ("" while none has): the first error, as
  /// "cannot write journal PATH: REASON". The run stops on it (executor.cc).
  std::string failure() const;

 private:
  Journal(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  void report(int err);  // under mu_
  int fd_;
  std::string path_;
  mutable std::mutex mu_;
  bool write_failed_ = false;  // guarded by mu_
  std::string failure_;        // guarded by mu_
  bool unsynced_ = false;      // guarded by mu_
};

/// What a journal says about each step, for --resume.
struct JournalStep {
  std::string outcome;              // "success", "failure", "skipped", "cancelled", "" (unfinished)
  std::string definition_hash;      // of the resolved definition it ran with
  core::Value outputs;              // object
  core::Value exports;              // $GITHUB_ENV/$GITHUB_PATH exports (step_files.h), or null
  int attempts = 0;
};
struct JournalState {
  std::string run_id;
  bool finished = false;            // a run_finished event was written
  bool ok = false;                  // ... and the run succeeded
  std::map<std::string, JournalStep> steps;
  size_t events = 0;
};

/// Reads a journal. A torn last line (a write cut by SIGKILL) is ignored; any
/// other unparsable line is an error "PATH:LINE: message". The last
/// attempt_started/step_finished about a step wins; a run_started after a
/// run_finished (a resume) makes the run unfinished again.
core::Expected<JournalState, std::string> read_journal(const std::string& path);

/// read_journal() on text already read; `path` only names it in errors.
/// Pure (no I/O), so it can be fuzzed (fuzz/journal_fuzz.cc).
core::Expected<JournalState, std::string> parse_journal(std::string_view text, const std::string& path);

/// The newest run directory under state_dir/runs (by name, i.e. start time)
/// whose journal is unfinished or finished with ok=false (for `wf run
/// --resume`), or state_dir/runs/<id> when `id` is given and exists.
/// Directories without a journal are skipped; an unreadable journal counts
/// as resumable, so resuming reports its error.
/// With `workflow_key` (workflow_key() of the file), only runs of that
/// workflow count: runs of another workflow in the same state directory are
/// never resumed in its place.
/// What prune_runs removed: run folders and the bytes they held.
struct Pruned {
  std::vector<std::string> removed;  // run ids, oldest first
  std::uintmax_t bytes = 0;
};

/// Removes the runs of one workflow (workflow_key) under state_dir/runs but
/// the newest `keep` (at least 1) and the runs they resume, however far back
/// (a resume reads their journals and their dispatch records). Call with the
/// state lock held, so no run of that workflow is in progress.
Pruned prune_runs(const std::string& state_dir, const std::string& workflow_key, size_t keep);

std::optional<std::string> find_resumable_run(const std::string& state_dir, const std::string& id = "",
                                              const std::string& workflow_key = "");

/// What identifies a workflow file's runs: its absolute, normalised path.
std::string workflow_key(const std::string& file);

/// Writes `content` to `path` atomically (temp file in the same directory,
/// fsync, rename, fsync of the directory): readers see the old or the new
/// content, never a mix. Returns true or a message naming the path.
core::Expected<bool, std::string> write_file_atomic(const std::string& path, const std::string& content);

/// A file written piece by piece and put in place as write_file_atomic()
/// does: for a large report, written without holding it whole in memory.
/// Writes go through a buffer; the first error is kept and reported by
/// commit(). Destroyed without a commit, the temporary file is removed.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);
  /// Flushes, fsyncs, renames onto the path and syncs its directory.
  /// Returns true or a message naming the path.
  core::Expected<bool, std::string> commit();

 private:
  void flush();
  std::string path_, tmp_;
  std::string buf_;
  int fd_ = -1;
  int err_ = 0;         // the first write error (errno)
  std::string error_;   // set when the temporary file could not be created
};

/// An exclusive lock on a state directory (flock on state_dir/lock, which
/// records the holder's run id and pid). Released on destruction or when the
/// process dies.
class StateLock {
 public:
  /// Creates state_dir if missing and locks it for `run_id`. Fails at once,
  /// naming the run that holds it, unless `wait`: then blocks until it is
  /// free. Locks conflict between separate acquire() calls even in one process.
  /// The lock is per workflow: `name` ("deploy.yaml") names the lock file
  /// (state_dir/locks/NAME.lock; "" means state_dir/lock), so two workflows
  /// sharing a state directory run at the same time. While waiting, `waiting`
  /// (if given) is called once with what the lock is waiting for.
  static core::Expected<std::unique_ptr<StateLock>, std::string> acquire(
      const std::string& state_dir, const std::string& run_id, bool wait, const std::string& name = "",
      const std::function<void(const std::string&)>& waiting = {});
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

 private:
  explicit StateLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace wf::exec
