#pragma once
// The terraform step's parameters, read from `with:`, and the command lines
// they make. Pure (no processes, no disk), so argv and env are unit-tested.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runner/core/duration.h"
#include "runner/core/expected.h"
#include "runner/core/value.h"

namespace wf::steps::terraform {

enum class Action { kApply, kPlan, kDestroy, kInit, kOutput };

/// Everything a terraform step was asked to do, checked and normalised.
struct Options {
  Action action = Action::kApply;
  std::string dir;                                       // absolute
  std::vector<std::pair<std::string, std::string>> vars; // TF_VAR_<name>, encoded value
  std::vector<std::string> var_files;                    // absolute
  core::Value backend_config_map;                        // an object, or null
  std::vector<std::string> backend_config_files;         // absolute
  std::string workspace;                                 // "" : leave as it is
  std::optional<core::Millis> lock_timeout;
  std::optional<int> parallelism;
  std::vector<std::string> targets;
  std::vector<std::string> args;                         // extra arguments of the main command
};

/// Reads resolved `with:` values (defaults applied). Relative paths (`dir`,
/// `var-files`, `backend-config` files) are relative to `working_directory`.
/// Errors name the parameter ("vars: 'my var' is not a valid variable name").
core::Expected<Options, std::string> read_options(const core::Value& with, const std::string& working_directory);

/// The checks of single values, shared by read_options() and `wf validate`
/// (which runs them on the values known before the run). Each returns the
/// problem without the parameter's name ("'my var' is not a valid variable
/// name"), or "" when the value is fine.
std::string check_dir(const core::Value& dir);
std::string check_vars(const core::Value& vars);
std::string check_backend_config(const core::Value& backend);
std::string check_workspace(const core::Value& workspace);
std::string check_parallelism(const core::Value& parallelism);
/// `targets` limit plan, apply and destroy: an error for `init` and `output`.
std::string check_targets(const std::string& action, const core::Value& targets);

/// A `vars` value as TF_VAR_ text: strings as they are, numbers and booleans
/// as their text, lists and maps as JSON (terraform parses complex TF_VAR_
/// values as HCL, of which JSON's syntax is a part).
std::string encode_var(const core::Value& value);

/// A `backend-config` map as an HCL file (`key = "value"` lines), with
/// strings escaped for HCL (quotes, backslashes, control characters, and
/// "${"/"%{" so that a value is never a template). Null values are left out.
/// Fails on a key that is not an identifier.
core::Expected<std::string, std::string> backend_config_hcl(const core::Value& map);

/// terraform's duration syntax for -lock-timeout: "90s", "1500ms".
std::string go_duration(core::Millis d);

/// The arguments (after "terraform") of each command the step runs. Every
/// command gets -no-color; those that may ask get -input=false.
/// `backend_file`: the file written from backend_config_map ("" if none).
std::vector<std::string> init_args(const Options& o, const std::string& backend_file);
std::vector<std::string> workspace_args(const Options& o);
std::vector<std::string> plan_args(const Options& o, const std::string& plan_file, bool destroy);
/// Applies the saved plan: targets, var files and `args` are in the plan.
std::vector<std::string> apply_args(const Options& o, const std::string& plan_file);
std::vector<std::string> destroy_args(const Options& o);
std::vector<std::string> output_args(const Options& o);

/// "apply", "plan", ...
const char* action_name(Action a);

}  // namespace wf::steps::terraform
