// The scheduler: which step runs when, and what a failure or a cancel does to
// the steps not started yet. How one step's attempts run is attempt.cc.

#include "runner/exec/executor.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>

#include "runner/core/json.h"
#include "runner/core/strings.h"
#include "runner/exec/backoff.h"
#include "runner/exec/calls.h"
#include "runner/exec/report_html.h"
#include "runner/exec/matrix_run.h"
#include "runner/exec/run_state.h"
#include "runner/graph/dag.h"
#include "runner/graph/plan.h"
#include "runner/model/resolve.h"

namespace wf::exec {

namespace fs = std::filesystem;
using detail::RunShared;
using detail::StepJob;
using detail::StepState;
using Phase = StepState::Phase;

namespace {

std::chrono::milliseconds since(Clock& clock, Clock::TimePoint start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start);
}

/// The scheduler: one thread (the caller's) owns the plan and every step's
/// state and does the journalling and reporting; a pool of `-j` worker
/// threads runs the steps. No lock is held while the journal or an observer
/// writes; the pool's queues are the only shared state.
class Scheduler {
 public:
  Scheduler(RunShared& run, const JournalState* previous)
      : run_(run),
        previous_(previous),
        plan_(graph::Plan::of(*run.wf, run.options->keep_going, run.options->only)),
        needs_(graph::need_indexes(*run.wf)),
        scopes_(std::max<size_t>(1, run.wf->scopes.size())) {
    const auto& wf = *run.wf;
    states_.reserve(wf.steps.size());
    for (size_t i = 0; i < wf.steps.size(); ++i) {
      StepState s;
      s.step = &wf.steps[i];
      s.index = i;
      s.id = wf.steps[i].id;
      s.file_key = step_file_key(s.id);
      if (wf.steps[i].matrix) has_matrix_ = true;
      s.selected = plan_.step(i).selected;
      states_.push_back(std::move(s));
    }
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    jobs_ = run.options->jobs > 0 ? static_cast<size_t>(run.options->jobs) : cores;
  }

  ~Scheduler() { stop_workers(); }

  /// Runs the loop until every step is done; joins every worker.
  void run() {
    core::CancelRegistration wake(*run_.deps->cancel, [this] {
      std::lock_guard<std::mutex> l(mu_);
      cv_done_.notify_all();
    });
    start_workers();
    for (;;) {
      // A journal that cannot be written (a full disk) stops the run as a
      // cancel does: steps run unrecorded would run again on resume.
      if (!journal_failed_ && !run_.journal->failure().empty()) {
        journal_failed_ = true;
        run_.deps->cancel->cancel();
      }
      bool cancelled = run_.deps->cancel->cancelled();
      moved_ = false;
      // Instances of matrix steps already running come first: their step
      // holds its place in the plan.
      dispatch_instances();
      graph::Advance adv = plan_.advance(jobs_ > busy_ ? jobs_ - busy_ : 0, cancelled,
                                         [&](size_t i, graph::JobStatus st) { return condition(i, st); });
      for (const auto& st : adv.settled) settle(st);
      // Group commit: the step_finished lines of every step that ended since
      // the last round reach the disk, in one fdatasync, before a step that
      // needs them starts.
      run_.journal->sync();
      for (size_t i : adv.start) start(i);
      dispatch_instances();
      if (plan_.done()) break;
      if (busy_ == 0) {
        if (moved_ || !adv.start.empty() || !adv.settled.empty()) continue;
        break;  // cannot happen in a DAG
      }
      for (StepState* s : wait_for_ends(cancelled)) {
        --busy_;
        s->phase = StepState::Phase::kDone;
        if (s->instance >= 0) {
          instance_ended(*s);
          continue;
        }
        plan_.finish(s->index, s->outcome);
        finished(*s);
      }
    }
    stop_workers();
  }

  std::vector<StepState>& states() { return states_; }

  /// The workflow's `outputs:` against the final state of every step.
  std::vector<std::pair<std::string, std::string>> workflow_outputs() {
    std::vector<std::pair<std::string, std::string>> out;
    if (run_.wf->outputs.empty()) return out;  // no copy of every step's entry
    Value::Object all;
    for (size_t i = 0; i < states_.size(); ++i)
      if (Value e = entry(i); !e.is_null()) all.emplace_back(states_[i].step->id, std::move(e));
    expr::EvalContext ctx;
    ctx.named_values = step_named_values(run_.values, Value(std::move(all)), Value(Value::Object{}), 1);
    ctx.hash_files_root = run_.wf->dir;
    for (const auto& [name, param] : run_.wf->outputs) {
      auto v = model::resolve_param(param, ctx);
      std::string text = !v || v->is_null() ? "" : v->is_string() ? v->as_string() : core::to_json(*v);
      out.emplace_back(name, run_.deps->masker->mask(text));
    }
    return out;
  }
  bool any_failure() const { return plan_.failed(); }

 private:
  // ---- the pool ----

  void start_workers() {
    // A matrix step alone may keep every worker busy.
    size_t n = has_matrix_ ? jobs_ : std::min(jobs_, std::max<size_t>(1, states_.size()));
    for (size_t i = 0; i < n; ++i) workers_.emplace_back([this] { work(); });
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stopping_ = true;
    }
    cv_work_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  void work() {
    for (;;) {
      std::shared_ptr<StepJob> job;
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_work_.wait(l, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      // The one exception boundary of a step: whatever escapes is the
      // step's failure, never std::terminate.
      try {
        detail::run_step(run_, *job);
      } catch (const std::exception& e) {
        job->state->outcome = Outcome::kFailure;
        job->state->reason = std::string("internal error: ") + e.what();
      } catch (...) {
        job->state->outcome = Outcome::kFailure;
        job->state->reason = "internal error: unknown exception";
      }
      {
        std::lock_guard<std::mutex> l(mu_);
        ended_.push_back(job->state);
      }
      cv_done_.notify_all();
    }
  }

  // Blocks until a step ends, or the run is cancelled (once).
  std::vector<StepState*> wait_for_ends(bool cancel_seen) {
    std::unique_lock<std::mutex> l(mu_);
    cv_done_.wait(l, [&] { return !ended_.empty() || (!cancel_seen && run_.deps->cancel->cancelled()); });
    std::vector<StepState*> out(ended_.begin(), ended_.end());
    ended_.clear();
    return out;
  }

  // ---- decisions ----

  // Whether step i runs. A workflow step always "runs" (it ends with its
  // file's steps). A called file's step runs when its calling step's if:
  // (and theirs, up the calls) held, its file's values could be made, and
  // its own if: (or success() of its own needs) holds.
  graph::Condition condition(size_t i, graph::JobStatus status) {
    const model::Step& step = *states_[i].step;
    if (step.calls) return {};
    if (step.scope == 0) return evaluate_if(i, status);
    graph::Condition g = gate(step.scope, status);
    if (!g.error.empty() || !g.value) return g;
    std::string error;
    if (!values_for(step.scope, &error)) return {false, error};
    if (step.if_) return evaluate_if(i, status);
    for (size_t n : plan_.step(i).needs) {
      Outcome o = plan_.outcome(n);
      if (o != Outcome::kSuccess && !(o == Outcome::kFailure && states_[n].step->continue_on_error)) return {false, ""};
    }
    return {};
  }

  graph::Condition evaluate_if(size_t i, graph::JobStatus status) {
    const model::Step& step = *states_[i].step;
    std::string error;
    const RunValues* values = values_for(step.scope, &error);
    if (!values) return {false, error};
    expr::EvalContext ctx;
    ctx.named_values = step_named_values(*values, steps_context(i), Value(Value::Object{}), 1);
    ctx.status = status == graph::JobStatus::kCancelled ? expr::JobStatus::kCancelled
                 : status == graph::JobStatus::kFailure ? expr::JobStatus::kFailure
                                                        : expr::JobStatus::kSuccess;
    ctx.hash_files_root = run_.wf->dir_of(step);
    auto r = expr::evaluate_condition(*step.if_, ctx);
    if (!r) return {false, step.if_loc.str() + ": if: " + r.error().message};
    return {*r, ""};
  }

  // ---- called files (workflow steps) ----

  struct ScopeState {
    bool made = false;                    // values tried
    std::unique_ptr<RunValues> values;
    std::string error;
    bool gated = false;                   // gate decided
    graph::Condition gate;
  };

  // The values scope `sc`'s steps read: the run's for the file given, made
  // once for a called file, when its first step is decided (what the
  // calling step's with: reads has ended by then: its first steps need it).
  const RunValues* values_for(size_t sc, std::string* error) {
    if (sc == 0) return &run_.values;
    ScopeState& st = scopes_[sc];
    if (!st.made) {
      st.made = true;
      const model::Scope& scope = run_.wf->scopes[sc];
      const RunValues* caller = values_for(scope.parent, &st.error);
      if (caller) {
        auto v = call_values(*run_.wf, sc, *caller, steps_context(scope.call), run_.deps->masker);
        if (v)
          st.values = std::make_unique<RunValues>(std::move(*v));
        else
          st.error = run_.deps->masker->mask(v.error());
      }
    }
    if (!st.values && error) *error = st.error;
    return st.values.get();
  }

  // The calling step's if: for its file's steps, with those of the calls
  // above it; decided once, when the file's first steps are (their needs
  // are the calling step's, so they see the status it would).
  graph::Condition gate(size_t sc, graph::JobStatus status) {
    if (sc == 0) return {};
    ScopeState& st = scopes_[sc];
    if (st.gated) return st.gate;
    const model::Scope& scope = run_.wf->scopes[sc];
    graph::Condition g = gate(scope.parent, status);
    if (g.error.empty() && g.value && run_.wf->steps[scope.call].if_) g = evaluate_if(scope.call, status);
    st.gated = true;
    st.gate = g;
    return g;
  }

  // A workflow step ends when its file's last steps have: with their
  // outcome and the file's outputs.
  void end_call(StepState& s) {
    bool reused = true;
    std::optional<Millis> first;
    auto member = [&](size_t n) {
      const StepState& m = states_[n];
      reused = reused && m.reused;
      if (m.start && (!first || *m.start < *first)) first = m.start;
      return Member{m.outcome, m.reason, entry(n)};
    };
    CallEnd end = call_end(*run_.wf, *s.step, member, values_for(*s.step->calls, nullptr));
    s.phase = Phase::kDone;
    s.outcome = end.outcome;
    s.reason = run_.deps->masker->mask(end.reason);
    s.outputs = std::move(end.outputs);
    s.reused = reused && end.outcome == Outcome::kSuccess;
    s.start = first;
    if (first && end.outcome != Outcome::kSkipped) s.duration = since(*run_.deps->clock, run_.started) - *first;
    plan_.finish(s.index, s.outcome);
    finished(s);
    moved_ = true;
  }

  // `steps` as step i's expressions see it: the steps they name (the loader
  // requires those among its transitive needs), or every transitive need
  // when an expression reads `steps` whole. Built per step from the entries
  // it reads, so starting a step costs what it reads, not the run's size.
  // A called file's steps see the steps of their file, by their ids there.
  Value steps_context(size_t i) const {
    const model::Step& step = *states_[i].step;
    const size_t strip = step.scope == 0 ? 0 : run_.wf->scopes[step.scope].prefix.size();
    Value::Object out;
    auto add = [&](size_t n) {
      if (states_[n].finish_seq == 0 || states_[n].step->scope != step.scope) return;
      std::string id = states_[n].step->id.substr(strip);
      for (const auto& [k, v] : out)
        if (k == id) return;
      out.emplace_back(std::move(id), entry(n));
    };
    if (step.reads_all_steps) {
      for (size_t n : graph::transitive_needs(needs_, i)) add(n);
    } else {
      for (const auto& ref : step.step_refs)
        if (const model::Step* s = run_.wf->step(ref.id)) add(static_cast<size_t>(s - run_.wf->steps.data()));
    }
    return Value(std::move(out));
  }

  // steps.<id> of step i once it finished (null until then): made when an
  // expression reads it, not held for every step of the run.
  Value entry(size_t i) const {
    const StepState& s = states_[i];
    return s.finish_seq == 0 ? Value() : step_entry(*s.step, s.outcome, s.outputs);
  }

  // ---- state changes ----

  void settle(const graph::Settled& st) {
    StepState& s = states_[st.step];
    s.phase = StepState::Phase::kDone;
    s.outcome = st.outcome;
    s.reason = run_.deps->masker->mask(st.reason);
    s.start = since(*run_.deps->clock, run_.started);  // where report.html shows it
    if (core::log::enabled(core::log::Level::kDebug))
      core::log::debug("step " + s.step->id + " not run: " + outcome_name(s.outcome) + " (" + st.reason + ")");
    finished(s);
  }

  // The token a step's attempts follow. Steps started after a cancel
  // (always()/cancelled()), and steps whose if: uses a status function
  // whenever they start, follow only the hard cancel: as in GitHub, the
  // first Ctrl-C leaves a running always() step be.
  const core::CancelToken* cancel_for(const StepState& s) {
    bool status_step = s.step->if_ && s.step->if_->uses_status_function();
    bool cancelled = run_.deps->cancel->cancelled();
    if (run_.deps->hard_cancel && (status_step || cancelled)) return run_.deps->hard_cancel;
    return cancelled ? &never_ : run_.deps->cancel;
  }

  // --resume: what the earlier run recorded of `id` (a step or an
  // instance), when step i may reuse it: only when none of its needs ran
  // again (make's rule).
  const JournalStep* previous_for(const std::string& id, size_t i) const {
    if (!previous_) return nullptr;
    for (size_t n : plan_.step(i).needs)
      if (!states_[n].reused) return nullptr;
    auto it = previous_->steps.find(id);
    return it == previous_->steps.end() ? nullptr : &it->second;
  }

  void enqueue(std::shared_ptr<StepJob> job) {
    ++busy_;
    {
      std::lock_guard<std::mutex> l(mu_);
      queue_.push_back(std::move(job));
    }
    cv_work_.notify_one();
  }

  // Why step i starts: its needs' ends (and its if: held).
  void log_ready(size_t i) const {
    std::string needs;
    for (size_t n : plan_.step(i).needs)
      needs += (needs.empty() ? "" : ", ") + states_[n].step->id + " " + outcome_name(states_[n].outcome);
    const graph::PlanStep& p = plan_.step(i);
    core::log::debug("step " + p.id + " ready: " + (needs.empty() ? "no needs" : "needs ended (" + needs + ")") +
                     (p.has_if && !p.if_text.empty() ? ", if: " + p.if_text + " is true" : "") + "; " + std::to_string(plan_.running()) + " of " +
                     std::to_string(jobs_) + " running");
  }

  void start(size_t i) {
    StepState& s = states_[i];
    s.phase = StepState::Phase::kRunning;
    if (core::log::enabled(core::log::Level::kDebug)) log_ready(i);
    if (s.step->calls) return end_call(s);
    if (s.step->matrix) return start_matrix(s);
    auto job = std::make_shared<StepJob>();
    job->state = &s;
    job->values = values_for(s.step->scope, nullptr);
    job->steps_context = steps_context(i);
    job->inherited = inherited_exports(i);
    job->cancel = cancel_for(s);
    job->previous = previous_for(s.id, i);
    enqueue(std::move(job));
  }

  // ---- matrix steps: instances under max-parallel and fail-fast ----

  struct Group {
    size_t step = 0;
    size_t next = 0;                      // the next instance to start
    size_t running = 0;
    size_t done = 0;
    Value steps_context;                  // shared by every instance
    const RunValues* values = nullptr;    // what their expressions read
    std::vector<Value> inherited;
    core::CancelToken cancel;             // fail-fast, or the step's own token
    std::unique_ptr<core::CancelRegistration> link;
    std::string stop_reason;              // why instances not started yet will not start
    Clock::TimePoint started;
  };

  void start_matrix(StepState& s) {
    auto g = std::make_unique<Group>();
    g->step = s.index;
    g->started = run_.deps->clock->now();
    g->steps_context = steps_context(s.index);
    g->values = values_for(s.step->scope, nullptr);
    std::string error = detail::make_instances(run_, s, g->steps_context, *g->values);
    if (!error.empty()) {
      s.phase = StepState::Phase::kDone;
      s.outcome = Outcome::kFailure;
      s.failure_class = core::FailureClass::kPermanent;
      s.reason = run_.deps->masker->mask(error);
      plan_.finish(s.index, s.outcome);
      finished(s);
      moved_ = true;
      return;
    }
    g->inherited = inherited_exports(s.index);
    Group* raw = g.get();
    g->link = std::make_unique<core::CancelRegistration>(*cancel_for(s), [raw] { raw->cancel.cancel(); });
    groups_.push_back(std::move(g));
  }

  // Starts what instances may start now; records those a cancel or
  // fail-fast stopped; ends the matrix steps whose instances all ended.
  void dispatch_instances() {
    for (auto it = groups_.begin(); it != groups_.end();) {
      Group& g = **it;
      StepState& s = states_[g.step];
      const auto& m = *s.step->matrix;
      size_t limit = m.max_parallel ? static_cast<size_t>(*m.max_parallel) : s.instances.size();
      while (g.next < s.instances.size()) {
        StepState& inst = s.instances[g.next];
        if (g.cancel.cancelled()) {
          inst.phase = StepState::Phase::kDone;
          inst.outcome = Outcome::kCancelled;
          inst.reason = g.stop_reason.empty() ? "the run was cancelled before it started" : g.stop_reason;
          ++g.next;
          ++g.done;
          instance_finished(inst);
          continue;
        }
        if (busy_ >= jobs_ || g.running >= limit) break;
        auto job = std::make_shared<StepJob>();
        job->state = &inst;
        job->steps_context = g.steps_context;
        job->values = g.values;
        job->inherited = g.inherited;
        job->cancel = &g.cancel;
        job->previous = previous_for(inst.id, g.step);
        inst.phase = StepState::Phase::kRunning;
        ++g.next;
        ++g.running;
        enqueue(std::move(job));
      }
      if (g.done < s.instances.size()) {
        ++it;
        continue;
      }
      detail::aggregate_instances(s);
      s.duration = since(*run_.deps->clock, g.started);
      s.phase = StepState::Phase::kDone;
      plan_.finish(g.step, s.outcome);
      finished(s);
      moved_ = true;
      it = groups_.erase(it);
    }
  }

  void instance_ended(StepState& inst) {
    auto it = std::find_if(groups_.begin(), groups_.end(), [&](const auto& g) { return g->step == inst.index; });
    Group& g = **it;
    --g.running;
    ++g.done;
    instance_finished(inst);
    // GitHub's fail-fast: a failed instance cancels the instances of its
    // matrix not yet finished (a continue-on-error failure does not).
    bool counts = inst.outcome == Outcome::kFailure && !inst.step->continue_on_error;
    if (counts && inst.step->matrix->fail_fast && !g.cancel.cancelled()) {
      g.stop_reason = "cancelled: '" + inst.id + "' failed (fail-fast)";
      g.cancel.cancel();
    }
  }

  // Journals and reports an instance that ended (on the scheduler's thread).
  void instance_finished(StepState& s) {
    journal_finished(s);
    StepEnd end = detail::step_end(s, run_);
    run_.notify([&](RunObserver& o) { o.step_finished(end); });
  }

  // The $GITHUB_ENV/$GITHUB_PATH exports of every step `i` needs, directly
  // or not, in the order they finished (as a GitHub job applies them).
  std::vector<Value> inherited_exports(size_t i) const {
    if (exporters_ == 0) return {};
    std::vector<const StepState*> done;
    for (size_t n : graph::transitive_needs(needs_, i))
      if (!states_[n].exports.is_null()) done.push_back(&states_[n]);
    std::sort(done.begin(), done.end(),
              [](const StepState* a, const StepState* b) { return a->finish_seq < b->finish_seq; });
    std::vector<Value> out;
    for (const StepState* s : done) out.push_back(s->exports);
    return out;
  }

  // Journals and reports a finished step (on the scheduler's thread, no lock held).
  void finished(StepState& s) {
    s.finish_seq = ++finished_count_;
    if (!s.exports.is_null()) ++exporters_;
    journal_finished(s);
    StepEnd end = detail::step_end(s, run_);
    if (core::log::enabled(core::log::Level::kDebug) && s.phase == Phase::kDone && !s.attempts.empty())
      core::log::debug("step " + s.step->id + " ended: " + outcome_name(s.outcome) + " after " +
                       std::to_string(s.attempts.size()) + " attempt(s) in " + std::to_string(s.duration.count()) + "ms");
    run_.notify([&](RunObserver& o) { o.step_finished(end); });
  }

  void journal_finished(const StepState& s) {
    Value::Object event{{"event", "step_finished"},
                        {"step", s.id},
                        {"outcome", outcome_name(s.outcome)},
                        {"definition_hash", s.definition_hash},
                        {"outputs", run_.masked(s.outputs)},
                        {"exports", s.exports.is_null() ? Value() : run_.masked(s.exports)},
                        {"attempts", static_cast<int>(s.attempts.size())},
                        {"reason", s.reason},
                        {"reused", s.reused},
                        {"continue_on_error", s.step->continue_on_error}};
    if (!s.matrix.is_null()) event.emplace_back("matrix", run_.masked(s.matrix));
    if (s.step->matrix && s.instance < 0) event.emplace_back("instances", static_cast<int>(s.instances.size()));
    run_.journal->append(Value(std::move(event)), Journal::Sync::kLater);
  }

  RunShared& run_;
  const JournalState* previous_;
  graph::Plan plan_;
  std::vector<std::vector<size_t>> needs_;  // graph::need_indexes, built once
  std::vector<StepState> states_;
  std::vector<ScopeState> scopes_;  // per Workflow::scopes entry
  size_t jobs_ = 1;
  size_t finished_count_ = 0;
  size_t exporters_ = 0;         // finished steps with $GITHUB_ENV/$GITHUB_PATH exports
  bool journal_failed_ = false;
  size_t busy_ = 0;              // jobs given to the pool and not yet ended (steps and instances)
  bool moved_ = false;           // a step ended without the pool this round (a matrix step)
  bool has_matrix_ = false;
  std::vector<std::unique_ptr<Group>> groups_;  // matrix steps running, in start order
  core::CancelToken never_;      // for always() steps after a cancel when there is no hard cancel

  std::mutex mu_;                // guards the three below
  std::condition_variable cv_work_, cv_done_;
  std::deque<std::shared_ptr<StepJob>> queue_;
  std::deque<StepState*> ended_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

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

// A state directory holds values and logs, never meant for a commit.
void ignore_in_git(const std::string& state_dir) {
  fs::path ignore = fs::path(state_dir) / ".gitignore";
  std::error_code ec;
  if (fs::exists(ignore, ec)) return;
  std::ofstream(ignore) << "# wf's run state: never committed\n*\n";
}

// Reads the run being resumed, if any.
core::Expected<std::optional<JournalState>, std::string> previous_run(const std::string& state_dir,
                                                                      const RunOptions& options,
                                                                      const std::string& key) {
  if (!options.resume) return std::optional<JournalState>();
  auto dir = find_resumable_run(state_dir, options.resume_id, key);
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

namespace detail {

core::Expected<std::unique_ptr<Journal>, std::string> open_run(RunShared& run, const model::Workflow& wf,
                                                               const RunOptions& options, const ExecutorDeps& deps,
                                                               const std::string& state_dir,
                                                               const std::string& run_id) {
  run.wf = &wf;
  run.options = &options;
  run.deps = &deps;
  run.run_dir = (fs::path(state_dir) / "runs" / run_id).string();
  run.started = deps.clock->now();
  run.started_at = core::utc_timestamp(deps.clock->wall_now(), true);
  std::error_code ec;
  fs::create_directories(fs::path(run.run_dir) / "logs", ec);
  // Each attempt's scratch folder goes under steps/, which only the user may enter.
  fs::create_directories(fs::path(run.run_dir) / "steps", ec);
  fs::permissions(fs::path(run.run_dir) / "steps", fs::perms::owner_all, fs::perm_options::replace, ec);
  auto journal = Journal::open(run.run_dir);
  if (!journal) return core::unexpected("cannot write the run state in " + run.run_dir + ": " + journal.error());
  run.journal = journal->get();
  // The workflow-level env may use inputs, secrets, git and wf.
  auto values = make_run_values(wf, options.inputs, options.secrets, options.git, run_id);
  if (!values) return core::unexpected(values.error());
  run.values = std::move(*values);
  return journal;
}


StepEnd step_end(const StepState& s, const RunShared& run) {
  StepEnd e;
  e.step_id = s.id.empty() ? s.step->id : s.id;
  if (s.step->name != s.step->id) e.step_name = s.step->name;
  e.outcome = s.outcome;
  e.continue_on_error = s.step->continue_on_error && s.outcome == Outcome::kFailure;
  e.reason = s.reason;
  e.attempts = static_cast<int>(s.attempts.size());
  e.duration = s.duration;
  e.outputs = run.masked(s.outputs);
  e.links = s.links;
  e.reused = s.reused;
  e.step_summary = s.step_summary;
  if (!s.attempts.empty() && !s.attempts.back().ok) e.failure_class = s.attempts.back().failure_class;
  if (s.failure_class && s.outcome == Outcome::kFailure) e.failure_class = s.failure_class;
  e.selected = s.selected;
  e.matrix = run.masked(s.matrix);
  e.instances.reserve(s.instances.size());
  for (const auto& inst : s.instances) e.instances.push_back(step_end(inst, run));
  return e;
}

}  // namespace detail

core::Expected<RunEnd, std::string> run_workflow(const model::Workflow& wf, const RunOptions& options,
                                                 const ExecutorDeps& deps) {
  // Absolute: steps run in their workflow's folder, and their script and
  // scratch files are under the state directory (a relative --state-dir
  // named from elsewhere was not found).
  std::string state_dir = options.state_dir.empty() ? (fs::path(wf.dir) / ".wf").string()
                                                     : fs::absolute(options.state_dir).lexically_normal().string();
  std::string run_id = new_run_id();
  std::string key = workflow_key(wf.file);
  // Runs, --resume and the lock are per workflow file: two workflows in one
  // folder share .wf/ but neither resumes nor waits for the other's runs.
  auto waiting = [&](const std::string& what) {
    deps.notify_waiting ? deps.notify_waiting(what) : void();
  };
  auto lock = StateLock::acquire(state_dir, run_id, options.wait_lock, fs::path(wf.file).filename().string(), waiting);
  if (!lock) return core::unexpected(lock.error());
  ignore_in_git(state_dir);
  auto previous = previous_run(state_dir, options, key);
  if (!previous) return core::unexpected(previous.error());
  // We hold the lock, so the run being resumed is dead: what it started and
  // what still runs would race the steps run again.
  if (*previous && deps.stop_dead_run) deps.stop_dead_run((*previous)->run_id);

  RunShared run;
  auto journal = detail::open_run(run, wf, options, deps, state_dir, run_id);
  if (!journal) return core::unexpected(journal.error());
  detail::RunLogScope log_scope(run.run_dir, deps.masker);
  if (core::log::enabled(core::log::Level::kDebug))
    core::log::debug("run " + run_id + " of " + wf.file + ": " + std::to_string(wf.steps.size()) + " steps" +
                     (*previous ? ", resuming " + (*previous)->run_id : std::string()));

  Clock& clock = *deps.clock;
  auto start = clock.now();
  run.journal->append(Value(Value::Object{{"event", "run_started"},
                                          {"run_id", run_id},
                                          {"workflow", run.values.workflow},
                                          {"file", wf.file},
                                          {"file_key", key},
                                          {"inputs", run.masked(options.inputs)},
                                          {"resumed_from", *previous ? Value((*previous)->run_id) : Value()}}));
  RunStart rs{run_id, run.values.workflow, wf.file, run.run_dir, wf.steps.size(), previous->has_value(),
              *previous ? (*previous)->run_id : std::string()};
  run.notify([&](RunObserver& o) { o.run_started(rs); });

  Scheduler scheduler(run, previous->has_value() ? &**previous : nullptr);
  scheduler.run();

  RunEnd end;
  end.run_id = run_id;
  end.run_dir = run.run_dir;
  end.state_error = run.journal->failure();
  end.cancelled = deps.cancel->cancelled() && end.state_error.empty();
  end.duration = since(clock, start);
  end.ok = !scheduler.any_failure() && !end.cancelled && end.state_error.empty();
  end.exit_code = end.cancelled ? 130 : end.ok ? 0 : 1;
  end.steps.reserve(scheduler.states().size());
  for (const auto& s : scheduler.states()) end.steps.push_back(detail::step_end(s, run));
  end.outputs = scheduler.workflow_outputs();
  auto written = detail::write_report_json(run, scheduler.states(), end);
  if (!written) {
    // The journal still holds every step's end: say so, and go on.
    std::fprintf(stderr, "wf: warning: %s (the journal has the run's record)\n", written.error().c_str());
    run.journal->append(Value(Value::Object{{"event", "report_failed"}, {"error", written.error()}}));
  }
  if (auto page = write_report_html(run, scheduler.states(), end); !page) {
    std::fprintf(stderr, "wf: warning: %s\n", page.error().c_str());
    run.journal->append(Value(Value::Object{{"event", "report_failed"}, {"error", page.error()}}));
  }
  run.journal->append(Value(Value::Object{{"event", "run_finished"},
                                          {"ok", end.ok},
                                          {"cancelled", end.cancelled},
                                          {"exit_code", end.exit_code}}));
  if (options.keep_runs > 0) {  // still under the lock: no run of this workflow is in progress
    Pruned pruned = prune_runs(state_dir, key, options.keep_runs);
    end.pruned_runs = pruned.removed.size();
    end.pruned_bytes = pruned.bytes;
  }
  run.notify([&](RunObserver& o) { o.run_finished(end); });
  return end;
}

}  // namespace wf::exec
