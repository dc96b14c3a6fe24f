// The helm-template step's declared parameters and its own checks: what the
// loader validates and `wf steps helm-template` prints.

#include "steps/helm_template/helm_template_step.h"
#include "steps/helm_template/options.h"

namespace wf::steps {

namespace {

using core::ParamType;

void validate(core::ParamCheck& check) {
  if (check.given("output") && check.given("output-dir"))
    check.error("output-dir", "give `output` (one file) or `output-dir` (helm's folder layout), not both");
  if (auto release = check.known_string("release"))
    if (std::string p = helm_template::release_name_problem(*release); !p.empty()) check.error("release", p);
  for (const char* name : {"set", "set-string"}) {
    const core::Value* set = check.known(name);
    if (!set || !set->is_object()) continue;
    for (const auto& [key, value] : set->as_object())
      if (std::string p = helm_template::set_key_problem(key); !p.empty()) check.error(name, p);
  }
}

std::vector<core::ParamSpec> make_params() {
  core::ParamSpec chart = core::make_param("chart", ParamType::kString, "A chart folder or packaged chart (.tgz).",
                                           "deploy-testnet/chart", {}, true);
  chart.must_exist = core::PathKind::kFileOrDirectory;
  core::ParamSpec release =
      core::make_param("release", ParamType::kString, "The release name (.Release.Name).", "${{ inputs.cluster }}", {}, true);
  core::ParamSpec values = core::make_param("values", ParamType::kStringList,
                                            "Values files (--values), applied in order: later files win.",
                                            "[chart/values.yaml, chart/values-testnet.yaml]");
  values.must_exist = core::PathKind::kFile;
  core::ParamSpec set = core::make_param(
      "set", ParamType::kMap,
      "Values by dotted key (`miner.replicas`; `a\\.b` for a key with a dot), keeping their YAML type; a map value\n"
      "merges like a values file. Applied after `values`. List indexes (`a[0]`) are not supported: give the list.",
      "{ miner.replicas: 3, seed.enabled: true, image.tag: \"${{ inputs.revision }}\" }");
  core::ParamSpec set_string = core::make_param("set-string", ParamType::kStringMap,
                                                "Like `set`, but every value is a string (--set-string). Applied last.",
                                                "{ image.tag: \"1.10\" }");
  core::ParamSpec deps = core::make_param(
      "dependency-build", ParamType::kString,
      "auto: `helm dependency build` when a dependency of Chart.yaml is missing from charts/; always; never.",
      "always", "auto");
  deps.choices = {"auto", "always", "never"};
  return {
      chart,
      release,
      core::make_param("namespace", ParamType::kString, "The namespace (--namespace, .Release.Namespace).", "testnet"),
      values,
      set,
      set_string,
      core::make_param("kube-version", ParamType::kString, "The Kubernetes version for .Capabilities (--kube-version).",
                       "1.31.0"),
      core::make_param("api-versions", ParamType::kStringList, "Extra API versions for .Capabilities (--api-versions).",
                       "[monitoring.coreos.com/v1]"),
      core::make_param("include-crds", ParamType::kBool, "Include the chart's crds/ in the output (--include-crds).",
                       "true", false),
      core::make_param("skip-tests", ParamType::kBool, "Leave out test hooks (--skip-tests).", "true", false),
      core::make_param("show-only", ParamType::kStringList, "Only these templates (--show-only).",
                       "[templates/configmap.yaml]"),
      core::make_param("output", ParamType::kString,
                       "The file to write (folders are created). Default: manifest.yaml in the step's folder of the run "
                       "(under .wf/).",
                       "build/network.yaml"),
      core::make_param("output-dir", ParamType::kString,
                       "Instead of `output`: a folder with helm's --output-dir layout (CHART/templates/FILE.yaml).",
                       "build/network"),
      deps,
  };
}

core::StepSchema make_schema() {
  core::StepSchema s;
  s.type = "helm-template";
  s.summary = "Render a chart with helm template into a file (or helm's --output-dir layout).";
  s.description =
      "Runs the helm in $WF_HELM, else `helm` on PATH. The rendered file is byte for byte what `helm template`\n"
      "prints for the same arguments. Values files apply in order (later wins); `set` and `set-string` are\n"
      "written to values files in the attempt's private directory and applied after them (set, then\n"
      "set-string), so no value is ever on a command line; `set` keeps each value's YAML type ({ miner.replicas:\n"
      "3 } renders as the number 3, as with --set-json). With `dependency-build: auto`, when Chart.yaml declares\n"
      "dependencies that `helm dependency list` reports missing from charts/, `helm dependency build` runs\n"
      "first (file:// dependencies work offline). A template or values error fails as `permanent` with helm's\n"
      "own message and its file:line:col; it is never retried. A repository that does not answer during the\n"
      "dependency build is `transient`. `wf plan` renders into a temporary folder and shows a unified diff\n"
      "against the last rendered `output` (or \"new file\"). Details: docs/steps/helm-template.md.";
  s.params = make_params();
  s.outputs = {
      {"manifest", "the absolute path of the rendered file (or of the output-dir folder)"},
      {"resources", "the number of documents rendered, e.g. 7"},
      {"kinds", "JSON text: the kinds in order of first appearance, e.g. [\"ConfigMap\",\"Service\",\"StatefulSet\"]"},
      {"chart-version", "the chart's version (Chart.yaml `version`)"},
      {"app-version", "the chart's appVersion (\"\" when it has none)"},
  };
  s.example =
      "steps:\n"
      "  render:\n"
      "    uses: helm-template\n"
      "    with:\n"
      "      chart: deploy-testnet/chart\n"
      "      release: ${{ inputs.cluster }}\n"
      "      values: [deploy-testnet/chart/values.yaml]\n"
      "      set: { miner.replicas: 3 }\n"
      "      output: build/network.yaml\n"
      "  network:\n"
      "    needs: [render]\n"
      "    uses: kubectl-apply\n"
      "    with: { files: [\"${{ steps.render.outputs.manifest }}\"] }";
  s.validate = validate;
  core::mark_on_command_line(s, {"release", "namespace", "kube-version", "api-versions", "show-only"});
  return s;
}

}  // namespace

const core::StepSchema& HelmTemplateStep::schema() const {
  static const core::StepSchema kSchema = make_schema();
  return kSchema;
}

}  // namespace wf::steps
