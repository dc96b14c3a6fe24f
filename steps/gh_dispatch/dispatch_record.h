#pragma once
// The journalled intent of a dispatch: written (fsync'd) before the request
// is sent and updated as it is answered, in <run_dir>/steps/<id>/dispatch.json,
// which every attempt of the step shares. A later attempt, or the first
// attempt of a `wf run --resume` of that run, reads it to find the run an
// earlier dispatch created instead of dispatching again.

#include <optional>
#include <string>
#include <vector>

#include "runner/core/value.h"

namespace wf::steps::gh {

struct DispatchRecord {
  enum class State {
    kIntent,           // about to send, or sent without a readable answer: a run may exist
    kAccepted,         // GitHub accepted it (200/204): a run exists
    kRejected,         // GitHub refused it (4xx, rate limit) or it was never sent: no run exists
    kCancelRequested,  // wf asked GitHub to cancel the run it created
  };
  std::string correlation_id;  // names this dispatch in logs and the record
  std::string fingerprint;     // DispatchParams::fingerprint()
  State state = State::kIntent;
  int attempt = 0;                // the step attempt that dispatched
  std::string since;              // GitHub's time just before the dispatch (ISO 8601)
  long long baseline_run_id = 0;  // the newest matching run listed just before it (0: none)
  long long sent_at_ms = 0;       // this machine's wall clock when it was sent (Unix ms)
  std::optional<long long> run_id;
  std::string run_url;
  std::string html_url;

  core::Value to_value() const;
  static std::optional<DispatchRecord> from_value(const core::Value& v);
};

const char* state_name(DispatchRecord::State s);

/// A random id (32 hex digits) for a new dispatch.
std::string new_correlation_id();

/// Where records live: `step_dir` is <run_dir>/steps/<id>/, shared by attempts.
class RecordStore {
 public:
  explicit RecordStore(std::string step_dir);
  /// This run's record, else the newest one left by the runs this run
  /// resumes (`resumed_from` in each run's journal.jsonl, followed back).
  std::optional<DispatchRecord> load() const;
  /// Writes this run's record atomically (temporary file, fsync, rename,
  /// fsync of the directory); the error when it could not.
  std::string save(const DispatchRecord& record) const;
  std::string path() const;

 private:
  std::vector<std::string> resumed_paths() const;
  std::string step_dir_;
};

}  // namespace wf::steps::gh
