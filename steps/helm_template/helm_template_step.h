#pragma once
// `helm-template`: renders a chart with the real helm into a file (or helm's
// --output-dir layout), byte for byte what `helm template` prints.

#include "runner/step_api/step_type.h"

namespace wf::steps {

/// Drives helm ($WF_HELM, else `helm` on PATH of the step's environment):
///  1. `helm show chart CHART` for the chart's versions and dependencies;
///  2. with `dependency-build: auto`, when Chart.yaml declares dependencies
///     that `helm dependency list` reports missing from charts/, `helm
///     dependency build` (`always`: every time; `never`: not at all);
///  3. `helm template` with the values files in order, then `set` and
///     `set-string` as generated values files in the attempt directory (never
///     on the command line), writing its stdout to `output` unchanged, or
///     its files to `output-dir` (rendered in the attempt directory first, so
///     files of an earlier render that are gone now do not stay behind).
/// A template or values error is FailureClass::kPermanent with helm's own
/// `file:line:col` message; a repository that does not answer during the
/// dependency build is kTransient. Outputs: manifest, resources, kinds,
/// chart-version, app-version. preview() renders into the attempt directory
/// and diffs against the last rendered `output` for `wf plan`. Stateless.
class HelmTemplateStep : public step_api::StepType {
 public:
  const core::StepSchema& schema() const override;
  step_api::StepResult run(step_api::StepContext& ctx) const override;
  /// The unified diff of a fresh render against `output` (or "new file");
  /// `changes` false when they are equal. Throws std::runtime_error with
  /// helm's message when the render fails.
  std::optional<step_api::StepPreview> preview(step_api::StepContext& ctx) const override;
};

}  // namespace wf::steps
