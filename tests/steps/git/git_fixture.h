#pragma once
// Real repositories for the git step's tests, built with the git CLI (test
// setup only: the step itself never runs git), and one step attempt run
// directly against the libgit2 adapter.

#include <string>
#include <vector>

#include "runner/step_api/step_type.h"
#include "tests/support/command.h"

namespace wf::test::gitfx {

/// Runs the git CLI in `cwd` with a fixed identity; REQUIREs success and
/// returns its stdout.
std::string git(const std::string& cwd, const std::vector<std::string>& args);

/// HEAD (or `rev`) of the repository at `dir`, 40 hex digits.
std::string rev(const std::string& dir, const std::string& rev = "HEAD");

/// A bare origin (root/origin.git) whose main branch has one commit
/// (README.md), and a clone of it (root/work) tracking origin/main.
struct Origin {
  TempDir root;
  std::string bare;
  std::string work;
  Origin();
  /// Writes `file` in `dir` (default: work) and commits it there.
  std::string commit(const std::string& file, const std::string& content, const std::string& message,
                     const std::string& dir = "");
  /// A second clone of the origin, at root/<name>.
  std::string clone(const std::string& name) const;
};

struct StepRun {
  step_api::StepResult result;
  std::optional<step_api::StepPreview> preview;
  std::string log;                    // every line the step logged
  std::vector<std::string> secrets;   // registered with add_secret
  std::string output(const std::string& name) const;
};

/// One attempt of the git step with `with` (JSON) in `working_directory`,
/// through the real libgit2 adapter.
StepRun run_step(const std::string& with_json, const std::string& working_directory, bool preview = false);

}  // namespace wf::test::gitfx
