#include "steps/kubectl_apply/kubectl_apply_step.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "runner/core/duration.h"
#include "runner/core/json.h"
#include "runner/core/log.h"
#include "runner/core/strings.h"
#include "steps/kubectl_apply/applier.h"
#include "steps/kubectl_apply/kubectl.h"
#include "steps/kubectl_apply/manifest.h"
#include "steps/kubectl_apply/preview.h"
#include "steps/kubectl_apply/waits.h"

namespace wf::steps {

namespace fs = std::filesystem;
using namespace kubectl_apply;
using step_api::StepResult;

namespace {

constexpr const char* kNoSource = "kubectl-apply needs at least one source: files, kustomize or manifests";
constexpr const char* kStdin = "'-' (standard input) is not allowed";
constexpr const char* kForceNeedsServerSide =
    "force-conflicts needs server-side: true (kubectl takes over fields only in a server-side apply)";

bool positive_duration(const std::string& text) {
  auto d = core::parse_duration(text);
  return d && d->count() > 0;
}

// What `wf validate` checks before anything runs, on the values known then;
// read_options() checks the same at run time, with the same words.
void validate(core::ParamCheck& check) {
  if (!check.given("files") && !check.given("kustomize") && !check.given("manifests")) check.error("", kNoSource);
  if (const core::Value* files = check.known("files")) {
    bool stdin_ = files->is_string() && files->as_string() == "-";
    if (files->is_array())
      for (const auto& f : files->as_array()) stdin_ = stdin_ || (f.is_string() && f.as_string() == "-");
    if (stdin_) check.error("files", kStdin);
  }
  if (auto text = check.known_string("manifests")) {
    auto docs = parse_manifests(*text, "manifests");
    if (!docs) {
      const ManifestProblem& p = docs.error();
      check.error_at("manifests", p.line, p.column, p.text());
    }
  }
  if (auto t = check.known_string("timeout"); t && core::parse_duration(*t) && !positive_duration(*t))
    check.error("timeout", "expected a positive duration such as 90s or 10m");
  const core::Value* force = check.known("force-conflicts");
  const core::Value* server_side = check.known("server-side");
  if (force && server_side && force->is_bool() && force->as_bool() && server_side->is_bool() && !server_side->as_bool())
    check.error("force-conflicts", kForceNeedsServerSide);
}

core::StepSchema make_schema() {
  using core::ParamType;
  core::StepSchema s;
  s.type = "kubectl-apply";
  s.summary = "Apply manifests with kubectl: Namespaces and CRDs first, then the rest once the CRDs are established.";
  s.description =
      "Applies files, directories, a kustomization and/or inline YAML from nothing in one run. Namespaces and\n"
      "CustomResourceDefinitions go first; the step waits until every CRD is Established with its names\n"
      "accepted, then applies everything else. Errors that mean \"not ready yet\" (no matches for kind,\n"
      "ensure CRDs are installed first, the server could not find the requested resource, a webhook that\n"
      "refuses connections or times out, the server is currently unable to handle the request) are retried\n"
      "within the step with backoff until `timeout`, then fail as transient; any other error fails at once,\n"
      "naming the object (Kind/namespace/name) and its source file and line. `wf plan` shows `kubectl diff`.\n"
      "Needs kubectl on PATH. Details: docs/steps/kubectl-apply.md.";
  core::ParamSpec files = core::make_param("files", ParamType::kStringList,
                                "Manifest files or directories (read recursively: *.yaml, *.yml, *.json), relative "
                                "to the working directory. `-` is not allowed.",
                                "[crds/, app.yaml]");
  files.must_exist = core::PathKind::kFileOrDirectory;
  core::ParamSpec kustomize = core::make_param("kustomize", ParamType::kString,
                                    "A kustomization directory, rendered with `kubectl kustomize`.", "argocd");
  kustomize.must_exist = core::PathKind::kDirectory;
  core::ParamSpec manifests = core::make_param("manifests", ParamType::kString, "Inline YAML: one or more documents.",
                                    "|\n  apiVersion: v1\n  kind: Namespace\n  metadata: {name: argocd}");
  core::ParamSpec kubeconfig = core::make_param("kubeconfig", ParamType::kString,
                                     "The kubeconfig file (default: $KUBECONFIG or ~/.kube/config).", "~/.kube/eks");
  kubeconfig.must_exist = core::PathKind::kFile;
  core::ParamSpec wait = core::make_param("wait", ParamType::kString,
                               "established: CRDs must be established before the objects that may use them; "
                               "rollout: also wait for Deployments, StatefulSets and DaemonSets to roll out; "
                               "none: do not wait for conditions (not-ready errors are still retried).",
                               "rollout", "established");
  wait.choices = {"established", "rollout", "none"};
  s.params = {
      files,
      kustomize,
      manifests,
      kubeconfig,
      core::make_param("context", ParamType::kString, "The kubeconfig context (default: its current context).", "testnet"),
      core::make_param("namespace", ParamType::kString,
            "Namespace for namespaced objects that do not name one (default: the context's).", "argocd"),
      core::make_param("server-side", ParamType::kBool, "Use server-side apply.", "true", false),
      core::make_param("field-manager", ParamType::kString, "The field manager of a server-side apply.", "bootstrap", "wf"),
      core::make_param("force-conflicts", ParamType::kBool,
            "With server-side apply, take over fields other managers own instead of failing.", "true", false),
      wait,
      core::make_param("timeout", ParamType::kDuration,
            "Bound for the whole step: retries of not-ready errors, CRD and rollout waits.", "10m", "5m"),
  };
  s.outputs = {
      {"applied", "the number of objects applied, e.g. 9"},
      {"kinds", "JSON text: kind -> number of objects applied, e.g. {\"ConfigMap\":2,\"Deployment\":1}"},
      {"crds", "JSON text: the names of the CustomResourceDefinitions applied, e.g. [\"applications.argoproj.io\"]"},
  };
  s.example =
      "steps:\n"
      "  bootstrap:\n"
      "    uses: kubectl-apply\n"
      "    with:\n"
      "      kustomize: argocd\n"
      "      kubeconfig: ${{ steps.cluster.outputs.kubeconfig }}\n"
      "      wait: rollout\n"
      "      timeout: 10m";
  s.validate = validate;
  core::mark_on_command_line(s, {"context", "namespace", "field-manager"});
  return s;
}

struct Options {
  std::vector<std::string> files;
  std::string kustomize;
  std::string manifests;
  bool has_manifests = false;
  std::string wait;
  core::Millis timeout{};
  ApplySettings settings;
  Kubectl::Options kubectl;
};

core::Expected<Options, std::string> read_options(const step_api::StepContext& ctx, const std::string& work_dir) {
  Options o;
  const core::Value& files = ctx.param("files");
  if (files.is_string()) o.files.push_back(files.as_string());
  if (files.is_array())
    for (const auto& f : files.as_array())
      if (f.is_string()) o.files.push_back(f.as_string());
  o.kustomize = ctx.param_string("kustomize");
  o.has_manifests = ctx.param("manifests").is_string();
  o.manifests = ctx.param_string("manifests");
  if (o.files.empty() && o.kustomize.empty() && !o.has_manifests) return core::unexpected(std::string(kNoSource));
  for (const auto& f : o.files)
    if (f == "-") return core::unexpected(std::string("files: ") + kStdin);
  o.wait = ctx.param_string("wait", "established");
  std::string timeout = ctx.param_string("timeout", "5m");
  auto t = core::parse_duration(timeout);
  if (!t) return core::unexpected("timeout: '" + timeout + "' is not a duration such as 90s, 5m or 1h30m");
  if (!positive_duration(timeout)) return core::unexpected(std::string("timeout: expected a positive duration such as 90s or 10m"));
  o.timeout = *t;
  o.settings.namespace_ = ctx.param_string("namespace");
  o.settings.server_side = ctx.param_bool("server-side");
  o.settings.field_manager = ctx.param_string("field-manager", "wf");
  o.settings.force_conflicts = ctx.param_bool("force-conflicts");
  if (o.settings.force_conflicts && !o.settings.server_side) return core::unexpected(std::string(kForceNeedsServerSide));
  o.settings.work_dir = work_dir;
  o.settings.timeout_text = core::format_duration(o.timeout);
  o.kubectl.kubeconfig = ctx.param_string("kubeconfig");
  o.kubectl.context = ctx.param_string("context");
  o.kubectl.cache_dir = work_dir + "/discovery-cache";
  o.kubectl.deadline = ctx.clock->now() + o.timeout;
  return o;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every object of every source, in order: files, kustomize, manifests.
core::Expected<std::vector<Manifest>, Failure> load(const Options& o, const Kubectl& kubectl) {
  auto fail = [](std::string why) { return core::unexpected(Failure{core::FailureClass::kPermanent, std::move(why)}); };
  const auto& ctx = kubectl.ctx();
  std::vector<Manifest> all;
  auto add = [&](const std::string& text, const std::string& source) -> std::string {
    auto docs = split_manifests(text, source);
    if (!docs) return docs.error();
    all.insert(all.end(), docs->begin(), docs->end());
    return {};
  };
  for (const auto& entry : o.files) {
    auto files = manifest_files(entry, ctx.working_directory);
    if (!files) return fail(files.error());
    for (const auto& f : *files) {
      fs::path full = fs::path(f).is_absolute() ? fs::path(f) : fs::path(ctx.working_directory) / f;
      std::ifstream probe(full);
      if (!probe) return fail("files: cannot read " + f);
      if (std::string err = add(read_text(full), f); !err.empty()) return fail(err);
    }
  }
  if (!o.kustomize.empty()) {
    KubectlRun r = kubectl.run({"kustomize", o.kustomize}, false);
    if (r.cancelled()) return core::unexpected(Failure{core::FailureClass::kCancelled, "cancelled during kubectl kustomize"});
    if (r.timed_out())
      return core::unexpected(Failure{core::FailureClass::kTimeout,
                                      "kubectl kustomize " + o.kustomize + " did not finish within " + o.settings.timeout_text});
    if (!r.ok()) {
      std::string message = kustomize_message(r.err);
      auto c = classify_kustomize_error(r.err) == ErrorClass::kTransient ? core::FailureClass::kTransient
                                                                         : core::FailureClass::kPermanent;
      return core::unexpected(Failure{c, "kubectl kustomize " + o.kustomize + " failed: " +
                                             (message.empty() ? describe_end(r.process) : message)});
    }
    ctx.log->info("rendered kustomization " + o.kustomize);
    if (std::string err = add(r.out, "kubectl kustomize " + o.kustomize); !err.empty()) return fail(err);
  }
  if (o.has_manifests)
    if (std::string err = add(o.manifests, "manifests"); !err.empty()) return fail(err);
  return all;
}

StepResult failed(const Failure& f) { return StepResult::failure(f.failure_class, f.summary); }

std::string count_text(const std::map<std::string, int>& kinds) {
  std::vector<std::string> parts;
  for (const auto& [kind, n] : kinds) parts.push_back(std::to_string(n) + " " + kind);
  return core::join(parts, ", ");
}

}  // namespace

const core::StepSchema& KubectlApplyStep::schema() const {
  static const core::StepSchema kSchema = make_schema();
  return kSchema;
}

StepResult KubectlApplyStep::run(step_api::StepContext& ctx) const {
  if (!ctx.clock || !ctx.cancel)
    return StepResult::failure(core::FailureClass::kPermanent, "no clock or cancel token in this context");
  std::string work_dir = ctx.attempt_dir + "/kubectl-apply";
  std::error_code ec;
  fs::create_directories(work_dir, ec);
  auto options = read_options(ctx, work_dir);
  if (!options) return StepResult::failure(core::FailureClass::kPermanent, options.error());
  const Options& o = *options;
  Kubectl kubectl(ctx, o.kubectl);
  auto loaded = load(o, kubectl);
  if (!loaded) return failed(loaded.error());
  const std::vector<Manifest>& all = *loaded;

  std::vector<int> first, rest;
  std::vector<std::string> crds;
  for (int i = 0; i < static_cast<int>(all.size()); ++i) {
    (all[i].is_namespace() || all[i].is_crd() ? first : rest).push_back(i);
    if (all[i].is_crd()) crds.push_back(all[i].name);
  }
  ctx.log->info(std::to_string(all.size()) + " objects: Namespaces and CRDs first (" + std::to_string(first.size()) +
                "), then the rest (" + std::to_string(rest.size()) + ")");

  auto phase = [&ctx](const std::string& what) {
    if (core::log::enabled(core::log::Level::kDebug)) core::log::debug("step " + ctx.step_id + " kubectl-apply: " + what);
  };
  Applier applier(kubectl, all, o.settings);
  phase("apply namespaces-and-crds (" + std::to_string(first.size()) + " objects)");
  if (auto f = applier.apply(first, "namespaces-and-crds")) return failed(*f);
  if (o.wait != "none") {
    phase("wait until " + std::to_string(crds.size()) + " CRDs are Established");
    if (auto f = wait_established(kubectl, crds, o.settings.timeout_text)) return failed(*f);
  }
  phase("apply objects (" + std::to_string(rest.size()) + " objects)");
  if (auto f = applier.apply(rest, "objects")) return failed(*f);
  if (o.wait == "rollout") {
    phase("wait for rollouts");
    if (auto f = wait_rollouts(kubectl, all, rest, o.settings)) return failed(*f);
  }
  phase("done");

  std::map<std::string, int> kinds;
  for (const auto& m : all) ++kinds[m.kind];
  core::Value::Object kinds_out;
  for (const auto& [kind, n] : kinds) kinds_out.emplace_back(kind, core::Value(n));
  core::Value::Array crds_out(crds.begin(), crds.end());
  StepResult result = StepResult::success(
      all.empty() ? "nothing to apply" : "applied " + std::to_string(all.size()) + " objects (" + count_text(kinds) + ")");
  // Outputs are strings, as in GitHub Actions: JSON text for the map and the list.
  result.outputs = {{"applied", core::Value(std::to_string(all.size()))},
                    {"kinds", core::Value(core::to_json(core::Value(std::move(kinds_out))))},
                    {"crds", core::Value(core::to_json(core::Value(std::move(crds_out))))}};
  return result;
}

std::optional<step_api::StepPreview> KubectlApplyStep::preview(step_api::StepContext& ctx) const {
  std::string work_dir = ctx.attempt_dir + "/kubectl-diff";
  std::error_code ec;
  fs::create_directories(work_dir, ec);
  auto options = read_options(ctx, work_dir);
  if (!options) return step_api::StepPreview::failed(options.error());
  const Options& o = *options;
  Kubectl kubectl(ctx, o.kubectl);
  auto loaded = load(o, kubectl);
  if (!loaded) return step_api::StepPreview::failed(loaded.error().summary);
  const std::vector<Manifest>& all = *loaded;

  return diff_preview(kubectl, all, o.settings);
}

}  // namespace wf::steps

namespace wf::steps {
std::unique_ptr<step_api::StepType> make_kubectl_apply_step() { return std::make_unique<KubectlApplyStep>(); }
}  // namespace wf::steps
