#pragma once
// The scheduler's test harness: fake step types that record what ran, a
// manual clock, and run_workflow() on a workflow given as YAML. Shared by
// the executor's test files.

#include <catch2/catch.hpp>
#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "runner/core/json.h"
#include "runner/exec/executor.h"
#include "runner/exec/state.h"
#include "runner/model/loader.h"
#include "tests/support/command.h"

using namespace wf;
using core::Value;

namespace {

// What fake steps did, shared with the test.
struct Record {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> started;  // step ids in start order
  std::map<std::string, int> attempts;
  std::map<std::string, Value> seen;  // the `with` each step saw last
  int running = 0;
  int max_running = 0;
  int hold_for = 0;                  // `hold` steps enter in groups of this many...
  int total = 0;                     // ... of this many steps in all
  int entered = 0;
};

/// `fake`: fails its first `fail` attempts with `class` (and `retry-after`
/// ms), then succeeds with `outputs`; `hold: true` waits until
/// Record::hold_for steps run at once; `wait-cancel: true` blocks until cancelled.
class FakeStep : public step_api::StepType {
 public:
  explicit FakeStep(Record& r) : r_(r) {
    schema_.type = "fake";
    schema_.summary = "test double";
    auto p = [](std::string name, core::ParamType t) {
      core::ParamSpec s;
      s.name = std::move(name);
      s.type = t;
      return s;
    };
    schema_.params = {p("fail", core::ParamType::kNumber), p("class", core::ParamType::kString),
                      p("retry-after", core::ParamType::kNumber), p("outputs", core::ParamType::kMap),
                      p("hold", core::ParamType::kBool), p("wait-cancel", core::ParamType::kBool),
                      p("value", core::ParamType::kAny), p("sleep", core::ParamType::kNumber)};
  }
  const core::StepSchema& schema() const override { return schema_; }

  step_api::StepResult run(step_api::StepContext& ctx) const override {
    int attempt;
    {
      std::unique_lock<std::mutex> l(r_.mu);
      if (ctx.attempt == 1) r_.started.push_back(ctx.step_id);
      attempt = ++r_.attempts[ctx.step_id];
      r_.seen[ctx.step_id] = ctx.with;
      r_.max_running = std::max(r_.max_running, ++r_.running);
      r_.cv.notify_all();
      if (ctx.param_bool("hold")) {
        // A barrier per group of hold_for: a group leaves only when all of it
        // runs at once, which needs hold_for workers.
        int group_end = std::min(r_.total, (r_.entered++ / r_.hold_for + 1) * r_.hold_for);
        r_.cv.notify_all();
        r_.cv.wait_for(l, std::chrono::seconds(5), [&] { return r_.entered >= group_end; });
      }
      --r_.running;
    }
    if (ctx.param_bool("wait-cancel")) ctx.cancel->sleep_for(std::chrono::seconds(30));
    // Work that takes `sleep` ms of virtual time, as a step type waits: on
    // the context's clock and cancel token.
    if (ctx.param("sleep").is_number())
      ctx.clock->sleep_for(core::Millis(static_cast<long long>(ctx.param("sleep").as_number())), *ctx.cancel);
    if (ctx.cancel->cancelled()) return step_api::StepResult::failure(core::FailureClass::kCancelled, "cancelled");
    const Value& fail = ctx.param("fail");
    if (fail.is_number() && attempt <= fail.as_number()) {
      auto cls = core::parse_failure_class(ctx.param_string("class", "transient"));
      auto r = step_api::StepResult::failure(cls.value_or(core::FailureClass::kPermanent),
                                             "failing attempt " + std::to_string(attempt));
      if (ctx.param("retry-after").is_number())
        r.retry_after = core::Millis(static_cast<long long>(ctx.param("retry-after").as_number()));
      return r;
    }
    auto r = step_api::StepResult::success("ok");
    if (ctx.param("outputs").is_object())
      for (const auto& [k, v] : ctx.param("outputs").as_object()) r.outputs.emplace_back(k, v);
    return r;
  }

 private:
  Record& r_;
  core::StepSchema schema_;
};

struct Harness {
  Record record;
  step_api::Registry registry;
  core::ManualClock clock;
  core::SecretMasker masker;
  core::CancelToken cancel;
  test::TempDir dir;
  exec::RunOptions options;
  std::vector<exec::StepEnd> ended;

  struct Collector : exec::RunObserver {
    std::vector<exec::AttemptEnd> attempts;
    void attempt_finished(const exec::AttemptEnd& e) override { attempts.push_back(e); }
  } collector;

  Harness() {
    registry.add(std::make_unique<FakeStep>(record));
    options.jobs = 1;
    options.inputs = Value(Value::Object{});
    options.secrets = Value(Value::Object{});
  }

  model::Workflow load(const std::string& yaml) {
    model::LoadOptions lo;
    lo.find_step_type = [this](std::string_view t) { return registry.schema(t); };
    lo.step_type_names = registry.names();
    auto r = model::load_workflow_text(yaml, dir.path() + "/wf.yaml", lo);
    for (const auto& d : r.diagnostics) UNSCOPED_INFO(d.str());
    REQUIRE(r.workflow);
    r.workflow->dir = dir.path();
    return std::move(*r.workflow);
  }

  exec::RunEnd run(const std::string& yaml, double jitter = 0.5) {
    model::Workflow wf = load(yaml);
    exec::ExecutorDeps deps;
    deps.registry = &registry;
    deps.clock = &clock;
    deps.masker = &masker;
    deps.cancel = &cancel;
    deps.observers = {&collector};
    deps.random01 = [jitter] { return jitter; };
    auto end = exec::run_workflow(wf, options, deps);
    INFO((end ? "" : end.error()));
    REQUIRE(end);
    return *end;
  }

  static const exec::StepEnd& step(const exec::RunEnd& e, const std::string& id) {
    for (const auto& s : e.steps)
      if (s.step_id == id) return s;
    FAIL("no step " << id);
    throw;
  }
};

size_t position(const std::vector<std::string>& v, const std::string& id) {
  return static_cast<size_t>(std::find(v.begin(), v.end(), id) - v.begin());
}

}  // namespace
