// One step, all its attempts: resolve the definition, run the step type,
// classify, retry by policy with backoff, enforce timeouts.

#include <sys/stat.h>

#include <filesystem>

#include "runner/core/files.h"
#include "runner/core/json.h"
#include "runner/exec/backoff.h"
#include "runner/exec/resolve_step.h"
#include "runner/exec/run_state.h"
#include "runner/exec/step_files.h"
#include "runner/exec/step_log.h"
#include "runner/model/resolve.h"

namespace wf::exec::detail {

namespace fs = std::filesystem;
using step_api::StepResult;

namespace {

using Prepared = ResolvedStep;

// The attempt's definition; an error becomes the step's failure.
struct PreparedOrError {
  Prepared p;
  std::string error;
};

PreparedOrError prepare(RunShared& run, const StepJob& job, int attempt) {
  auto r = resolve_step(*run.wf, *job.state->step, *run.deps->registry, job.values ? *job.values : run.values,
                        job.steps_context, attempt,
                        run.options->base_env, job.state->matrix);
  if (!r) return {{}, r.error()};
  apply_exports(job.inherited, *job.state->step, r->env);
  const core::StepSchema& schema = run.deps->registry->find(job.state->step->uses)->schema();
  if (std::string missing = missing_path(*job.state->step, schema, *r); !missing.empty()) return {{}, missing};
  return {std::move(*r), {}};
}

struct AttemptOutcome {
  AttemptRecord record;
  StepResult result;
  Value exports;             // what its $GITHUB_ENV / $GITHUB_PATH set
  std::string step_summary;  // its $GITHUB_STEP_SUMMARY, masked
};

// The limit that ends an attempt first: its own `timeout`, or what is left of
// the step's `timeout-total`.
struct Deadline {
  Clock::TimePoint at;
  std::string what;   // "timed out after 5m (timeout)", "... (timeout-total)"
};

AttemptOutcome run_attempt(RunShared& run, StepJob& job, Prepared& p, int attempt,
                           const std::optional<Deadline>& deadline) {
  const model::Step& step = *job.state->step;
  const std::string& id = job.state->id;
  const step_api::StepType* type = run.deps->registry->find(step.uses);
  // Scratch files ($WF_OUTPUT and friends) hold values before masking:
  // only the user may enter the folders that hold them (open_run made
  // steps/ the same way).
  std::string step_dir = run.run_dir + "/steps/" + job.state->file_key;
  std::string attempt_dir = step_dir + "/" + std::to_string(attempt);
  ::mkdir(step_dir.c_str(), 0700);  // exists from an earlier attempt: fine
  ::mkdir(attempt_dir.c_str(), 0700);
  AttemptOutcome out;
  out.record.attempt = attempt;
  out.record.log_file =
      (fs::path(run.run_dir) / "logs" / (job.state->file_key + "." + std::to_string(attempt) + ".log")).string();

  run.journal->append(Value(Value::Object{
      {"event", "attempt_started"}, {"step", id}, {"attempt", attempt}, {"definition_hash", p.hash}}),
                      Journal::Sync::kLater);
  AttemptStart as{id, step.uses, attempt, 1 + step.retry.limit, out.record.log_file,
                  step.name != step.id ? step.name : std::string(), p.working_directory};
  run.notify([&](RunObserver& o) { o.attempt_started(as); });
  if (core::log::enabled(core::log::Level::kDebug))
    core::log::debug("step " + step.id + " attempt " + std::to_string(attempt) + " of " +
                     std::to_string(1 + step.retry.limit) + " starting (" + step.uses + ")" +
                     (deadline ? ", deadline: " + deadline->what.substr(deadline->what.find("after") + 6) : ""));

  AttemptLog log(*run.deps->masker, out.record.log_file, [&](step_api::StepLog::Stream s, std::string_view line) {
    run.notify([&](RunObserver& o) { o.step_line(id, s, line); });
  }, [&](std::string_view value) { run.notify([&](RunObserver& o) { o.secret_added(value); }); });
  core::CancelToken attempt_cancel;
  core::CancelRegistration follow(*job.cancel, [&] { attempt_cancel.cancel(); });
  Clock& clock = *run.deps->clock;
  std::unique_ptr<core::Timer> watchdog;
  if (deadline) watchdog = clock.call_at(deadline->at, [&] { attempt_cancel.cancel(); });

  bool follows_hard = run.deps->hard_cancel && job.cancel == run.deps->hard_cancel;
  StepServices services{&log, run.deps->processes, run.deps->http, run.deps->git, &attempt_cancel, &clock,
                        follows_hard && run.options->hard_stop ? *run.options->hard_stop : run.options->stop};
  step_api::StepContext ctx = make_step_context(*run.wf, step, p, attempt, attempt_dir, services);
  ctx.step_id = id;  // an instance of a matrix step: "deploy (a, us)"
  ctx.env["WF_RUN_ID"] = run.values.run_id;
  ctx.env["WF_STEP"] = step.id;
  ctx.env["WF_ATTEMPT"] = std::to_string(attempt);
  ctx.env["WF_RUN_DIR"] = run.run_dir;
  if (!prepare_step_files(attempt_dir, ctx.env)) log.info("warning: cannot create the step's $GITHUB_ENV files in " + attempt_dir);

  auto started = clock.now();
  out.record.start = std::chrono::duration_cast<Millis>(started - run.started);
  try {
    out.result = type->run(ctx);
  } catch (const std::exception& e) {
    out.result = StepResult::failure(core::FailureClass::kPermanent, std::string("internal error: ") + e.what());
  }
  bool timed_out = watchdog && watchdog->fired();
  watchdog.reset();  // waits for a timeout that is cancelling right now
  out.record.duration = std::chrono::duration_cast<Millis>(clock.now() - started);
  StepFileContents files = read_step_files(attempt_dir);
  for (const auto& e : files.errors) log.info("warning: " + e);
  out.exports = std::move(files.exports);
  out.step_summary = run.deps->masker->mask(files.summary);
  // The scratch directory may hold unmasked values (a run step's $WF_OUTPUT):
  // nothing under .wf/ keeps a secret.
  core::remove_tree(attempt_dir);
  if (!out.result.ok) {
    if (timed_out) {
      out.result.failure_class = core::FailureClass::kTimeout;
      out.result.summary = deadline->what;
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
                                          {"step", id},
                                          {"attempt", attempt},
                                          {"ok", out.record.ok},
                                          {"class", out.record.ok ? Value() : Value(core::failure_class_name(out.record.failure_class))},
                                          {"summary", out.record.summary},
                                          {"duration_ms", static_cast<double>(out.record.duration.count())}}),
                      Journal::Sync::kLater);
  return out;
}

std::optional<Deadline> attempt_deadline(const model::Step& step, Clock::TimePoint now,
                                         const std::optional<Clock::TimePoint>& total) {
  std::optional<Deadline> d;
  if (total) d = Deadline{*total, "timed out after " + core::format_duration(*step.timeout_total) + " (timeout-total)"};
  if (step.timeout && (!d || now + *step.timeout < d->at))
    d = Deadline{now + *step.timeout, "timed out after " + core::format_duration(*step.timeout) + " (timeout)"};
  return d;
}

// The journal is masked: an output that held a secret reads back as "***"
// and cannot be restored, so such a step runs again on resume.
bool holds_masked_value(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kString: return v.as_string().find("***") != std::string::npos;
    case Value::Kind::kArray:
      for (const auto& e : v.as_array())
        if (holds_masked_value(e)) return true;
      return false;
    case Value::Kind::kObject:
      for (const auto& [k, e] : v.as_object())
        if (holds_masked_value(e)) return true;
      return false;
    default: return false;
  }
}

// The retry decision in wf's debug log: the attempt's class and what follows.
void log_retry_decision(const std::string& id, const model::Step& step, int attempt, core::FailureClass cls, bool cancelled, bool retry,
                        Millis delay, const std::string& why_not) {
  std::string head = "step " + id + " attempt " + std::to_string(attempt) + " failed (" +
                     core::failure_class_name(cls) + "): ";
  std::string decision;
  if (retry)
    decision = "retry " + std::to_string(attempt) + " of " + std::to_string(step.retry.limit) + " in " +
               std::to_string(delay.count()) + "ms";
  else if (cancelled)
    decision = "no retry: cancelled";
  else if (attempt > step.retry.limit)
    decision = "no retry left (retry.limit " + std::to_string(step.retry.limit) + ")";
  else if (!step.retry.retries(cls))
    decision = std::string("no retry: retry.when does not take ") + core::failure_class_name(cls);
  else
    decision = "no retry" + why_not;
  core::log::debug(head + decision);
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
  s.start = std::chrono::duration_cast<Millis>(started - run.started);
  std::optional<Clock::TimePoint> total;
  if (step.timeout_total) total = started + *step.timeout_total;
  const auto& random01 = run.deps->random01 ? run.deps->random01 : std::function<double()>(default_random01);

  for (int attempt = 1;; ++attempt) {
    auto [p, error] = prepare(run, job, attempt);
    if (!error.empty()) {
      finish_with(s, Outcome::kFailure, run.deps->masker->mask(error));
      break;
    }
    if (attempt == 1) {
      s.definition_hash = p.hash;
      if (job.previous && job.previous->outcome == "success" && job.previous->definition_hash == p.hash &&
          !holds_masked_value(job.previous->outputs) && !holds_masked_value(job.previous->exports)) {
        s.reused = true;
        if (core::log::enabled(core::log::Level::kDebug))
          core::log::debug("step " + step.id + " reused: it succeeded with the same definition in the resumed run");
        s.outputs = job.previous->outputs.is_object() ? job.previous->outputs : Value(Value::Object{});
        s.exports = job.previous->exports;
        finish_with(s, Outcome::kSuccess, "");
        break;
      }
    }
    AttemptOutcome a = run_attempt(run, job, p, attempt, attempt_deadline(step, clock.now(), total));
    s.attempts.push_back(a.record);
    s.step_summary = a.step_summary;
    if (a.result.ok) {
      s.exports = a.exports;
      Value::Object outputs;
      for (auto& [k, v] : a.result.outputs) outputs.emplace_back(k, v);
      s.outputs = Value(std::move(outputs));
      s.links = a.result.links;
      finish_with(s, Outcome::kSuccess, a.record.summary);
      AttemptEnd ae{s.id, attempt, true, {}, a.record.summary, a.record.duration, std::nullopt};
      run.notify([&](RunObserver& o) { o.attempt_finished(ae); });
      break;
    }
    core::FailureClass cls = a.record.failure_class;
    bool cancelled = cls == core::FailureClass::kCancelled || job.cancel->cancelled();
    bool retry = !cancelled && attempt <= step.retry.limit && step.retry.retries(cls);
    Millis delay = retry ? backoff_delay(step.retry.backoff, attempt + 1, a.result.retry_after, random01) : Millis(0);
    std::string why_not;
    if (retry && total && clock.now() + delay >= *total) {
      retry = false;
      why_not = " (timeout-total leaves no time for another attempt)";
    }
    if (core::log::enabled(core::log::Level::kDebug))
      log_retry_decision(s.id, step, attempt, cls, cancelled, retry, delay, why_not);
    AttemptEnd ae{s.id, attempt, false, cls, a.record.summary, a.record.duration,
                  retry ? std::optional<Millis>(delay) : std::nullopt};
    run.notify([&](RunObserver& o) { o.attempt_finished(ae); });
    s.links = a.result.links;  // a failed remote run's URL matters most
    if (retry) s.attempts.back().retry_delay = delay;
    if (cancelled) {
      finish_with(s, Outcome::kCancelled, a.record.summary);
      break;
    }
    if (!retry) {
      finish_with(s, Outcome::kFailure, a.record.summary + why_not);
      break;
    }
    if (!clock.sleep_until(clock.now() + delay, *job.cancel)) {
      core::log::debug("step " + step.id + ": cancelled while waiting to retry");
      finish_with(s, Outcome::kCancelled, "cancelled while waiting to retry");
      break;
    }
  }
  s.duration = std::chrono::duration_cast<Millis>(clock.now() - started);
}

}  // namespace wf::exec::detail
