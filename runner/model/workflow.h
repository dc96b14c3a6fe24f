#pragma once
// The workflow as loaded from YAML: plain structs with source positions.
// Strings that may hold `${{ }}` are kept parsed as expr::Template so that
// nothing is parsed twice and errors are found before anything runs.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runner/core/diagnostic.h"
#include "runner/core/duration.h"
#include "runner/core/failure.h"
#include "runner/core/value.h"
#include "runner/expr/expr.h"

namespace wf::model {

using core::Millis;
using core::SourceLoc;
using core::Value;

/// How a failed attempt failed; retry.when selects among these (core/failure.h).
using core::FailureClass;
using core::failure_class_name;
using core::parse_failure_class;

/// A value from the file that may contain expressions, with where it was.
/// `value` is the raw YAML value (strings unexpanded); `templates` holds the
/// parsed template of every string inside it, keyed by its JSON-pointer-like
/// path ("" for a scalar, "/0", "/vars/name").
struct Param {
  Value value;
  SourceLoc loc;
  std::map<std::string, expr::Template> templates;
  std::map<std::string, SourceLoc> locs;  // same keys: where each string starts
};

struct Backoff {
  Millis delay{Millis(10000)};
  double factor = 2.0;
  std::optional<Millis> max_delay;
};

struct RetryPolicy {
  int limit = 0;                          // retries after the first attempt
  std::vector<FailureClass> when;         // empty: every class but permanent, cancelled
  bool when_any_failure = false;          // `when: [failure]`
  Backoff backoff;
  SourceLoc loc;

  /// Whether a failure of class `c` may be retried under this policy.
  bool retries(FailureClass c) const;
};

struct InputDecl {
  std::string name;
  std::string type = "string";            // string | boolean | number | choice
  Value default_value;                    // null: none
  bool required = false;
  std::string description;
  std::vector<std::string> options;       // for choice
  SourceLoc loc;
};

struct SecretDecl {
  std::string name;
  std::optional<std::string> env;         // read from this environment variable
  std::optional<std::string> file;        // or from this file (~ expanded at run time)
  bool required = true;
  SourceLoc loc;
};

struct Need {
  std::string id;
  SourceLoc loc;
};

/// `matrix:` on a step: it runs once per combination (GitHub's
/// strategy.matrix; Argo's withItems, or withParam for an expression).
struct Matrix {
  Param value;                            // the mapping, or one `${{ }}`
  SourceLoc loc;
  bool expression = false;                // one `${{ }}` giving a list of objects
  bool dynamic = false;                   // holds expressions: expanded when the step starts
  std::vector<Value> instances;           // static: the combinations (objects), in order
  std::vector<std::string> names;         // static: "ID (a, us)" of each instance
  std::vector<std::string> keys;          // what `matrix.X` may name
  bool any_key = false;                   // keys known only at run time
  std::optional<int> max_parallel;        // instances running at once; unset: no limit but -j
  bool fail_fast = true;                  // a failed instance cancels its unfinished siblings
};

struct Step {
  std::string id;
  SourceLoc loc;                          // of the step's key
  std::string uses;                       // step type; "run" for `run:` steps
  SourceLoc uses_loc;
  /// `with:` (for `run:` steps: "script" holds the script, "shell" the shell).
  std::vector<std::pair<std::string, Param>> with;
  std::vector<Need> needs;
  std::optional<expr::Expression> if_;    // null: success()
  SourceLoc if_loc;
  std::vector<std::pair<std::string, Param>> env;  // overrides workflow env
  std::optional<Millis> timeout;          // one attempt
  std::optional<Millis> timeout_total;    // all attempts
  RetryPolicy retry;
  bool continue_on_error = false;
  std::optional<std::string> working_directory;
  std::optional<std::string> shell;
  std::string name;                       // display name (defaults to id)
  std::optional<Matrix> matrix;           // fan-out; none: the step runs once
  /// The Workflow::scopes entry whose file the step belongs to (0: the
  /// file `wf` was given). Its id is the scope's prefix + its key there.
  size_t scope = 0;
  /// A workflow step (`uses: ./other.yaml`): the scope of the file it
  /// calls, whose steps come before it in Workflow::steps. It runs nothing:
  /// it ends when they have, with their outcome and the file's `outputs:`.
  /// `with` holds the file's inputs; `needs` its last steps (what it
  /// declared, its first steps need).
  std::optional<size_t> calls;
  std::vector<std::pair<std::string, Param>> secrets;  // a workflow step's `secrets:`
  /// Every `steps.X` an expression of this step reads (with, env, if,
  /// run), with where; graph::check() requires X among the transitive needs.
  std::vector<Need> step_refs;
  /// An expression reads `steps` as a whole (toJSON(steps), steps[x]): it
  /// sees every transitive need.
  bool reads_all_steps = false;

  const Param* param(std::string_view key) const;
};

struct Defaults {
  std::optional<Millis> timeout;
  std::optional<Millis> timeout_total;
  std::optional<RetryPolicy> retry;
  std::optional<std::string> shell;
  std::optional<std::string> working_directory;
};

/// A workflow file as part of a run: the file given (scope 0) or one a
/// workflow step calls. The called file's steps are flattened into the
/// caller's `steps` as "CALL/ID" (so the run schedules, journals, retries
/// and resumes them as any step); their expressions read the scope's
/// inputs (the calling step's `with:`), secrets (its `secrets:`) and env,
/// and their working directory is the scope's `dir`.
struct Scope {
  std::string prefix;                     // "" for scope 0; "deploy/", "deploy/render/"
  size_t parent = 0;                      // the scope of the calling step
  size_t call = 0;                        // the calling step (Workflow::steps index); unused for scope 0
  std::vector<Need> needs;                // what the calling step declared (its `needs` are now its file's last steps)
  std::string file;
  std::string dir;
  std::string name;
  std::vector<InputDecl> inputs;          // empty for scope 0 (see Workflow)
  std::vector<SecretDecl> secrets;
  std::vector<std::pair<std::string, Param>> env;
  std::vector<std::pair<std::string, Param>> outputs;

  const InputDecl* input(std::string_view name) const;
};

struct Workflow {
  std::string file;                       // path as given
  std::string dir;                        // directory of the file (steps run there)
  std::string name;
  std::string description;
  std::vector<InputDecl> inputs;
  std::vector<SecretDecl> secrets;
  std::vector<std::pair<std::string, Param>> env;
  Defaults defaults;
  std::vector<Step> steps;                // in file order
  std::vector<std::pair<std::string, Param>> outputs;  // workflow outputs (expressions)
  /// Some expression reads the `git` context: only then is the repository
  /// described before the run (libgit2's start-up and a status scan).
  bool reads_git = false;
  /// Scope 0 is this file; one more per workflow step (see Scope).
  std::vector<Scope> scopes;

  const Step* step(std::string_view id) const;
  /// The scope a step belongs to (scope 0 when `scopes` is empty).
  const Scope& scope_of(const Step& step) const;
  /// The step's id as its own file names it ("render" for "deploy/render").
  std::string_view local_id(const Step& step) const;
  /// The directory and file of the step's own file (`dir`/`file` for scope 0).
  const std::string& dir_of(const Step& step) const;
  const std::string& file_of(const Step& step) const;
  const InputDecl* input(std::string_view name) const;
  const SecretDecl* secret(std::string_view name) const;
};

/// Named values an expression may use in each place, for expr::ParseOptions.
const std::vector<std::string>& step_named_values();      // inputs env secrets steps git wf matrix
const std::vector<std::string>& workflow_named_values();  // for top-level env / outputs

}  // namespace wf::model
