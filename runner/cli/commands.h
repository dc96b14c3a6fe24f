#pragma once
// The wf subcommands. Each returns the process exit code: 0 success, 1 the
// workflow failed, 2 usage or validation error, 130 interrupted.

#include <iosfwd>
#include <string>
#include <vector>

#include "runner/step_api/registry.h"

namespace wf::cli {

/// What every command may use: the registry and the output streams.
struct Env {
  const step_api::Registry& registry;
  std::ostream& out;
  std::ostream& err;
};

struct RunArgs {
  std::string file;
  std::vector<std::string> inputs;  // k=v
  int jobs = 0;
  bool resume = false;
  std::string resume_id;
  std::vector<std::string> only;
  bool keep_going = false;
  bool dry_run = false;
  std::string state_dir;
  bool wait_lock = false;
  size_t keep = 0;                  // --keep N: prune all but the newest N runs afterwards
  std::string log_format = "text";
  std::string stop_grace;           // "": fitted to the host
};
int cmd_run(const Env& env, const RunArgs& args);

struct ValidateArgs { std::vector<std::string> files; };
int cmd_validate(const Env& env, const ValidateArgs& args);

struct GraphArgs { std::string file; std::string format = "dot"; };
int cmd_graph(const Env& env, const GraphArgs& args);

struct PlanArgs {
  std::string file;
  std::vector<std::string> inputs;  // k=v
  bool dry_run_codes = false;       // `wf run --dry-run`: 0 whether or not there are changes
};
int cmd_plan(const Env& env, const PlanArgs& args);

/// `wf step FILE ID` (docs/argo.md): exit 0 success or skipped, 1
/// permanent, 75 transient, 76 rate-limited, 77 lock, 124 timeout, 130
/// cancelled, 2 usage or validation error.
struct StepArgs {
  std::string file;
  std::string step;
  std::vector<std::string> inputs;         // k=v
  std::vector<std::string> need_outputs;   // STEP.OUTPUT=VALUE
  std::vector<std::string> need_outcomes;  // STEP=OUTCOME
  std::string needs_json;
  std::string outputs_dir;
  std::string run_id;
  std::string state_dir;
  int retries = 0;                         // Argo's {{retries}}: attempts made before this one
  std::string matrix;                      // JSON object: the instance of a matrix step to run
};
int cmd_step(const Env& env, const StepArgs& args);

/// `wf export argo FILE`: a ConfigMap and an Argo Workflow on `out`.
struct ExportArgs {
  std::string file;
  std::string image = "wf:latest";
  std::string namespace_;
  std::string secret_name;
  std::string workdir = "/work";
  std::string state_claim;
  std::vector<std::string> inputs;         // k=v
};
int cmd_export_argo(const Env& env, const ExportArgs& args);

struct StepsArgs { std::string type; };
int cmd_steps(const Env& env, const StepsArgs& args);

struct EvalArgs {
  std::string expression;
  std::string context_file;
  bool condition = false;           // evaluate as an `if:` (implicit success() &&)
  std::string status = "success";   // job status for status functions
};
int cmd_eval(const Env& env, const EvalArgs& args);

/// Which workflow's runs a history command (runs, logs, show) looks at:
/// `file` (its runs under `state_dir`, default .wf beside it), or without
/// one the single workflow with runs under `state_dir` (default ./.wf).
struct HistoryWhere {
  std::string file;
  std::string state_dir;
};

/// `wf runs [FILE]`: the runs, newest first; or --prune.
struct RunsArgs {
  HistoryWhere where;
  bool json = false;
  bool prune = false;
  int keep = -1;                    // --keep N; -1 unset
  std::string older_than;           // --older-than 7d
};
int cmd_runs(const Env& env, const RunsArgs& args);

/// `wf logs [STEP]`: a step's log (its last attempt), or every step's.
struct LogsArgs {
  HistoryWhere where;
  std::string step;
  std::string run;                  // "": the newest run
  int attempt = 0;                  // 0: the last one
  bool follow = false;
  int poll_ms = 200;                // --follow's polling interval
};
int cmd_logs(const Env& env, const LogsArgs& args);

/// `wf show`: a run's summary, inputs, outputs, failures and resume command.
struct ShowArgs {
  HistoryWhere where;
  std::string run;                  // "": the newest run
  bool json = false;
  bool html = false;                // print the path of report.html
};
int cmd_show(const Env& env, const ShowArgs& args);

/// `wf schema`: the workflow JSON Schema (base + each step type's `with:`).
int cmd_schema(const Env& env);
/// The same as text (JSON, indented, ending in a newline).
std::string workflow_schema(const step_api::Registry& registry);

}  // namespace wf::cli
