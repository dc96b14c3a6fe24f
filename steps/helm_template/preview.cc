// `wf plan` for helm-template: a fresh render in the attempt directory,
// compared with what the last run left at `output` (or in `output-dir`).

#include <filesystem>
#include <stdexcept>

#include "runner/step_api/tool.h"
#include "steps/helm_template/helm_template_step.h"
#include "steps/helm_template/render.h"

namespace wf::steps {

namespace fs = std::filesystem;
using namespace helm_template;

namespace {

// "3 resources"; "?" when the render cannot be read back (the preview
// still shows what it can).
std::string resources_text(const Render& r, const std::string& shown) {
  auto s = summarize(r, shown);
  return s ? resources_phrase(s->resources) : "resources: " + s.error().summary;
}

// `diff -u` (or -ruN for folders) of `before` and `after`; "" when equal.
core::Expected<std::string, std::string> unified_diff(step_api::StepContext& ctx, const std::vector<std::string>& args) {
  step_api::ToolCall call;
  call.program = "diff";
  call.args = args;
  call.install_hint = "apt-get install diffutils";
  call.log_command = false;
  call.log_stdout = false;
  call.keep_bytes = size_t{64} << 20;
  step_api::ToolRun run = step_api::run_tool(ctx, call);
  if (run.ok()) return std::string();
  if (!run.stopped() && run.process.started && run.process.exit_code == 1) return run.out;
  return core::unexpected(run.failure(core::FailureClass::kPermanent).summary);
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

step_api::StepPreview file_preview(step_api::StepContext& ctx, const Options& o, const Render& r) {
  std::string rendered = ctx.attempt_dir + "/preview.yaml";
  if (auto failed = write_file(rendered, r.text, false)) return step_api::StepPreview::failed(failed->summary);
  if (o.output.empty())
    return {true, "rendered " + resources_text(r, "helm template") + " (no `output` file to compare with)\n"};
  std::string target = absolute(ctx, o.output);
  std::error_code ec;
  if (!fs::exists(target, ec))
    return {true, "new file: " + o.output + " (" + resources_text(r, "helm template") + ")\n"};
  auto compared = unified_diff(ctx, {"-u", "--label", o.output, "--label", o.output + " (rendered now)", target, rendered});
  if (!compared) return step_api::StepPreview::failed(compared.error());
  const std::string& diff = *compared;
  if (diff.empty()) return {false, "no changes: " + o.output + " is up to date (" + resources_text(r, o.output) + ")\n"};
  return {true, diff};
}

step_api::StepPreview dir_preview(step_api::StepContext& ctx, const Options& o, const Render& r) {
  std::string target = absolute(ctx, o.output_dir);
  step_api::StepPreview p{false, ""};
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(r.dir, ec)) {
    std::string name = entry.path().filename().string();
    fs::path before = fs::path(target) / name;
    std::string shown = (fs::path(o.output_dir) / name).string();
    if (!fs::exists(before, ec)) {
      p.changes = true;
      p.text += "new folder: " + shown + "\n";
      continue;
    }
    auto compared = unified_diff(ctx, {"-ruN", before.string(), entry.path().string()});
    if (!compared) return step_api::StepPreview::failed(compared.error());
    std::string diff = std::move(*compared);
    replace_all(diff, entry.path().string(), shown + " (rendered now)");
    replace_all(diff, before.string(), shown);
    if (!diff.empty()) p.changes = true;
    p.text += diff;
  }
  if (!p.changes) p.text = "no changes: " + o.output_dir + " is up to date (" + resources_text(r, "") + ")\n";
  return p;
}

}  // namespace

std::optional<step_api::StepPreview> HelmTemplateStep::preview(step_api::StepContext& ctx) const {
  auto options = read_options(ctx.with);
  if (!options) return step_api::StepPreview::failed(options.error());
  const Options& o = *options;
  std::error_code ec;
  fs::create_directories(ctx.attempt_dir, ec);
  std::string staging = o.output_dir.empty() ? "" : ctx.attempt_dir + "/output-dir";
  auto rendered = render(ctx, o, staging);
  if (!rendered) return step_api::StepPreview::failed(rendered.error().summary);
  return o.output_dir.empty() ? file_preview(ctx, o, *rendered) : dir_preview(ctx, o, *rendered);
}

}  // namespace wf::steps
