// `wf step FILE ID`: one step alone, as an Argo task runs it (docs/argo.md):
// needs' outcomes and outputs from flags, one attempt, outputs to files, the
// exit code by failure class.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "runner/adapters/orphans.h"
#include "runner/cli/commands.h"
#include "runner/cli/signals.h"
#include "runner/cli/workflow_file.h"
#include "runner/core/json.h"
#include "runner/core/strings.h"
#include "runner/exec/secrets.h"
#include "runner/exec/single_step.h"

namespace wf::cli {

namespace {

namespace fs = std::filesystem;
using exec::NeedResult;
using exec::Outcome;

/// Plain lines for a container's log: each step line as it came (masked),
/// and one line when the step ends.
class PlainPrinter : public exec::RunObserver {
 public:
  explicit PlainPrinter(std::FILE* out) : out_(out) {}
  void attempt_started(const exec::AttemptStart& a) override {
    std::fprintf(out_, "wf: step %s (%s) started\n", a.step_id.c_str(), a.step_type.c_str());
    std::fflush(out_);
  }
  void step_line(std::string_view, step_api::StepLog::Stream, std::string_view text) override {
    std::fprintf(out_, "%.*s\n", static_cast<int>(text.size()), text.data());
    std::fflush(out_);
  }
  void step_finished(const exec::StepEnd& e) override {
    std::fprintf(out_, "wf: step %s %s%s%s\n", e.step_id.c_str(), exec::outcome_name(e.outcome),
                 e.reason.empty() ? "" : ": ", e.reason.c_str());
    std::fflush(out_);
  }

 private:
  std::FILE* out_;
};

// Argo's node phases name outcomes too: `{{tasks.T.status}}`. `PHASE/OUTCOME`
// (`{{tasks.T.status}}/{{tasks.T.outputs.parameters.wf-outcome}}`) is the
// outcome wf-outcome reported when the task Succeeded (a continue-on-error
// step's last failure exits 0), else the phase's.
std::optional<Outcome> parse_outcome(const std::string& s) {
  // A matrix need in Argo: its instances' outcomes as a JSON list (a
  // fan-out's aggregated output); the step's outcome as `wf run` gives it.
  if (!s.empty() && s.front() == '[') {
    auto list = core::parse_json(s);
    if (!list || !list->is_array() || list->as_array().empty()) return std::nullopt;
    bool cancelled = false, skipped = false;
    for (const auto& e : list->as_array()) {
      auto o = e.is_string() ? parse_outcome(e.as_string()) : std::nullopt;
      if (!o) return std::nullopt;
      if (*o == Outcome::kFailure) return Outcome::kFailure;
      cancelled = cancelled || *o == Outcome::kCancelled;
      skipped = skipped || *o == Outcome::kSkipped;
    }
    return cancelled ? Outcome::kCancelled : skipped ? Outcome::kSkipped : Outcome::kSuccess;
  }
  if (auto slash = s.find('/'); slash != std::string::npos) {
    std::string phase = s.substr(0, slash), reported = s.substr(slash + 1);
    if (reported.find('/') != std::string::npos) return std::nullopt;
    if (phase == "Succeeded" && !reported.empty()) return parse_outcome(reported);
    return parse_outcome(phase);
  }
  if (s == "success" || s == "Succeeded") return Outcome::kSuccess;
  if (s == "failure" || s == "Failed" || s == "Error" || s.empty()) return Outcome::kFailure;
  if (s == "skipped" || s == "Skipped" || s == "Omitted") return Outcome::kSkipped;
  if (s == "cancelled") return Outcome::kCancelled;
  return std::nullopt;
}

bool read_needs_json(const std::string& path, std::map<std::string, NeedResult>& needs, std::ostream& err) {
  std::ifstream in(path);
  if (!in) {
    err << "error: --needs-json: cannot read " << path << "\n";
    return false;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto v = core::parse_json(text);
  if (!v || !v->is_object()) {
    err << "error: --needs-json: " << path << ": " << (v ? "not a JSON object" : v.error()) << "\n";
    return false;
  }
  for (const auto& [id, entry] : v->as_object()) {
    NeedResult r;
    if (entry.is_object()) {
      for (const auto& [k, e] : entry.as_object()) {
        if (k == "outcome" && e.is_string()) {
          auto o = parse_outcome(e.as_string());
          if (!o) {
            err << "error: --needs-json: " << id << ".outcome: unknown outcome '" << e.as_string() << "'\n";
            return false;
          }
          r.outcome = *o;
        } else if (k == "outputs" && e.is_object()) {
          r.outputs = e;
        }
      }
    }
    needs[id] = r;
  }
  return true;
}

core::Value with_output(const core::Value& outputs, const std::string& name, const std::string& value) {
  core::Value::Object o;
  for (const auto& [k, v] : outputs.as_object())
    if (k != name) o.emplace_back(k, v);
  o.emplace_back(name, value);
  return core::Value(std::move(o));
}

// --needs-json, then --need-outcome and --need over it; nullopt after
// printing what is wrong.
std::optional<std::map<std::string, NeedResult>> parse_needs(const StepArgs& args, const model::Workflow& wf,
                                                             std::ostream& err) {
  std::map<std::string, NeedResult> needs;
  if (!args.needs_json.empty() && !read_needs_json(args.needs_json, needs, err)) return std::nullopt;
  for (const auto& kv : args.need_outcomes) {
    auto eq = kv.find('=');
    auto o = eq == std::string::npos ? std::nullopt : parse_outcome(kv.substr(eq + 1));
    if (!o) {
      err << "error: --need-outcome takes STEP=success|failure|skipped|cancelled (or an Argo phase), not '" << kv
          << "'\n";
      return std::nullopt;
    }
    needs[kv.substr(0, eq)].outcome = *o;
  }
  for (const auto& kv : args.need_outputs) {
    auto dot = kv.find('.');
    auto eq = dot == std::string::npos ? std::string::npos : kv.find('=', dot);
    if (eq == std::string::npos || dot == 0 || eq == dot + 1) {
      err << "error: --need takes STEP.OUTPUT=VALUE, not '" << kv << "'\n";
      return std::nullopt;
    }
    NeedResult& r = needs[kv.substr(0, dot)];
    r.outputs = with_output(r.outputs, kv.substr(dot + 1, eq - dot - 1), kv.substr(eq + 1));
  }
  for (const auto& [id, r] : needs)
    if (!wf.step(id)) {
      err << "error: a need names no step '" << id << "'\n";
      return std::nullopt;
    }
  return needs;
}

// A continue-on-error step's failure that no retry follows: Argo's validation
// refuses continueOn in a DAG that uses depends, and a failed leaf would fail
// the DAG, so the task succeeds and wf-outcome says failure (docs/argo.md).
bool handled_failure(const model::Step& step, const exec::SingleStepEnd& end, int retries) {
  if (end.outcome != Outcome::kFailure || !step.continue_on_error) return false;
  bool retried = retries < step.retry.limit && step.retry.retries(end.failure_class);
  return !retried;
}

int exit_code(const exec::SingleStepEnd& end) {
  switch (end.outcome) {
    case Outcome::kSuccess:
    case Outcome::kSkipped: return 0;
    case Outcome::kCancelled: return 130;
    case Outcome::kFailure: break;
  }
  return core::step_exit_code(end.failure_class);
}

// One file per output (masked, as every sink) plus wf-outcome.
bool write_outputs(const std::string& dir, const exec::SingleStepEnd& end, const core::SecretMasker& masker,
                   std::ostream& err) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream f(fs::path(dir) / name, std::ios::binary | std::ios::trunc);
    f << text;
    return static_cast<bool>(f);
  };
  bool ok = true;
  for (const auto& [name, v] : end.outputs.as_object()) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") continue;
    ok = write(name, masker.mask(v.is_string() ? v.as_string() : core::to_json(v))) && ok;
  }
  ok = write("wf-outcome", exec::outcome_name(end.outcome)) && ok;
  if (!ok) err << "error: cannot write the outputs to " << dir << "\n";
  return ok;
}

}  // namespace

int cmd_step(const Env& env, const StepArgs& args) {
  auto wf = load_checked(args.file, env.registry, env.err);
  if (!wf) return 2;
  if (!wf->step(args.step)) {
    std::vector<std::string> ids;
    for (const auto& s : wf->steps) ids.push_back(s.id);
    env.err << "error: " << core::with_suggestion("no step '" + args.step + "' in " + args.file, args.step, ids) << "\n";
    return 2;
  }
  auto inputs = input_values(*wf, args.inputs, env.err);
  if (!inputs) return 2;
  auto needs = parse_needs(args, *wf, env.err);
  if (!needs) return 2;
  auto secrets = exec::load_secrets(*wf);
  if (!secrets) {
    for (const auto& e : secrets.error()) env.err << "error: " << e << "\n";
    return 2;
  }
  exec::RunOptions options;
  options.state_dir = args.state_dir;
  options.inputs = *inputs;
  options.secrets = *secrets;
  options.git = git_context(*wf);
  options.stop = default_stop_policy();
  options.base_env = process_environment();

  core::SecretMasker masker;
  for (const auto& [name, value] : options.secrets.as_object()) masker.add(value.as_string());
  PlainPrinter printer(stdout);
  core::CancelToken cancel;
  SignalWatcher signals(cancel, nullptr);
  RealServices services;
  exec::ExecutorDeps deps = services.deps(env.registry, masker, cancel);
  deps.observers = {&printer};

  exec::SingleStepOptions opts{args.step, args.run_id, std::move(*needs)};
  if (!args.matrix.empty()) {
    auto m = core::parse_json(args.matrix);
    if (!m || !m->is_object()) {
      env.err << "error: --matrix takes a JSON object (one instance's values), not '" << args.matrix << "'\n";
      return 2;
    }
    opts.matrix = *m;
  }
  auto end = exec::run_single_step(*wf, options, opts, deps);
  adapters::stop_orphans(std::min(options.stop.terminate_grace, core::Millis(2000)));
  if (!end) {
    env.err << "error: " << masker.mask(end.error()) << "\n";
    return 2;
  }
  if (!args.outputs_dir.empty() && !write_outputs(args.outputs_dir, *end, masker, env.err)) return 1;
  if (handled_failure(*wf->step(args.step), *end, args.retries)) {
    std::printf("wf: step %s: continue-on-error: the failure does not fail the workflow (exit 0)\n",
                args.step.c_str());
    return 0;
  }
  return exit_code(*end);
}

}  // namespace wf::cli
