#include "steps/helm_template/render.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "runner/core/json.h"
#include "runner/core/strings.h"
#include "steps/helm_template/helm.h"

namespace wf::steps::helm_template {

namespace fs = std::filesystem;
using core::FailureClass;
using step_api::StepResult;


namespace {

StepResult permanent(std::string why) { return StepResult::failure(FailureClass::kPermanent, std::move(why)); }

}  // namespace

std::string absolute(const step_api::StepContext& ctx, const std::string& p) {
  fs::path path(p);
  return (path.is_absolute() ? path : fs::path(ctx.working_directory) / path).lexically_normal().string();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `text` to `path` by a rename, so a reader never sees half a file.
std::optional<StepResult> write_file(const std::string& path, const std::string& text, bool private_file) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::string tmp = path + ".wf-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (private_file) ::chmod(tmp.c_str(), 0600);
    out << text;
    if (!out.flush()) return permanent("cannot write " + path);
  }
  fs::rename(tmp, path, ec);
  if (ec) return permanent("cannot write " + path + ": " + ec.message());
  return std::nullopt;
}

namespace {

core::Expected<ChartInfo, StepResult> chart_info(const Helm& helm, const std::string& chart) {
  step_api::ToolRun run = helm.run({"show", "chart", chart}, false);
  if (!run.ok()) return core::unexpected(Helm::failure(run, "show chart", FailureClass::kPermanent));
  auto info = parse_chart_yaml(run.out);
  if (!info) return core::unexpected(permanent(chart + ": " + info.error()));
  return *info;
}

// `helm dependency build` when asked to, or (auto) when helm lists a dependency as missing.
std::optional<StepResult> build_dependencies(step_api::StepContext& ctx, const Helm& helm, const Options& o,
                                             const ChartInfo& info) {
  std::error_code ec;
  if (o.dependency_build == "never" || !fs::is_directory(absolute(ctx, o.chart), ec)) return std::nullopt;
  if (o.dependency_build == "auto") {
    if (info.dependencies == 0) return std::nullopt;
    step_api::ToolRun list = helm.run({"dependency", "list", o.chart}, true);
    if (!list.ok()) return Helm::failure(list, "dependency list", FailureClass::kPermanent);
    if (!dependencies_missing(list.out)) return std::nullopt;
    ctx.log->info("dependencies missing from " + o.chart + "/charts: running helm dependency build");
  }
  step_api::ToolRun build = helm.run({"dependency", "build", o.chart}, true);
  if (build.ok()) return std::nullopt;
  return Helm::failure(build, "dependency build",
                       looks_transient(build.output) ? FailureClass::kTransient : FailureClass::kPermanent);
}

// The user's values files, then `set` and `set-string` as files of the attempt's own.
core::Expected<std::vector<std::string>, StepResult> values_files(const step_api::StepContext& ctx, const Options& o) {
  std::vector<std::string> files = o.values;
  const std::pair<const core::Value*, const char*> generated[] = {{&o.set, "set"}, {&o.set_string, "set-string"}};
  for (const auto& [set, name] : generated) {
    if (!set->is_object() || set->as_object().empty()) continue;
    auto doc = set_document(*set, std::string(name) == "set-string");
    if (!doc) return core::unexpected(permanent(std::string(name) + ": " + doc.error()));
    // JSON is YAML: helm reads it as a values file, numbers as --set-json reads them.
    std::string path = ctx.attempt_dir + "/" + name + "-values.yaml";
    if (auto failed = write_file(path, core::to_json(*doc, 2) + "\n", true)) return core::unexpected(*failed);
    files.push_back(path);
  }
  return files;
}

// "wrote DIR/chart/templates/x.yaml" lines, each file once, in order.
std::vector<std::string> written_files(const std::string& out) {
  std::vector<std::string> files;
  for (std::istringstream in(out); in;) {
    std::string line;
    if (!std::getline(in, line) || line.rfind("wrote ", 0) != 0) continue;
    std::string f = core::trim(line.substr(6));
    if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
  }
  return files;
}

}  // namespace

RenderResult render(step_api::StepContext& ctx, const Options& o, const std::string& dir) {
  Helm helm(ctx);
  if (auto problem = helm.check()) return core::unexpected(*problem);
  std::error_code ec;
  if (!fs::exists(absolute(ctx, o.chart), ec)) return core::unexpected(permanent("chart: " + o.chart + " does not exist"));
  Render r;
  auto info = chart_info(helm, o.chart);
  if (!info) return core::unexpected(info.error());
  r.chart = *info;
  if (auto failed = build_dependencies(ctx, helm, o, r.chart)) return core::unexpected(*failed);
  auto files = values_files(ctx, o);
  if (!files) return core::unexpected(files.error());
  if (!dir.empty()) fs::create_directories(dir, ec);
  step_api::ToolRun run = helm.run(template_args(o, *files, dir), false);
  if (!run.ok()) return core::unexpected(Helm::failure(run, "template", FailureClass::kPermanent));
  r.dir = dir;
  if (dir.empty())
    r.text = run.out;
  else
    r.files = written_files(run.out);
  return r;
}

core::Expected<ManifestSummary, StepResult> summarize(const Render& r, const std::string& shown) {
  if (r.dir.empty()) {
    auto s = summarize_manifests(r.text, shown);
    if (!s) return core::unexpected(permanent("helm template printed " + s.error()));
    return *s;
  }
  ManifestSummary all;
  for (const auto& f : r.files) {
    auto s = summarize_manifests(read_text(f), f);
    if (!s) return core::unexpected(permanent("helm template wrote " + s.error()));
    add_summary(all, *s);
  }
  return all;
}

// Moves each top-level entry helm wrote under `from` to `to`, replacing what was there.
std::optional<StepResult> install_dir(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  for (const auto& entry : fs::directory_iterator(from, ec)) {
    fs::path dest = fs::path(to) / entry.path().filename();
    fs::remove_all(dest, ec);
    fs::rename(entry.path(), dest, ec);
    if (ec) {  // another file system: copy instead
      ec.clear();
      fs::copy(entry.path(), dest, fs::copy_options::recursive, ec);
      if (ec) return permanent("cannot write " + dest.string() + ": " + ec.message());
    }
  }
  return std::nullopt;
}

std::string default_output(const step_api::StepContext& ctx) {
  return (fs::path(ctx.attempt_dir).parent_path() / "manifest.yaml").string();
}

}  // namespace wf::steps::helm_template
