// `wf run`: load, resolve inputs and secrets, pick the observers for where
// we run, handle Ctrl-C/SIGTERM, and hand over to the executor.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <thread>

#include "runner/adapters/orphans.h"
#include "runner/cli/commands.h"
#include "runner/cli/signals.h"
#include "runner/cli/workflow_file.h"
#include "runner/core/output_file.h"
#include "runner/core/strings.h"
#include "runner/exec/executor.h"
#include "runner/exec/secrets.h"
#include "runner/status/console_printer.h"
#include "runner/status/github_printer.h"
#include "runner/status/json_printer.h"

namespace wf::cli {

namespace {

struct Observers {
  std::unique_ptr<exec::RunObserver> primary;
  status::GitHubPrinter* github = nullptr;
};

Observers make_observers(const RunArgs& args) {
  Observers o;
  if (args.log_format == "json") {
    o.primary = std::make_unique<status::JsonPrinter>(stdout);
  } else if (in_github_actions()) {
    status::GitHubPrinter::Options opts;
    if (const char* s = std::getenv("GITHUB_STEP_SUMMARY")) opts.step_summary_path = s;
    if (const char* s = std::getenv("GITHUB_OUTPUT")) opts.output_path = s;
    if (const char* s = std::getenv("GITHUB_WORKSPACE")) opts.workspace = s;
    // Set by action.yml: a composite action declares its outputs up front,
    // so the workflow's outputs travel as one JSON object.
    if (const char* s = std::getenv("WF_GITHUB_OUTPUTS_JSON")) {
      std::string name = s;
      if (core::writable_output_name(name)) opts.outputs_json_name = name;
    }
    auto p = std::make_unique<status::GitHubPrinter>(stdout, opts);
    o.github = p.get();
    o.primary = std::move(p);
  } else {
    status::ConsolePrinter::Options opts;
    opts.tty = isatty(STDOUT_FILENO);
    const char* no_color = std::getenv("NO_COLOR");
    opts.color = opts.tty && !(no_color && *no_color);
    o.primary = std::make_unique<status::ConsolePrinter>(stdout, opts);
  }
  return o;
}

// The run's options from the command line; nullopt (after printing why) on a
// usage error.
std::optional<exec::RunOptions> run_options(const Env& env, const RunArgs& args, const model::Workflow& wf) {
  auto inputs = input_values(wf, args.inputs, env.err);
  if (!inputs) return std::nullopt;
  std::vector<std::string> ids;
  for (const auto& s : wf.steps) ids.push_back(s.id);
  for (const auto& id : args.only) {
    if (!wf.step(id)) {
      env.err << "error: " << core::with_suggestion("--only names no step '" + id + "'", id, ids) << "\n";
      return std::nullopt;
    }
  }
  auto secrets = exec::load_secrets(wf);
  if (!secrets) {
    for (const auto& e : secrets.error()) env.err << "error: " << e << "\n";
    return std::nullopt;
  }
  exec::RunOptions options;
  options.jobs = args.jobs;
  options.keep_going = args.keep_going;
  options.only = args.only;
  options.state_dir = args.state_dir;
  options.resume = args.resume;
  options.resume_id = args.resume_id;
  options.wait_lock = args.wait_lock;
  options.keep_runs = args.keep;
  options.inputs = *inputs;
  options.secrets = *secrets;
  options.git = git_context(wf);
  options.stop = default_stop_policy();
  options.hard_stop = hard_stop_policy();
  if (!args.stop_grace.empty()) {
    auto grace = core::parse_duration(args.stop_grace);
    if (!grace) {
      env.err << "error: --stop-grace: invalid duration '" << args.stop_grace << "' (use forms like 500ms, 10s)\n";
      return std::nullopt;
    }
    options.stop = {*grace, std::max(core::Millis(100), *grace / 2)};
  }
  options.base_env = process_environment();
  return options;
}

}  // namespace

int cmd_run(const Env& env, const RunArgs& args) {
  if (args.dry_run) {
    // A preview that failed is exit 1 here as in wf plan; usage errors 2.
    return cmd_plan(env, PlanArgs{args.file, args.inputs, /*dry_run_codes=*/true});
  }
  auto wf = load_checked(args.file, env.registry, env.err);
  if (!wf) return 2;
  auto options = run_options(env, args, *wf);
  if (!options) return 2;
  core::SecretMasker masker;
  Observers observers = make_observers(args);
  for (const auto& [name, value] : options->secrets.as_object()) {
    masker.add(value.as_string());
    if (observers.github) observers.github->add_mask(value.as_string());
  }

  core::CancelToken cancel, hard_cancel;
  SignalWatcher signals(cancel, &hard_cancel);  // before any thread starts
  RealServices services;
  exec::ExecutorDeps deps = services.deps(env.registry, masker, cancel);
  deps.observers = {observers.primary.get()};
  deps.hard_cancel = &hard_cancel;
  deps.notify_waiting = [&env](const std::string& what) { env.err << "wf: " << what << "\n" << std::flush; };
  deps.stop_dead_run = [&env, grace = options->stop.terminate_grace](const std::string& run_id) {
    int n = adapters::stop_run_processes(run_id, std::min(grace, core::Millis(2000)));
    if (n > 0) env.err << "wf: stopped " << n << " process" << (n == 1 ? "" : "es") << " left running by run " << run_id << "\n" << std::flush;
  };

  auto end = exec::run_workflow(*wf, *options, deps);
  // $GITHUB_OUTPUT before anything that can take time: GitHub's runner
  // kills wf 2.5 s after its SIGTERM.
  if (end && observers.github) observers.github->append_outputs(end->outputs);
  // Whatever left its step's process group (setsid) came back to us, a
  // subreaper: nothing a step started outlives wf.
  core::Millis grace = hard_cancel.cancelled() && options->hard_stop ? options->hard_stop->terminate_grace
                                                                     : options->stop.terminate_grace;
  adapters::stop_orphans(std::min(grace, core::Millis(2000)));
  if (!end) {
    env.err << "error: " << masker.mask(end.error()) << "\n";
    return 2;
  }
  if (!end->state_error.empty())
    env.err << "wf: the run stopped: " << end->state_error << "; free space and resume with: wf run " << args.file
            << " --resume\n";
  if (end->pruned_runs > 0)
    env.err << "wf: removed " << end->pruned_runs << " old run" << (end->pruned_runs == 1 ? "" : "s") << " ("
            << (end->pruned_bytes + 1023) / 1024 << " KiB), keeping the newest " << args.keep << "\n";
  return end->exit_code;
}

}  // namespace wf::cli
