// `wf run`: load, resolve inputs and secrets, pick the observers for where
// we run, handle Ctrl-C/SIGTERM, and hand over to the executor.

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <thread>

#include "runner/adapters/http_client.h"
#include "runner/adapters/orphans.h"
#include "runner/adapters/process_runner.h"
#include "runner/cli/commands.h"
#include "runner/cli/workflow_file.h"
#include "runner/exec/executor.h"
#include "runner/exec/secrets.h"
#include "runner/model/inputs.h"
#include "runner/status/console_printer.h"
#include "runner/status/github_printer.h"
#include "runner/status/json_printer.h"

namespace wf::cli {

namespace {

/// SIGINT/SIGTERM are blocked in every thread and taken by one thread with
/// sigwait(): the first cancels the run (steps get SIGINT, then SIGTERM,
/// then SIGKILL), the second also stops always() steps started since.
class SignalWatcher {
 public:
  SignalWatcher(core::CancelToken& cancel, core::CancelToken& hard) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGUSR1);  // our own wake-up to stop the thread
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this, &cancel, &hard] {
      int count = 0;
      while (true) {
        int sig = 0;
        if (sigwait(&set_, &sig) != 0 || sig == SIGUSR1) return;
        const char* msg = ++count == 1 ? "\nwf: interrupted: stopping running steps (again to stop always() steps)\n"
                                       : "\nwf: interrupted again: stopping every step\n";
        ssize_t ignored = write(2, msg, strlen(msg));
        (void)ignored;
        if (count == 1) cancel.cancel();
        else hard.cancel();
      }
    });
  }
  ~SignalWatcher() {
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }

 private:
  sigset_t set_;
  std::thread thread_;
};

// The grace between SIGINT, SIGTERM and SIGKILL, fitted to the host so wf is
// done before the host kills it (DESIGN §1).
services::StopPolicy stop_policy() {
  if (const char* gh = std::getenv("GITHUB_ACTIONS"); gh && std::string(gh) == "true")
    return {std::chrono::milliseconds(5000), std::chrono::milliseconds(1500)};  // runner: SIGINT, 7.5 s, SIGTERM, 2.5 s
  if (std::getenv("KUBERNETES_SERVICE_HOST"))
    return {std::chrono::milliseconds(20000), std::chrono::milliseconds(5000)};  // pod: 30 s grace
  return {std::chrono::milliseconds(10000), std::chrono::milliseconds(5000)};
}


std::optional<std::vector<std::pair<std::string, std::string>>> parse_inputs(const Env& env,
                                                                            const std::vector<std::string>& raw) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& kv : raw) {
    auto a = model::split_assignment(kv);
    if (!a) {
      env.err << "error: -i takes NAME=VALUE, not '" << kv << "'\n";
      return std::nullopt;
    }
    out.push_back(*a);
  }
  return out;
}

struct Observers {
  std::unique_ptr<exec::RunObserver> primary;
  status::GitHubPrinter* github = nullptr;
};

Observers make_observers(const RunArgs& args) {
  Observers o;
  const char* gh = std::getenv("GITHUB_ACTIONS");
  if (args.log_format == "json") {
    o.primary = std::make_unique<status::JsonPrinter>(stdout);
  } else if (gh && std::string(gh) == "true") {
    status::GitHubPrinter::Options opts;
    if (const char* s = std::getenv("GITHUB_STEP_SUMMARY")) opts.step_summary_path = s;
    if (const char* s = std::getenv("GITHUB_OUTPUT")) opts.output_path = s;
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

}  // namespace

int cmd_run(const Env& env, const RunArgs& args) {
  if (args.dry_run) {
    // wf plan's "2: steps would run" is a success here; its errors are 1.
    int rc = cmd_plan(env, PlanArgs{args.file, args.inputs});
    return rc == 1 ? 2 : 0;
  }
  auto wf = load_checked(args.file, env.registry, env.err);
  if (!wf) return 2;
  auto overrides = parse_inputs(env, args.inputs);
  if (!overrides) return 2;
  auto inputs = model::resolve_inputs(*wf, *overrides);
  if (!inputs) {
    for (const auto& e : inputs.error()) env.err << "error: " << e << "\n";
    return 2;
  }
  for (const auto& id : args.only) {
    if (!wf->step(id)) {
      env.err << "error: --only names no step '" << id << "'\n";
      return 2;
    }
  }
  auto secrets = exec::load_secrets(*wf);
  if (!secrets) {
    for (const auto& e : secrets.error()) env.err << "error: " << e << "\n";
    return 2;
  }
  core::SecretMasker masker;
  Observers observers = make_observers(args);
  for (const auto& [name, value] : secrets->as_object()) {
    masker.add(value.as_string());
    if (observers.github) observers.github->add_mask(value.as_string());
  }

  core::CancelToken cancel, hard_cancel;
  SignalWatcher signals(cancel, hard_cancel);
  auto processes = adapters::make_process_runner();
  auto http = adapters::make_http_client();
  core::SystemClock& clock = core::SystemClock::instance();

  exec::RunOptions options;
  options.jobs = args.jobs;
  options.keep_going = args.keep_going;
  options.only = args.only;
  options.state_dir = args.state_dir;
  options.resume = args.resume;
  options.resume_id = args.resume_id;
  options.wait_lock = args.wait_lock;
  options.inputs = *inputs;
  options.secrets = *secrets;
  options.git = git_context(wf->dir);
  options.stop = stop_policy();
  if (!args.stop_grace.empty()) {
    auto grace = core::parse_duration(args.stop_grace);
    if (!grace) {
      env.err << "error: --stop-grace: invalid duration '" << args.stop_grace << "' (use forms like 500ms, 10s)\n";
      return 2;
    }
    options.stop = {*grace, std::max(core::Millis(100), *grace / 2)};
  }
  options.base_env = process_environment();

  exec::ExecutorDeps deps;
  deps.registry = &env.registry;
  deps.processes = processes.get();
  deps.http = http.get();
  deps.clock = &clock;
  deps.observers = {observers.primary.get()};
  deps.masker = &masker;
  deps.cancel = &cancel;
  deps.hard_cancel = &hard_cancel;

  auto end = exec::run_workflow(*wf, options, deps);
  // Whatever left its step's process group (setsid) came back to us, a
  // subreaper: nothing a step started outlives wf.
  adapters::stop_orphans(std::min(options.stop.terminate_grace, core::Millis(2000)));
  if (!end) {
    env.err << "error: " << masker.mask(end.error()) << "\n";
    return 2;
  }
  if (observers.github) observers.github->append_outputs(end->outputs);
  return end->exit_code;
}

}  // namespace wf::cli
