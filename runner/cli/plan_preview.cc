#include "runner/cli/plan_preview.h"

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "runner/adapters/git_repo.h"
#include "runner/adapters/http_client.h"
#include "runner/adapters/process_runner.h"
#include "runner/cli/workflow_file.h"
#include "runner/core/strings.h"
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

PreviewOutcome PlanPreviewer::preview(const model::Step& step, const core::Value& matrix) {
  PreviewOutcome out;
  if (!step.step_refs.empty()) {
    out.note = "no preview: its inputs are known after " + step.step_refs.front().id + " runs";
    return out;
  }
  if (auto missing = step_reads_missing_secret(step, missing_secrets_)) {
    out.note = "no preview: " + *missing;
    return out;
  }
  const step_api::StepType* type = registry_.find(step.uses);
  auto resolved = exec::resolve_step(wf_, step, registry_, values_, core::Value(core::Value::Object{}), 1,
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
