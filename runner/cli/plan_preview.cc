#include "runner/cli/plan_preview.h"

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "runner/adapters/git_repo.h"
#include "runner/adapters/http_client.h"
#include "runner/adapters/process_runner.h"
#include "runner/cli/workflow_file.h"
#include "runner/core/strings.h"
#include "runner/exec/calls.h"
#include "runner/exec/resolve_step.h"

namespace wf::cli {

namespace fs = std::filesystem;

namespace {

// Collects a preview's log lines, masked.
class BufferLog : public step_api::StepLog {
 public:
  explicit BufferLog(core::SecretMasker& m) : masker_(m) {}
  void line(Stream, std::string_view text) override {
    std::lock_guard<std::mutex> l(mu_);
    text_ += masker_.mask(text) + "\n";
  }
  void add_secret(std::string_view value) override { masker_.add(value); }
  std::string text() {
    std::lock_guard<std::mutex> l(mu_);
    return text_;
  }

 private:
  core::SecretMasker& masker_;
  std::mutex mu_;
  std::string text_;
};

}  // namespace

std::optional<std::string> reads_missing_secret(const model::Param& param,
                                                const std::map<std::string, std::string>& missing) {
  for (const auto& [path, tmpl] : param.templates)
    for (const auto& ref : tmpl.references())
      if (ref.path.size() >= 2 && core::iequals(ref.path[0], "secrets"))
        if (auto it = missing.find(ref.path[1]); it != missing.end()) return it->second;
  return std::nullopt;
}

namespace {

std::optional<std::string> step_reads_missing_secret(const model::Step& step,
                                                     const std::map<std::string, std::string>& missing) {
  if (missing.empty()) return std::nullopt;
  for (const auto* params : {&step.with, &step.env})
    for (const auto& [name, param] : *params)
      if (auto m = reads_missing_secret(param, missing)) return m;
  if (step.if_)
    for (const auto& ref : step.if_->references())
      if (ref.path.size() >= 2 && core::iequals(ref.path[0], "secrets"))
        if (auto it = missing.find(ref.path[1]); it != missing.end()) return it->second;
  return std::nullopt;
}

}  // namespace

PlanPreviewer::PlanPreviewer(const step_api::Registry& registry, const model::Workflow& wf, exec::RunValues values,
                             core::SecretMasker& masker, const core::CancelToken& cancel,
                             std::map<std::string, std::string> missing_secrets)
    : registry_(registry), wf_(wf), values_(std::move(values)), masker_(masker), cancel_(cancel),
      processes_(adapters::make_process_runner()), http_(adapters::make_http_client()),
      git_(adapters::make_git_repo()), missing_secrets_(std::move(missing_secrets)) {
  std::string tmpl = (fs::temp_directory_path() / "wf-plan-XXXXXX").string();
  if (mkdtemp(tmpl.data())) scratch_ = tmpl;
}

PlanPreviewer::~PlanPreviewer() {
  std::error_code ec;
  if (!scratch_.empty()) fs::remove_all(scratch_, ec);
}

namespace {

// Whether a calling step's with: or secrets: read other steps' outputs.
bool reads_steps(const std::vector<std::pair<std::string, model::Param>>& params) {
  for (const auto& [name, p] : params)
    for (const auto& [path, t] : p.templates)
      for (const auto& r : t.references())
        if (!r.path.empty() && core::iequals(r.path[0], "steps")) return true;
  return false;
}

}  // namespace

// The values a called file's steps read (exec/calls.h), when what the
// calling steps pass is known before the run.
core::Expected<exec::RunValues, std::string> PlanPreviewer::values_of(size_t scope) const {
  if (scope == 0) return values_;
  const model::Scope& sc = wf_.scopes[scope];
  const model::Step& call = wf_.steps[sc.call];
  if (reads_steps(call.with) || reads_steps(call.secrets))
    return core::unexpected("the inputs of " + call.uses + " are known when step '" + call.id + "' starts");
  auto caller = values_of(sc.parent);
  if (!caller) return caller;
  return exec::call_values(wf_, scope, *caller, core::Value(core::Value::Object{}), &masker_);
}

PreviewOutcome PlanPreviewer::preview(const model::Step& step, const core::Value& matrix) {
  PreviewOutcome out;
  if (step.calls) {
    out.changes = false;
    out.note = "a workflow step: the steps of " + step.uses + " are planned above";
    return out;
  }
  if (!step.step_refs.empty()) {
    out.note = "no preview: its inputs are known after " + step.step_refs.front().id + " runs";
    return out;
  }
  if (auto missing = step_reads_missing_secret(step, missing_secrets_)) {
    out.note = "no preview: " + *missing;
    return out;
  }
  auto values = values_of(step.scope);
  if (!values) {
    out.note = "no preview: " + masker_.mask(values.error());
    return out;
  }
  const step_api::StepType* type = registry_.find(step.uses);
  auto resolved = exec::resolve_step(wf_, step, registry_, *values, core::Value(core::Value::Object{}), 1,
                                     process_environment(), matrix);
  if (!resolved) {
    out.note = "error: " + masker_.mask(resolved.error());
    out.error = true;
    return out;
  }
  std::string dir = scratch_ + "/" + step.id;
  std::error_code ec;
  fs::create_directories(dir, ec);
  BufferLog log(masker_);
  exec::StepServices services{&log, processes_.get(), http_.get(), git_.get(), &cancel_, &core::SystemClock::instance(),
                              default_stop_policy()};
  step_api::StepContext ctx = exec::make_step_context(wf_, step, *resolved, 1, dir, services);
  std::optional<step_api::StepPreview> p;
  try {
    p = type->preview(ctx);
  } catch (const std::exception& e) {  // the boundary: a step type's bug, not its answer
    out.note = masker_.mask(std::string("preview failed: ") + e.what());
    out.error = true;
    return out;
  }
  if (!p) return out;  // the type has no preview: it would run, so it counts as a change
  if (!p->error.empty()) {
    out.note = masker_.mask("preview failed: " + p->error);
    out.error = true;
    return out;
  }
  out.changes = p->changes;
  out.text = masker_.mask(p->text);
  if (out.text.empty()) out.text = log.text();
  return out;
}

}  // namespace wf::cli
