#pragma once
// `wf plan`'s previews: each step type's own view of what it would change
// (terraform plan, kubectl diff, ...), for steps whose inputs are known.

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "runner/core/secret_masker.h"
#include "runner/exec/contexts.h"
#include "runner/model/workflow.h"
#include "runner/services/git_repo.h"
#include "runner/services/http_client.h"
#include "runner/services/process_runner.h"
#include "runner/step_api/registry.h"

namespace wf::cli {

struct PreviewOutcome {
  bool changes = true;        // what the plan counts: false only when the type says so
  std::string text;           // the preview, masked ("" when none)
  std::string note;           // why there is none ("known after render"), or the error
  bool error = false;         // the preview failed: wf plan exits 1
};

class PlanPreviewer {
 public:
  /// `values` holds the real inputs and secrets; everything shown is masked
  /// with `masker`.
  /// Previews stop (their tools get SIGINT first) when `cancel` is cancelled.
  /// `missing_secrets`: name -> why it has no value; a step that reads
  /// one is not previewed (the others are).
  PlanPreviewer(const step_api::Registry& registry, const model::Workflow& wf, exec::RunValues values,
                core::SecretMasker& masker, const core::CancelToken& cancel,
                std::map<std::string, std::string> missing_secrets = {});
  ~PlanPreviewer();

  /// The step's preview; a step that reads other steps' outputs cannot be
  /// previewed (its inputs are not known) and counts as a change.
  /// `matrix`: the instance's values, for one instance of a matrix step.
  PreviewOutcome preview(const model::Step& step, const core::Value& matrix = core::Value());

 private:
  core::Expected<exec::RunValues, std::string> values_of(size_t scope) const;

  const step_api::Registry& registry_;
  const model::Workflow& wf_;
  exec::RunValues values_;
  core::SecretMasker& masker_;
  const core::CancelToken& cancel_;
  std::unique_ptr<services::ProcessRunner> processes_;
  std::unique_ptr<services::HttpClient> http_;
  std::unique_ptr<services::GitRepo> git_;
  std::string scratch_;
  std::map<std::string, std::string> missing_secrets_;
};

/// The message of the first secret of `missing` that `param`'s expressions
/// read; nullopt when they read none.
std::optional<std::string> reads_missing_secret(const model::Param& param,
                                                const std::map<std::string, std::string>& missing);

}  // namespace wf::cli
