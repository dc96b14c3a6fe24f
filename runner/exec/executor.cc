// The scheduler: which step runs when, and what a failure or a cancel does to
// the steps not started yet. How one step's attempts run is attempt.cc.

#include "runner/exec/executor.h"

#include <algorithm>
#include <filesystem>

#include "runner/core/json.h"
#include "runner/core/strings.h"
#include "runner/exec/backoff.h"
#include "runner/exec/run_state.h"
#include "runner/graph/dag.h"
#include "runner/model/resolve.h"

namespace wf::exec {

namespace fs = std::filesystem;
using detail::RunShared;
using detail::StepJob;
using detail::StepState;
using Phase = StepState::Phase;

namespace {

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\n");
  size_t e = s.find_last_not_of(" \t\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::chrono::milliseconds since(Clock& clock, Clock::TimePoint start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start);
}

class Scheduler {
 public:
  Scheduler(RunShared& run, const JournalState* previous) : run_(run), previous_(previous) {
    const auto& wf = *run.wf;
    needs_ = graph::need_indexes(wf);
    for (size_t i = 0; i < wf.steps.size(); ++i) {
      StepState s;
      s.step = &wf.steps[i];
      s.index = i;
      states_.push_back(std::move(s));
    }
    select_only();
    jobs_ = run.options->jobs > 0 ? run.options->jobs : std::max(1u, std::thread::hardware_concurrency());
  }

  /// Runs the loop until every step is done; joins every thread.
  void run() {
    // A cancelled run still lets always()/cancelled() steps run; they follow
    // only a second, hard cancel (the caller's second Ctrl-C).
    core::CancelRegistration wake(*run_.deps->cancel, [this] {
      std::lock_guard<std::mutex> l(mu_);
      cv_.notify_all();
    });
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      start_ready(lock);
      bool pending = std::any_of(states_.begin(), states_.end(), [](const StepState& s) { return s.phase != Phase::kDone; });
      if (!pending) break;
      cv_.wait(lock);
    }
    lock.unlock();
    for (auto& t : threads_) t.join();
  }

  std::vector<StepState>& states() { return states_; }

  /// The workflow's `outputs:` against the final state of every step.
  std::vector<std::pair<std::string, std::string>> workflow_outputs() {
    std::vector<std::pair<std::string, std::string>> out;
    expr::EvalContext ctx;
    ctx.named_values = step_named_values(run_.values, steps_context(), Value(Value::Object{}), 1);
    ctx.hash_files_root = run_.wf->dir;
    for (const auto& [name, param] : run_.wf->outputs) {
      auto v = model::resolve_param(param, ctx);
      std::string text = v ? (v->is_string() ? v->as_string() : core::to_json(*v)) : "";
      out.emplace_back(name, run_.deps->masker->mask(text));
    }
    return out;
  }
  bool any_failure() const { return failed_; }

 private:
  void select_only() {
    if (run_.options->only.empty()) return;
    std::set<size_t> keep;
    for (const auto& id : run_.options->only) {
      for (size_t i = 0; i < states_.size(); ++i) {
        if (states_[i].step->id != id) continue;
        keep.insert(i);
        auto before = graph::transitive_needs(*run_.wf, i);
        keep.insert(before.begin(), before.end());
      }
    }
    for (auto& s : states_) s.selected = keep.count(s.index) > 0;
  }

  bool needs_done(const StepState& s) const {
    for (size_t n : needs_[s.index])
      if (states_[n].phase != Phase::kDone) return false;
    return true;
  }

  int running() const {
    return static_cast<int>(std::count_if(states_.begin(), states_.end(),
                                          [](const StepState& s) { return s.phase == Phase::kRunning; }));
  }

  // Starts (or settles without running) every pending step whose needs are
  // done, in file order, while there is a free worker.
  void start_ready(std::unique_lock<std::mutex>& lock) {
    bool progress = true;
    while (progress) {
      progress = false;
      for (auto& s : states_) {
        if (s.phase != Phase::kPending || !needs_done(s)) continue;
        auto verdict = decide(s);
        if (!verdict.run) {
          settle(s, verdict.outcome, verdict.reason);
          progress = true;
          continue;
        }
        if (running() >= jobs_) return;
        start(s);
        progress = true;
      }
    }
  }

  struct Verdict {
    bool run = true;
    Outcome outcome = Outcome::kSkipped;
    std::string reason;
  };

  static Verdict skip(std::string reason) { return {false, Outcome::kSkipped, std::move(reason)}; }

  bool need_ok(const StepState& n) const {
    return n.outcome == Outcome::kSuccess || (n.outcome == Outcome::kFailure && n.step->continue_on_error);
  }

  // Whether any transitive need failed (for failure()).
  bool ancestor_failed(const StepState& s) const {
    for (size_t i : graph::transitive_needs(*run_.wf, s.index))
      if (states_[i].outcome == Outcome::kFailure && !states_[i].step->continue_on_error) return true;
    return false;
  }

  Verdict decide(const StepState& s) {
    const model::Step& step = *s.step;
    if (!s.selected) return skip("not selected by --only");
    bool cancelled = run_.deps->cancel->cancelled();
    bool status_fn = step.if_ && step.if_->uses_status_function();
    if (!status_fn) {
      if (cancelled) return skip("the run was cancelled before it started");
      if (failed_ && !run_.options->keep_going)
        return skip("not started: step '" + first_failure_ + "' failed (--keep-going runs independent steps)");
      for (size_t n : needs_[s.index])
        if (!need_ok(states_[n]))
          return skip("needs '" + states_[n].step->id + "', which ended " + outcome_name(states_[n].outcome));
      if (!step.if_) return {};
    }
    expr::EvalContext ctx;
    ctx.named_values = step_named_values(run_.values, steps_context(), Value(Value::Object{}), 1);
    ctx.status = cancelled ? expr::JobStatus::kCancelled
                           : ancestor_failed(s) ? expr::JobStatus::kFailure : expr::JobStatus::kSuccess;
    ctx.hash_files_root = run_.wf->dir;
    auto r = expr::evaluate_condition(*step.if_, ctx);
    if (!r) return {false, Outcome::kFailure, step.if_loc.str() + ": if: " + r.error().message};
    if (!*r) return skip("if: " + trimmed(step.if_->text()) + " is false");
    return {};
  }

  Value steps_context() const {
    Value::Object out;
    for (const auto& s : states_) {
      if (s.phase != Phase::kDone) continue;
      const char* conclusion = s.outcome == Outcome::kFailure && s.step->continue_on_error ? "success"
                                                                                            : outcome_name(s.outcome);
      out.emplace_back(s.step->id, Value(Value::Object{{"outputs", s.outputs},
                                                       {"outcome", outcome_name(s.outcome)},
                                                       {"conclusion", conclusion}}));
    }
    return Value(std::move(out));
  }

  // Records a step that ends without running (skipped, or an if: error).
  void settle(StepState& s, Outcome outcome, const std::string& reason) {
    s.phase = Phase::kDone;
    s.outcome = outcome;
    s.reason = run_.deps->masker->mask(reason);
    if (outcome == Outcome::kFailure) note_failure(s);
    finished(s);
  }

  void note_failure(const StepState& s) {
    if (s.outcome != Outcome::kFailure || s.step->continue_on_error) return;
    if (!failed_) first_failure_ = s.step->id;
    failed_ = true;
  }

  void start(StepState& s) {
    s.phase = Phase::kRunning;
    auto job = std::make_shared<StepJob>();
    job->state = &s;
    job->steps_context = steps_context();
    // Steps started after a cancel (always()/cancelled()) follow only the hard cancel.
    job->cancel = !run_.deps->cancel->cancelled() ? run_.deps->cancel
                  : run_.deps->hard_cancel     ? run_.deps->hard_cancel
                                               : &never_;
    if (previous_) {
      auto it = previous_->steps.find(s.step->id);
      if (it != previous_->steps.end()) job->previous = &it->second;
    }
    threads_.emplace_back([this, job] {
      detail::run_step(run_, *job);
      std::lock_guard<std::mutex> l(mu_);
      job->state->phase = Phase::kDone;
      note_failure(*job->state);
      finished(*job->state);
      cv_.notify_all();
    });
  }

  // Journals and reports a finished step (called with mu_ held).
  void finished(const StepState& s) {
    Value outputs = run_.masked(s.outputs);
    run_.journal->append(Value(Value::Object{{"event", "step_finished"},
                                             {"step", s.step->id},
                                             {"outcome", outcome_name(s.outcome)},
                                             {"definition_hash", s.definition_hash},
                                             {"outputs", outputs},
                                             {"attempts", static_cast<int>(s.attempts.size())},
                                             {"reason", s.reason},
                                             {"reused", s.reused}}));
    StepEnd end = step_end(s, run_);
    run_.notify([&](RunObserver& o) { o.step_finished(end); });
  }

 public:
  static StepEnd step_end(const StepState& s, const RunShared& run) {
    StepEnd e;
    e.step_id = s.step->id;
    e.outcome = s.outcome;
    e.continue_on_error = s.step->continue_on_error && s.outcome == Outcome::kFailure;
    e.reason = s.reason;
    e.attempts = static_cast<int>(s.attempts.size());
    e.duration = s.duration;
    e.outputs = run.masked(s.outputs);
    e.links = s.links;
    e.reused = s.reused;
    return e;
  }



 private:
  RunShared& run_;
  const JournalState* previous_;
  std::vector<std::vector<size_t>> needs_;
  std::vector<StepState> states_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  int jobs_ = 1;
  bool failed_ = false;
  std::string first_failure_;
  core::CancelToken never_;  // for always() steps after a cancel when there is no hard cancel
};

Value outputs_json(const std::vector<std::pair<std::string, std::string>>& outputs) {
  Value::Object o;
  for (const auto& [k, v] : outputs) o.emplace_back(k, v);
  return Value(std::move(o));
}

Value report_json(const RunShared& run, const std::vector<StepState>& states, const RunEnd& end) {
  Value::Array steps;
  for (const auto& s : states) {
    Value::Array attempts;
    for (const auto& a : s.attempts)
      attempts.push_back(Value(Value::Object{{"attempt", a.attempt},
                                             {"ok", a.ok},
                                             {"class", a.ok ? Value() : Value(core::failure_class_name(a.failure_class))},
                                             {"summary", a.summary},
                                             {"duration_ms", static_cast<double>(a.duration.count())},
                                             {"log", a.log_file}}));
    Value::Array links;
    for (const auto& [title, url] : s.links) links.push_back(Value(Value::Object{{"title", title}, {"url", url}}));
    steps.push_back(Value(Value::Object{{"id", s.step->id},
                                        {"uses", s.step->uses},
                                        {"outcome", outcome_name(s.outcome)},
                                        {"continue_on_error", s.step->continue_on_error},
                                        {"reason", s.reason},
                                        {"reused", s.reused},
                                        {"duration_ms", static_cast<double>(s.duration.count())},
                                        {"attempts", Value(std::move(attempts))},
                                        {"outputs", run.masked(s.outputs)},
                                        {"links", Value(std::move(links))}}));
  }
  return Value(Value::Object{{"run_id", end.run_id},
                             {"workflow", run.values.workflow},
                             {"file", run.wf->file},
                             {"ok", end.ok},
                             {"cancelled", end.cancelled},
                             {"exit_code", end.exit_code},
                             {"duration_ms", static_cast<double>(end.duration.count())},
                             {"inputs", run.masked(run.values.inputs)},
                             {"outputs", outputs_json(end.outputs)},
                             {"steps", Value(std::move(steps))}});
}

}  // namespace

Value detail::RunShared::masked(const Value& v) const {
  switch (v.kind()) {
    case Value::Kind::kString: return Value(deps->masker->mask(v.as_string()));
    case Value::Kind::kArray: {
      Value::Array out;
      for (const auto& e : v.as_array()) out.push_back(masked(e));
      return Value(std::move(out));
    }
    case Value::Kind::kObject: {
      Value::Object out;
      for (const auto& [k, e] : v.as_object()) out.emplace_back(k, masked(e));
      return Value(std::move(out));
    }
    default: return v;
  }
}

namespace {

// Reads the run being resumed, if any.
core::Expected<std::optional<JournalState>, std::string> previous_run(const std::string& state_dir,
                                                                      const RunOptions& options) {
  if (!options.resume) return std::optional<JournalState>();
  auto dir = find_resumable_run(state_dir, options.resume_id);
  if (!dir) {
    if (!options.resume_id.empty()) return core::unexpected("no run '" + options.resume_id + "' under " + state_dir + "/runs");
    // Nothing recorded yet (even a run killed before its journal existed):
    // resuming is running.
    return std::optional<JournalState>();
  }
  auto j = read_journal(*dir + "/journal.jsonl");
  if (!j) return core::unexpected("cannot resume " + *dir + ": " + j.error());
  return std::optional<JournalState>(std::move(*j));
}

}  // namespace

core::Expected<RunEnd, std::string> run_workflow(const model::Workflow& wf, const RunOptions& options,
                                                 const ExecutorDeps& deps) {
  std::string state_dir = options.state_dir.empty() ? (fs::path(wf.dir) / ".wf").string() : options.state_dir;
  std::string run_id = new_run_id();
  auto lock = StateLock::acquire(state_dir, run_id, options.wait_lock);
  if (!lock) return core::unexpected(lock.error());
  auto previous = previous_run(state_dir, options);
  if (!previous) return core::unexpected(previous.error());

  RunShared run;
  run.wf = &wf;
  run.options = &options;
  run.deps = &deps;
  run.run_dir = (fs::path(state_dir) / "runs" / run_id).string();
  std::error_code ec;
  fs::create_directories(fs::path(run.run_dir) / "logs", ec);
  auto journal = Journal::open(run.run_dir);
  if (!journal) return core::unexpected("cannot write the run state in " + run.run_dir + ": " + journal.error());
  run.journal = journal->get();
  run.values.inputs = options.inputs;
  run.values.secrets = options.secrets;
  run.values.run_id = run_id;
  run.values.workflow = wf.name.empty() ? fs::path(wf.file).stem().string() : wf.name;
  run.values.git = options.git.is_object() ? options.git : Value(Value::Object{});

  // The workflow-level env may use inputs, secrets, git and wf.
  expr::EvalContext ctx;
  ctx.named_values = step_named_values(run.values, Value(Value::Object{}), Value(Value::Object{}), 1);
  auto env = resolve_env(wf.env, ctx);
  if (!env) return core::unexpected(env.error());
  run.values.env = *env;

  Clock& clock = *deps.clock;
  auto start = clock.now();
  run.journal->append(Value(Value::Object{{"event", "run_started"},
                                          {"run_id", run_id},
                                          {"workflow", run.values.workflow},
                                          {"file", wf.file},
                                          {"inputs", run.masked(options.inputs)},
                                          {"resumed_from", *previous ? Value((*previous)->run_id) : Value()}}));
  RunStart rs{run_id, run.values.workflow, wf.file, run.run_dir, wf.steps.size(), previous->has_value()};
  run.notify([&](RunObserver& o) { o.run_started(rs); });

  Scheduler scheduler(run, previous->has_value() ? &**previous : nullptr);
  scheduler.run();

  RunEnd end;
  end.run_id = run_id;
  end.run_dir = run.run_dir;
  end.cancelled = deps.cancel->cancelled();
  end.duration = since(clock, start);
  end.ok = !scheduler.any_failure() && !end.cancelled;
  end.exit_code = end.cancelled ? 130 : end.ok ? 0 : 1;
  for (const auto& s : scheduler.states()) end.steps.push_back(Scheduler::step_end(s, run));
  end.outputs = scheduler.workflow_outputs();
  write_file_atomic(run.run_dir + "/report.json", core::to_json(report_json(run, scheduler.states(), end), 2) + "\n");
  run.journal->append(Value(Value::Object{{"event", "run_finished"},
                                          {"ok", end.ok},
                                          {"cancelled", end.cancelled},
                                          {"exit_code", end.exit_code}}));
  run.notify([&](RunObserver& o) { o.run_finished(end); });
  return end;
}

}  // namespace wf::exec
