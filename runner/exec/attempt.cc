// One step, all its attempts: resolve the definition, run the step type,
// classify, retry by policy with backoff, enforce timeouts.

#include <condition_variable>
#include <filesystem>
#include <thread>

#include "runner/core/json.h"
#include "runner/exec/backoff.h"
#include "runner/exec/run_state.h"
#include "runner/exec/script.h"
#include "runner/exec/step_log.h"
#include "runner/model/resolve.h"

namespace wf::exec::detail {

namespace fs = std::filesystem;
using step_api::StepResult;

std::string definition_hash(const std::string& text) {
  // FNV-1a, 64 bits: stable across runs and builds, enough to notice a change.
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

namespace {

/// Cancels `target` (and sets `fired`) when the real-time deadline passes,
/// unless destroyed first.
class Watchdog {
 public:
  Watchdog(std::optional<std::chrono::steady_clock::time_point> deadline, core::CancelToken& target)
      : target_(target) {
    if (!deadline) return;
    thread_ = std::thread([this, d = *deadline] {
      std::unique_lock<std::mutex> lock(mu_);
      if (cv_.wait_until(lock, d, [this] { return done_; })) return;
      fired_ = true;
      lock.unlock();
      target_.cancel();
    });
  }
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  bool fired() {
    std::lock_guard<std::mutex> lock(mu_);
    return fired_;
  }

 private:
  core::CancelToken& target_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  bool fired_ = false;
  std::thread thread_;
};

// A step's definition resolved for one attempt.
struct Prepared {
  Value with = Value(Value::Object{});
  std::map<std::string, std::string> env;
  std::string working_directory;
  std::string hash;
  std::string error;   // set: the definition could not be resolved (permanent)
};

std::string absolute_dir(const model::Workflow& wf, const std::optional<std::string>& dir) {
  if (!dir || dir->empty()) return wf.dir;
  fs::path p(*dir);
  return (p.is_absolute() ? p : fs::path(wf.dir) / p).lexically_normal().string();
}

// Resolves with/env/script for `attempt`; an error leaves Prepared::error set.
Prepared prepare(RunShared& run, const StepJob& job, int attempt) {
  const model::Step& step = *job.state->step;
  const core::StepSchema& schema = run.deps->registry->find(step.uses)->schema();
  Prepared p;
  expr::EvalContext ctx;
  ctx.hash_files_root = run.wf->dir;
  ctx.named_values = step_named_values(run.values, job.steps_context, Value(Value::Object{}), attempt);
  auto step_env = resolve_env(step.env, ctx);
  if (!step_env) {
    p.error = step_env.error();
    return p;
  }
  ctx.named_values = step_named_values(run.values, job.steps_context, *step_env, attempt);

  std::map<std::string, std::string> script_env;
  for (const auto& [name, param] : step.with) {
    const core::ParamSpec* spec = schema.find(name);
    auto tmpl = param.templates.find("");
    if (spec && spec->script && tmpl != param.templates.end() && tmpl->second.has_expressions()) {
      auto script = render_script(tmpl->second, ctx);
      if (!script) {
        p.error = param.loc.str() + ": " + name + ": " + script.error().message;
        return p;
      }
      p.with = p.with.with(name, script->text);
      script_env.insert(script->env.begin(), script->env.end());
      continue;
    }
    auto v = model::resolve_param(param, ctx);
    if (!v) {
      p.error = v.error().loc.str() + ": " + name + ": " + v.error().message;
      return p;
    }
    p.with = p.with.with(name, *v);
  }
  if (step.shell && schema.find("shell") && !p.with.find("shell")) p.with = p.with.with("shell", *step.shell);
  for (const auto& spec : schema.params) {
    const Value* v = p.with.find(spec.name);
    if (!v && !spec.default_value.is_null()) p.with = p.with.with(spec.name, spec.default_value);
    if (v && !v->is_null()) {
      std::string problem = core::check_param_value(spec, *v);
      if (!problem.empty()) {
        p.error = step.loc.str() + ": with." + spec.name + ": " + problem;
        return p;
      }
    }
  }
  if (!script_env.empty()) {
    const Value* shell = p.with.find("shell");
    std::string sh = shell && shell->is_string() ? shell->as_string() : "bash";
    if (!is_posix_shell(sh)) {
      p.error = step.loc.str() + ": expressions in a '" + sh + "' script are not supported; pass values through env:";
      return p;
    }
  }

  p.env = run.options->base_env;
  for (const auto& [k, v] : run.values.env.as_object()) p.env[k] = v.as_string();
  for (const auto& [k, v] : step_env->as_object()) p.env[k] = v.as_string();
  for (const auto& [k, v] : script_env) p.env[k] = v;
  p.working_directory = absolute_dir(*run.wf, step.working_directory);
  // The hash covers what the step would do, not which attempt it is.
  std::string def = step.uses + "\n" + core::to_json(p.with) + "\n" + core::to_json(*step_env) + "\n" +
                    p.working_directory;
  for (const auto& [k, v] : script_env) def += "\n" + k + "=" + v;
  p.hash = definition_hash(def);
  return p;
}

struct AttemptOutcome {
  AttemptRecord record;
  StepResult result;
};

AttemptOutcome run_attempt(RunShared& run, StepJob& job, Prepared& p, int attempt,
                           std::optional<std::chrono::steady_clock::time_point> deadline) {
  const model::Step& step = *job.state->step;
  const step_api::StepType* type = run.deps->registry->find(step.uses);
  std::string attempt_dir = (fs::path(run.run_dir) / "steps" / step.id / std::to_string(attempt)).string();
  std::error_code ec;
  fs::create_directories(attempt_dir, ec);
  AttemptOutcome out;
  out.record.attempt = attempt;
  out.record.log_file = (fs::path(run.run_dir) / "logs" / (step.id + "." + std::to_string(attempt) + ".log")).string();

  run.journal->append(Value(Value::Object{
      {"event", "attempt_started"}, {"step", step.id}, {"attempt", attempt}, {"definition_hash", p.hash}}));
  AttemptStart as{step.id, step.uses, attempt, 1 + step.retry.limit, out.record.log_file};
  run.notify([&](RunObserver& o) { o.attempt_started(as); });

  AttemptLog log(*run.deps->masker, out.record.log_file, [&](step_api::StepLog::Stream s, std::string_view line) {
    run.notify([&](RunObserver& o) { o.step_line(step.id, s, line); });
  });
  core::CancelToken attempt_cancel;
  core::CancelRegistration follow(*job.cancel, [&] { attempt_cancel.cancel(); });
  Watchdog watchdog(deadline, attempt_cancel);

  step_api::StepContext ctx;
  ctx.workflow_file = run.wf->file;
  ctx.step_id = step.id;
  ctx.attempt = attempt;
  ctx.with = p.with;
  ctx.env = p.env;
  ctx.env["WF_RUN_ID"] = run.values.run_id;
  ctx.env["WF_STEP"] = step.id;
  ctx.env["WF_ATTEMPT"] = std::to_string(attempt);
  ctx.env["WF_RUN_DIR"] = run.run_dir;
  ctx.working_directory = p.working_directory;
  ctx.attempt_dir = attempt_dir;
  ctx.log = &log;
  ctx.processes = run.deps->processes;
  ctx.cancel = &attempt_cancel;
  ctx.stop = run.options->stop;

  auto started = run.deps->clock->now();
  try {
    out.result = type->run(ctx);
  } catch (const std::exception& e) {
    out.result = StepResult::failure(core::FailureClass::kPermanent, std::string("internal error: ") + e.what());
  }
  out.record.duration = std::chrono::duration_cast<Millis>(run.deps->clock->now() - started);
  if (!out.result.ok) {
    if (watchdog.fired()) {
      out.result.failure_class = core::FailureClass::kTimeout;
      out.result.summary = "timed out after " + core::format_duration(*(step.timeout ? step.timeout : step.timeout_total));
    } else if (job.cancel->cancelled()) {
      out.result.failure_class = core::FailureClass::kCancelled;
      if (out.result.summary.empty()) out.result.summary = "cancelled";
    } else if (auto declared = core::parse_failure_class(log.declared_failure_class())) {
      out.result.failure_class = *declared;
    }
  }
  out.record.ok = out.result.ok;
  out.record.failure_class = out.result.failure_class;
  out.record.summary = run.deps->masker->mask(out.result.summary);
  run.journal->append(Value(Value::Object{{"event", "attempt_finished"},
                                          {"step", step.id},
                                          {"attempt", attempt},
                                          {"ok", out.record.ok},
                                          {"class", out.record.ok ? Value() : Value(core::failure_class_name(out.record.failure_class))},
                                          {"summary", out.record.summary},
                                          {"duration_ms", static_cast<double>(out.record.duration.count())}}));
  return out;
}

std::optional<std::chrono::steady_clock::time_point> attempt_deadline(
    const model::Step& step, std::optional<std::chrono::steady_clock::time_point> total) {
  std::optional<std::chrono::steady_clock::time_point> d = total;
  if (step.timeout) {
    auto t = std::chrono::steady_clock::now() + *step.timeout;
    if (!d || t < *d) d = t;
  }
  return d;
}

void finish_with(StepState& s, Outcome outcome, std::string reason) {
  s.outcome = outcome;
  s.reason = std::move(reason);
}

}  // namespace

void run_step(RunShared& run, StepJob& job) {
  StepState& s = *job.state;
  const model::Step& step = *s.step;
  Clock& clock = *run.deps->clock;
  auto started = clock.now();
  std::optional<std::chrono::steady_clock::time_point> total;
  if (step.timeout_total) total = std::chrono::steady_clock::now() + *step.timeout_total;
  const auto& random01 = run.deps->random01 ? run.deps->random01 : std::function<double()>(default_random01);

  for (int attempt = 1;; ++attempt) {
    Prepared p = prepare(run, job, attempt);
    if (!p.error.empty()) {
      finish_with(s, Outcome::kFailure, run.deps->masker->mask(p.error));
      break;
    }
    if (attempt == 1) {
      s.definition_hash = p.hash;
      if (job.previous && job.previous->outcome == "success" && job.previous->definition_hash == p.hash) {
        s.reused = true;
        s.outputs = job.previous->outputs.is_object() ? job.previous->outputs : Value(Value::Object{});
        finish_with(s, Outcome::kSuccess, "succeeded in the resumed run with the same definition");
        break;
      }
    }
    AttemptOutcome a = run_attempt(run, job, p, attempt, attempt_deadline(step, total));
    s.attempts.push_back(a.record);
    if (a.result.ok) {
      Value::Object outputs;
      for (auto& [k, v] : a.result.outputs) outputs.emplace_back(k, v);
      s.outputs = Value(std::move(outputs));
      s.links = a.result.links;
      finish_with(s, Outcome::kSuccess, a.record.summary);
      AttemptEnd ae{step.id, attempt, true, {}, a.record.summary, a.record.duration, std::nullopt};
      run.notify([&](RunObserver& o) { o.attempt_finished(ae); });
      break;
    }
    core::FailureClass cls = a.record.failure_class;
    bool cancelled = cls == core::FailureClass::kCancelled || job.cancel->cancelled();
    bool retry = !cancelled && attempt <= step.retry.limit && step.retry.retries(cls);
    Millis delay = retry ? backoff_delay(step.retry.backoff, attempt + 1, a.result.retry_after, random01) : Millis(0);
    std::string why_not;
    if (retry && total && std::chrono::steady_clock::now() + delay >= *total) {
      retry = false;
      why_not = " (timeout-total leaves no time for another attempt)";
    }
    AttemptEnd ae{step.id, attempt, false, cls, a.record.summary, a.record.duration,
                  retry ? std::optional<Millis>(delay) : std::nullopt};
    run.notify([&](RunObserver& o) { o.attempt_finished(ae); });
    if (cancelled) {
      finish_with(s, Outcome::kCancelled, a.record.summary);
      break;
    }
    if (!retry) {
      finish_with(s, Outcome::kFailure, a.record.summary + why_not);
      break;
    }
    if (!clock.sleep_until(clock.now() + delay, *job.cancel)) {
      finish_with(s, Outcome::kCancelled, "cancelled while waiting to retry");
      break;
    }
  }
  s.duration = std::chrono::duration_cast<Millis>(clock.now() - started);
}

}  // namespace wf::exec::detail
