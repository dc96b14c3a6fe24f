#pragma once
// Shared by the real-terraform tests: finding terraform (a test fails, never
// skips, when it is missing), an offline environment for it, the test
// configurations, and running the step directly with the real process runner.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runner/step_api/step_type.h"
#include "tests/support/command.h"

namespace wf::tftest {

/// The terraform on PATH. FAILs the current test with an install hint when
/// there is none.
std::string require_terraform();

/// Environment for terraform and for wf runs that drive it: TF_CLI_CONFIG_FILE
/// pointing at an empty file (else terraform warns about ~/.terraformrc),
/// TF_IN_AUTOMATION=1, and no inherited TF_WORKSPACE / TF_DATA_DIR.
std::map<std::string, std::string> tf_env();

/// Runs `terraform ARGS` in `dir` with tf_env() plus `extra`.
test::CommandResult terraform(const std::vector<std::string>& args, const std::string& dir,
                              const std::map<std::string, std::string>& extra = {}, int timeout_s = 60);

/// A configuration with string, number, list and map variables, two
/// terraform_data resources, and outputs of each type plus a sensitive one
/// ("tok-<name>-Sensitive-77").
extern const char* const kTypedConfig;

/// One terraform_data resource whose local-exec provisioner sleeps
/// var.delay seconds (default `default_delay`, e.g. "30.<marker>" to find
/// the sleep in /proc): an apply that holds the state lock that long.
std::string slow_config(const std::string& default_delay);

/// The result of one direct run of the step (no wf binary).
struct DirectRun {
  step_api::StepResult result;
  std::optional<step_api::StepPreview> preview;
  std::string log;                    // every line, unmasked
  std::vector<std::string> secrets;   // what the step registered
};

/// Runs the terraform step (or its preview) with `with_json` in
/// `working_directory`, with the real process runner and tf_env() over this
/// process's environment; the attempt directory is `attempt_dir`.
DirectRun run_step(const std::string& with_json, const std::string& working_directory, const std::string& attempt_dir,
                   bool preview = false);

/// The value of output `name` ("<absent>" when there is none).
std::string output_of(const step_api::StepResult& r, const std::string& name);

/// One `wf ARGS` in `dir` (where the workflow is), with tf_env() plus
/// `env`, and what it left in dir/.wf: the newest run's report and journal.
struct WfRun {
  test::CommandResult r;
  double seconds = 0;
  std::string run_dir;
  nlohmann::json report;                 // null when absent or unparsable
  std::vector<nlohmann::json> journal;
  std::string all() const { return r.out + r.err; }
  /// The report's entry for step `id` (null when there is none).
  nlohmann::json step(const std::string& id) const;
  /// Every log file of the run, concatenated.
  std::string logs() const;
};
WfRun wf_run(const test::TempDir& dir, const std::vector<std::string>& args,
             const std::map<std::string, std::string>& env = {}, int timeout_s = 60);

}  // namespace wf::tftest
