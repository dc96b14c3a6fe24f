#include "steps/helm_template/helm_template_step.h"

#include "runner/core/json.h"
#include "runner/core/strings.h"
#include "steps/helm_template/render.h"

namespace wf::steps {

using namespace helm_template;
using step_api::StepResult;

namespace {

StepResult permanent(std::string why) { return StepResult::failure(core::FailureClass::kPermanent, std::move(why)); }

}  // namespace

StepResult HelmTemplateStep::run(step_api::StepContext& ctx) const {
  auto options = read_options(ctx.with);
  if (!options) return permanent(options.error());
  const Options& o = *options;
  std::string staging = o.output_dir.empty() ? "" : ctx.attempt_dir + "/output-dir";
  auto rendered = render(ctx, o, staging);
  if (!rendered) return rendered.error();
  Render& r = *rendered;
  std::string manifest;
  if (o.output_dir.empty()) {
    manifest = o.output.empty() ? default_output(ctx) : absolute(ctx, o.output);
    if (auto failed = write_file(manifest, r.text, false)) return *failed;
  } else {
    manifest = absolute(ctx, o.output_dir);
    if (auto failed = install_dir(staging, manifest)) return *failed;
    for (auto& f : r.files) f = manifest + f.substr(staging.size());
  }
  auto summary = summarize(r, manifest);
  if (!summary) return summary.error();
  std::string kinds = core::join(summary->kinds, ", ");
  StepResult result = StepResult::success("rendered " + resources_phrase(summary->resources) +
                                          (kinds.empty() ? "" : " (" + kinds + ")") + " of chart " + r.chart.name +
                                          " " + r.chart.version + " to " + manifest);
  core::Value::Array kinds_out(summary->kinds.begin(), summary->kinds.end());
  // Outputs are strings, as in GitHub Actions: JSON text for the list.
  result.outputs = {{"manifest", core::Value(manifest)},
                    {"resources", core::Value(std::to_string(summary->resources))},
                    {"kinds", core::Value(core::to_json(core::Value(std::move(kinds_out))))},
                    {"chart-version", core::Value(r.chart.version)},
                    {"app-version", core::Value(r.chart.app_version)}};
  return result;
}

}  // namespace wf::steps

namespace wf::steps {
std::unique_ptr<step_api::StepType> make_helm_template_step() { return std::make_unique<HelmTemplateStep>(); }
}  // namespace wf::steps
