#pragma once
// Internal to the loader: the state of one load and the checks that
// loader.cc, step_loader.cc and params.cc share. Every check reports into
// the diagnostics and carries on, so one load finds every error of a file.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/core/diagnostic.h"
#include "runner/core/param_spec.h"
#include "runner/core/strings.h"
#include "runner/model/loader.h"
#include "runner/model/workflow.h"
#include "runner/model/yaml_source.h"

namespace wf::model::detail {

/// What expressions in one place may read, and where their `steps.X`
/// references are recorded (nowhere when null).
struct ExprScope {
  const std::vector<std::string>* named_values = nullptr;
  std::vector<Need>* step_refs = nullptr;
  bool* reads_all_steps = nullptr;   // set when an expression reads `steps` as a whole
  /// What `matrix.X` may name here; null: no `matrix` context (why: `no_matrix`).
  const std::vector<std::string>* matrix_keys = nullptr;
  bool matrix_any_key = false;       // a dynamic matrix: its keys are known at run time
  const char* no_matrix = "the step has no 'matrix:'";
};

/// "nothing", "null", "a mapping", "a list", "'text'", "the quoted string 'text'", "a text block".
std::string describe(const YamlNode& n);
/// Whether a string holds a `${{`.
bool has_expression(std::string_view s);
/// `[A-Za-z_][A-Za-z0-9_-]*`: step ids, input and secret names.
using core::is_identifier;

class LoadContext {
 public:
  LoadContext(const YamlSource& source, const LoadOptions& options, core::Diagnostics& diags)
      : source_(source), options_(options), diags_(diags) {}

  const YamlSource& source() const { return source_; }
  const LoadOptions& options() const { return options_; }
  SourceLoc loc(const YamlNode& n) const { return source_.loc(n); }
  void error(const SourceLoc& loc, std::string message) { diags_.push_back({loc, std::move(message)}); }
  void error(const YamlNode& n, std::string message) { error(loc(n), std::move(message)); }
  /// A problem that does not stop the file from running (shown by validate and run).
  void warning(const SourceLoc& loc, std::string message) { warnings.push_back({loc, std::move(message)}); }
  core::Diagnostics warnings;

  /// Names the file declares, collected before anything that refers to them.
  std::vector<std::string> input_names;
  std::vector<std::string> secret_names;
  std::vector<std::string> step_ids;
  /// Some expression read so far refers to the `git` context.
  bool reads_git = false;

  // ---- load_context.cc: shapes and plain values ----

  /// "<what> must be <expected>, got <describe(n)>".
  void type_error(const YamlNode& n, const std::string& what, const std::string& expected);
  /// True when `n` is a mapping (else a type error); reports every key not
  /// in `keys` as "unknown key 'k' <where>" with did-you-mean.
  bool check_mapping(const YamlNode& n, const std::string& what, const std::vector<std::string>& keys,
                     const std::string& where);
  /// Any scalar as its text (a plain 1.20 stays "1.20").
  std::optional<std::string> string_of(const YamlNode& n, const std::string& what);
  std::optional<bool> bool_of(const YamlNode& n, const std::string& what);
  std::optional<Millis> duration_of(const YamlNode& n, const std::string& what);
  /// A duration that limits something: 0 is refused (omit the key for no limit).
  std::optional<Millis> limit_of(const YamlNode& n, const std::string& what);
  /// An integer (the limit) or {limit, when, backoff: {delay, factor, max-delay}}.
  /// `owner` names where it is: "step 'build'", "'defaults'".
  std::optional<RetryPolicy> retry_of(const YamlNode& n, const std::string& owner);

  // ---- params.cc: values that may hold expressions ----

  /// A `with:` value checked against `spec`'s type (any value when null);
  /// strings keep their text, each string's template is parsed.
  Param param_of(const YamlNode& n, const core::ParamSpec* spec, const std::string& what, const ExprScope& scope);
  /// A string value (env, outputs): any scalar as its text, with its template.
  std::optional<Param> string_param_of(const YamlNode& n, const std::string& what, const ExprScope& scope);
  /// An `if:` condition: a YAML boolean, a bare expression or one `${{ }}`.
  std::optional<expr::Expression> condition_of(const YamlNode& n, const std::string& what, const ExprScope& scope);
  /// An `env:` mapping: variable names checked, values as string params.
  std::vector<std::pair<std::string, Param>> env_of(const YamlNode& n, const std::string& what, const ExprScope& scope);

 private:
  void backoff_of(const YamlNode& n, const std::string& owner, Backoff& out);
  void when_of(const YamlNode& n, const std::string& owner, RetryPolicy& out);
  Value value_of(const YamlNode& n, bool as_strings, const std::string& path, Param& p, const ExprScope& scope);
  void check_param_type(const YamlNode& n, const core::ParamSpec& spec, const std::string& what);
  std::optional<expr::Template> template_of(const YamlNode& n, const ExprScope& scope);
  void check_references(const YamlNode& n, const std::vector<expr::Reference>& refs, const ExprScope& scope);
  void check_matrix_reference(const YamlNode& n, const expr::Reference& ref, const ExprScope& scope);

  const YamlSource& source_;
  const LoadOptions& options_;
  core::Diagnostics& diags_;
};

/// step_loader.cc: every step of the `steps:` mapping, in file order, with
/// `defaults` applied to the keys a step does not set.
void load_steps(LoadContext& cx, const YamlNode& steps, const Defaults& defaults, Workflow& wf);

/// Whether a `uses:` names a workflow file ("./deploy.yaml", "../x.yml")
/// rather than a step type.
bool is_workflow_path(std::string_view uses);

/// call_loader.cc: a workflow step. Loads the file it calls (relative to
/// this one; a cycle of calls is an error), checks the step's `with:` and
/// `secrets:` against that file's inputs and secrets, and appends the
/// file's steps ("CALL/ID", a new Workflow::scopes entry) and then the step
/// itself to wf.steps. The called file's errors are reported at their own
/// FILE:LINE:COL.
void add_call(LoadContext& cx, Step call, Workflow& wf);

}  // namespace wf::model::detail
