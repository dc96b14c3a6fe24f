// The wf binary: wires the step registry into the commands.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>
#include <string_view>
#include <utility>

#include "runner/adapters/module_loader.h"
#include "runner/cli/commands.h"
#include "runner/cli/history_commands.h"
#include "runner/cli/logging.h"
#include "runner/cli/signals.h"
#include "steps/builtin_steps.h"

namespace {

constexpr const char* kDescription =
    "wf runs deployment pipelines described in one YAML file: a DAG of steps (shell scripts,\n"
    "terraform, kubectl apply, helm, docker, GitHub workflow dispatch) with retries, timeouts\n"
    "and dependency ordering. The same file runs on a laptop, in GitHub Actions and in Argo.";

constexpr const char* kFooter =
    "\nExamples:\n"
    "  wf validate workflows/*.yaml          check files, print every error as FILE:LINE:COL\n"
    "  wf plan examples/quickstart.yaml      show the waves and resolved parameters\n"
    "  wf graph deploy.yaml | dot -Tsvg > deploy.svg\n"
    "  wf steps run                          document a step type\n"
    "  wf schema > wf.schema.json            the JSON Schema of workflow files, for editors\n"
    "  wf eval \"format('{0}-{1}', 'a', 1)\"  evaluate a GitHub Actions expression\n"
    "\nExit codes: 0 success, 1 the workflow failed, 2 usage or validation error, 130 interrupted.\n"
    "Run `wf COMMAND --help` for a command's options and examples.";

// -v/--verbose: applied while parsing, before the command's callback runs.
void add_verbose(CLI::App* c) {
  c->add_flag_callback("-v,--verbose", [] { wf::cli::verbose(); },
                       "Print wf's decisions to stderr: steps ready or skipped, retries and waits, processes "
                       "started, HTTP requests (as WF_LOG=debug; WF_LOG=trace adds more)");
}

// Each command's options and help; the callback stores the exit code.
void add_run(CLI::App& app, const wf::cli::Env& env, wf::cli::RunArgs& run, int& code) {
  auto* c_run = app.add_subcommand("run", "Run the workflow's steps in dependency order");
  c_run->add_option("FILE", run.file, "Workflow file");
  c_run->add_option("-i,--input", run.inputs, "An input as NAME=VALUE (repeatable)");
  c_run->add_option("-j,--jobs", run.jobs, "Steps to run at once (default: number of cores)")
      ->check(CLI::Range(1, 4096));
  c_run->add_option("--resume", run.resume_id,
                    "Continue the last unfinished or failed run (or run ID): steps that succeeded with the same "
                    "definition are not run again")
      ->expected(0, 1);
  c_run->add_option("--only", run.only, "Run only these steps (and the steps they need)")->delimiter(',');
  c_run->add_flag("--keep-going", run.keep_going, "After a failure, still run every step that does not depend on it");
  c_run->add_flag("--dry-run", run.dry_run, "Show what would run (as wf plan) and run nothing");
  c_run->add_option("--state-dir", run.state_dir, "Where runs are recorded (default: .wf beside the workflow)");
  c_run->add_option("--keep", run.keep,
                    "Afterwards, remove this workflow's runs but the newest N (and the runs they resumed) from "
                    ".wf/runs")
      ->check(CLI::Range(1, 1000000));
  c_run->add_flag("--wait-lock", run.wait_lock, "Wait for another run on the same state directory instead of failing");
  c_run->add_option("--stop-grace", run.stop_grace,
                    "How long a stopped step gets after SIGINT before SIGTERM (SIGKILL follows after half "
                    "of it); default 10s, 5s under GitHub Actions, 20s in Kubernetes");
  c_run->add_option("--log-format", run.log_format, "text or json (one event per line)")
      ->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  add_verbose(c_run);
  c_run->footer(
      "\nSteps start as soon as their needs are done. A failure stops new steps from starting\n"
      "(--keep-going runs independent ones); always() steps still run. Ctrl-C, SIGTERM or SIGHUP stops\n"
      "running steps (SIGINT, then SIGTERM, then SIGKILL to each step's process group) and exits 130.\n"
      "Each run is recorded in .wf/runs/<id>/: journal.jsonl, logs/<step>.<attempt>.log, report.json,\n"
      "report.html (a timeline page) and wf.log (wf's own debug log); an instance of a matrix step logs to\n"
      "<step>@<hash of its values>.<attempt>.log.\n"
      "\nExamples:\n"
      "  wf run examples/quickstart.yaml -i who=you\n"
      "  wf run deploy.yaml -j 2 --keep-going\n"
      "  wf run deploy.yaml --resume            # after fixing what failed\n"
      "  wf run deploy.yaml --only render,apply --log-format json\n"
      "  exec wf run deploy.yaml                # as a GitHub Actions step, so signals reach wf");
  c_run->callback([c_run, &env, &run, &code] {
    if (c_run->count("--resume")) run.resume = true;
    // `wf run --resume deploy.yaml`: the value was the file, not a run id.
    if (run.file.empty() && !run.resume_id.empty()) std::swap(run.file, run.resume_id);
    if (run.file.empty()) throw CLI::RequiredError("FILE");
    code = wf::cli::cmd_run(env, run);
  });
}

void add_validate(CLI::App& app, const wf::cli::Env& env, wf::cli::ValidateArgs& validate, int& code) {
  auto* c = app.add_subcommand("validate", "Check workflow files and report every error at once");
  c->add_option("FILE", validate.files, "Workflow files")->required();
  c->footer(
      "\nEvery error is printed as FILE:LINE:COL: message, with a did-you-mean where one fits;\n"
      "exit code 2 if any file has errors.\n\nExample:\n  wf validate workflows/deploy-testnet.yaml examples/*.yaml");
  c->callback([&] { code = wf::cli::cmd_validate(env, validate); });
}

void add_graph(CLI::App& app, const wf::cli::Env& env, wf::cli::GraphArgs& graph, int& code) {
  auto* c = app.add_subcommand("graph", "Print the DAG as Graphviz DOT or Mermaid");
  c->add_option("FILE", graph.file, "Workflow file")->required();
  c->add_option("--format", graph.format, "dot or mermaid")->check(CLI::IsMember({"dot", "mermaid"}))
      ->capture_default_str();
  c->footer(
      "\nEdges run from a step to the steps that need it; conditional steps are dashed.\n\nExamples:\n"
      "  wf graph deploy.yaml | dot -Tpng > deploy.png\n  wf graph deploy.yaml --format mermaid >> README.md");
  c->callback([&] { code = wf::cli::cmd_graph(env, graph); });
}

void add_plan(CLI::App& app, const wf::cli::Env& env, wf::cli::PlanArgs& plan, int& code) {
  auto* c = app.add_subcommand("plan", "Show what a run would do: waves, resolved parameters, conditions");
  c->add_option("FILE", plan.file, "Workflow file")->required();
  c->add_option("-i,--input", plan.inputs, "An input as NAME=VALUE (repeatable)");
  add_verbose(c);
  c->footer(
      "\nSecrets show as ***; values that come from other steps' outputs show as (known after STEP).\n"
      "Step types preview what they would do where their inputs are known (terraform plan, kubectl diff).\n"
      "Exit code: 0 nothing would change (steps sure to be skipped included), 2 steps would run or\n"
      "change something, 1 a preview failed, as terraform plan -detailed-exitcode; an invalid file or\n"
      "input is also 2, as in every wf command (the message says which); 130 interrupted.\n"
      "\nExample:\n  wf plan workflows/deploy-testnet.yaml -i cluster=my-test -i account=123456789012 -i smoke=false");
  c->callback([&] { code = wf::cli::cmd_plan(env, plan); });
}

void add_step(CLI::App& app, const wf::cli::Env& env, wf::cli::StepArgs& step, int& code) {
  auto* c = app.add_subcommand("step", "Run one step alone, once, as an Argo task does");
  c->add_option("FILE", step.file, "Workflow file")->required();
  c->add_option("ID", step.step, "The step's id")->required();
  c->add_option("-i,--input", step.inputs, "An input as NAME=VALUE (repeatable)");
  c->add_option("--need", step.need_outputs, "An output of a need as STEP.OUTPUT=VALUE (repeatable)");
  c->add_option("--need-outcome", step.need_outcomes,
                "How a need ended, STEP=success|failure|skipped|cancelled or an Argo phase (repeatable)");
  c->add_option("--matrix", step.matrix,
                "For a step with a matrix: the instance to run, as a JSON object (Argo's {{item}})");
  c->add_option("--needs-json", step.needs_json, "Needs as {\"STEP\": {\"outcome\": ..., \"outputs\": {...}}}");
  c->add_option("--outputs-dir", step.outputs_dir, "Write one file per output, and wf-outcome, here");
  c->add_option("--run-id", step.run_id,
                "The run's id: keep it across retries of the step so idempotency records are found again");
  c->add_option("--state-dir", step.state_dir, "Where runs are recorded (default: .wf beside the workflow)");
  c->add_option("--retries", step.retries,
                "Attempts of this step made before this one (Argo's {{retries}}; default 0)")
      ->check(CLI::NonNegativeNumber);
  add_verbose(c);
  c->footer(
      "\nOne attempt (retries are the caller's), under the step's timeout; its if: is evaluated against\n"
      "the needs given (a need not named counts as succeeded). Logs go to stdout, secrets masked.\n"
      "Exit codes: 0 success or skipped, 1 permanent failure, 75 transient, 76 rate-limited, 77 lock,\n"
      "124 timeout, 130 cancelled, 2 usage or validation error. A step with continue-on-error exits 0\n"
      "on its last failure (no retry left under its retry:, counting --retries); wf-outcome says failure.\n"
      "See docs/argo.md.\n"
      "\nExample:\n"
      "  wf step deploy.yaml network --need render.manifest=build/net.yaml --need-outcome bootstrap=success \\\n"
      "    --outputs-dir /tmp/out --run-id \"$RUN\"");
  c->callback([&] { code = wf::cli::cmd_step(env, step); });
}

void add_export(CLI::App& app, const wf::cli::Env& env, wf::cli::ExportArgs& exp, int& code) {
  auto* c = app.add_subcommand("export", "Compile the workflow for another engine");
  c->require_subcommand(1);
  auto* a = c->add_subcommand("argo", "Print a ConfigMap and an Argo Workflow with one DAG task per step");
  a->add_option("FILE", exp.file, "Workflow file")->required();
  a->add_option("--image", exp.image, "The image every task runs (wf and the tools)")->capture_default_str();
  a->add_option("--namespace", exp.namespace_, "metadata.namespace of both objects");
  a->add_option("--secret-name", exp.secret_name, "The Secret holding the secrets (default: <name>-secrets)");
  a->add_option("--workdir", exp.workdir, "Where steps run in the image; the file is mounted there")
      ->capture_default_str();
  a->add_option("--state-claim", exp.state_claim,
                "A PersistentVolumeClaim for wf's state, so retried pods find earlier attempts' records");
  a->add_option("-i,--input", exp.inputs, "A parameter's default as NAME=VALUE (repeatable)");
  a->footer(
      "\nSteps whose if: cannot be expressed exactly in Argo are named on stderr: their tasks run and\n"
      "wf step decides. See docs/argo.md for what maps.\n"
      "\nExample:\n  wf export argo deploy.yaml --image registry/wf-deploy:1 | kubectl create -f -");
  a->callback([&] { code = wf::cli::cmd_export_argo(env, exp); });
}

void add_steps(CLI::App& app, const wf::cli::Env& env, wf::cli::StepsArgs& steps, int& code) {
  auto* c = app.add_subcommand("steps", "List step types, or document one type's parameters");
  c->add_option("TYPE", steps.type, "A step type");
  c->footer("\nExamples:\n  wf steps\n  wf steps run");
  c->callback([&] { code = wf::cli::cmd_steps(env, steps); });
}

void add_schema(CLI::App& app, const wf::cli::Env& env, int& code) {
  auto* c = app.add_subcommand("schema", "Print the JSON Schema of workflow files (for editors)");
  c->footer(
      "\nBuilt from the file format and each step type's declared parameters; workflows/wf.schema.json\n"
      "is this output. In VS Code (YAML extension):\n"
      "  # yaml-language-server: $schema=../workflows/wf.schema.json\n\nExample:\n  wf schema > wf.schema.json");
  c->callback([&] { code = wf::cli::cmd_schema(env); });
}

void add_eval(CLI::App& app, const wf::cli::Env& env, wf::cli::EvalArgs& eval, int& code) {
  auto* c = app.add_subcommand("eval", "Evaluate a GitHub Actions expression and print the result as JSON");
  c->add_option("EXPR", eval.expression, "An expression, with or without ${{ }}")->required();
  c->add_option("--context", eval.context_file,
                "A JSON object of named values (e.g. {\"inputs\": {...}, \"steps\": {...}})");
  c->add_flag("--condition", eval.condition,
              "Evaluate as an if: condition (implicit success() && unless a status function is used)");
  c->add_option("--status", eval.status, "Job status seen by success()/failure()/cancelled()")
      ->check(CLI::IsMember({"success", "failure", "cancelled"}))->capture_default_str();
  c->footer(
      "\nOnly the context file's top-level keys are named values; any other name is an error.\n"
      "Errors exit 2 and point at the offending column.\n\nExamples:\n"
      "  wf eval \"contains('hello', 'ELL')\"                 # true\n"
      "  wf eval \"fromJSON('[1,2]')[1] == '2'\"              # true (loose equality)\n"
      "  wf eval 'inputs.cluster' --context ctx.json\n"
      "  wf eval 'failure()' --condition --status failure");
  c->callback([&] { code = wf::cli::cmd_eval(env, eval); });
}

// The commands a command line needs defined. Defining all of them costs
// more than the rest of `wf --version` (CLI11's options: ~1M instructions
// and ~100 KiB of heap), so `wf COMMAND ...` defines only COMMAND (the
// history commands come as one group) and `wf --version` none. Any other
// line (help, a typo, completion, which reads every command) defines all.
std::string_view only_command(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--version") return "--version";
  if (argc < 2) return {};
  std::string_view first = argv[1];
  for (std::string_view history : {"runs", "logs", "show"})
    if (first == history) return "history";
  if (first == "completion" || first == "__complete") return {};
  return first;
}

int run_cli(int argc, char** argv) {
  wf::step_api::Registry registry;
  wf::steps::register_builtin_steps(registry);
  wf::cli::Env env{registry, std::cout, std::cerr};
  wf::cli::start_logging(std::cerr);

  CLI::App app{kDescription, "wf"};
  app.footer(kFooter);
  app.set_version_flag("--version", std::string("wf 0.1.0"));
  app.require_subcommand(1);
  int code = 0;
  wf::cli::RunArgs run;
  wf::cli::ValidateArgs validate;
  wf::cli::GraphArgs graph;
  wf::cli::PlanArgs plan;
  wf::cli::StepsArgs steps;
  wf::cli::EvalArgs eval;
  wf::cli::StepArgs step;
  wf::cli::ExportArgs exp;
  const std::pair<std::string_view, std::function<void()>> commands[] = {
      {"run", [&] { add_run(app, env, run, code); }},
      {"validate", [&] { add_validate(app, env, validate, code); }},
      {"graph", [&] { add_graph(app, env, graph, code); }},
      {"plan", [&] { add_plan(app, env, plan, code); }},
      {"step", [&] { add_step(app, env, step, code); }},
      {"export", [&] { add_export(app, env, exp, code); }},
      {"steps", [&] { add_steps(app, env, steps, code); }},
      {"schema", [&] { add_schema(app, env, code); }},
      {"eval", [&] { add_eval(app, env, eval, code); }},
      {"history", [&] { wf::cli::add_history_commands(app, env, code); }},
  };
  std::string_view only = only_command(argc, argv);
  bool known = only == "--version" || std::any_of(std::begin(commands), std::end(commands),
                                                  [&](const auto& c) { return c.first == only; });
  for (const auto& [name, add] : commands)
    if (!known || name == only) add();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return code;
}

}  // namespace

// The one exception boundary of the process: whatever escapes a command is
// reported as an internal error (exit 70, EX_SOFTWARE), never std::terminate.
int main(int argc, char** argv) {
  wf::cli::ignore_sigpipe();
  try {
    return run_cli(argc, argv);
  } catch (const wf::adapters::ModuleLoadError& e) {  // an incomplete install, not a bug
    std::fprintf(stderr, "wf: error: %s\n", e.what());
    return 70;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wf: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "wf: internal error: unknown exception\n");
  }
  return 70;
}
