#pragma once
// A step's own copies of GitHub's file commands: $GITHUB_ENV, $GITHUB_PATH
// and $GITHUB_STEP_SUMMARY (aliases of $WF_ENV, $WF_PATH, $WF_STEP_SUMMARY),
// so scripts written for GitHub run unchanged, locally and inside a job,
// and never write the runner's files behind wf's back.

#include <map>
#include <string>
#include <vector>

#include "runner/core/value.h"
#include "runner/model/workflow.h"

namespace wf::exec {

/// What a step wrote to its files.
struct StepFileContents {
  /// {"env": {NAME: value...}, "path": [dir...]}, or null when the step
  /// exported nothing: what the steps that need this one inherit.
  core::Value exports;
  std::string summary;              // Markdown, at most kMaxStepSummary bytes (cut with a note)
  std::vector<std::string> errors;  // "malformed $GITHUB_ENV: line 3: ..."
};

inline constexpr size_t kMaxStepSummary = 1024 * 1024;

/// Creates the empty private (0600) files `env`, `path` and `summary` in
/// `attempt_dir` and points WF_ENV/GITHUB_ENV, WF_PATH/GITHUB_PATH and
/// WF_STEP_SUMMARY/GITHUB_STEP_SUMMARY of `env` at them. The runner's
/// GITHUB_OUTPUT and GITHUB_STATE are removed from `env` (a step type that
/// has outputs sets its own). False when a file cannot be created.
bool prepare_step_files(const std::string& attempt_dir, std::map<std::string, std::string>& env);

/// Reads the files back with the runner's rules: $GITHUB_ENV has
/// $GITHUB_OUTPUT's syntax (`NAME=value`, `NAME<<DELIM` heredocs), with
/// NODE_OPTIONS refused as GitHub does; $GITHUB_PATH has one directory a
/// line (blank lines skipped).
StepFileContents read_step_files(const std::string& attempt_dir);

/// Adds the exports of finished steps (in the order they finished) to the
/// environment of `step`: an exported variable overrides the workflow's env
/// and the process environment but not the step's own `env:`; exported
/// directories go first on PATH, the latest first (as GitHub prepends them).
void apply_exports(const std::vector<core::Value>& exports, const model::Step& step,
                   std::map<std::string, std::string>& env);

}  // namespace wf::exec
