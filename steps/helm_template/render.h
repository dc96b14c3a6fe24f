#pragma once
// One render of a chart with helm (shared by run() and preview()): the chart's
// versions, the dependency build, values files, `helm template`; and the
// file work around it (atomic writes, installing an --output-dir render).

#include <optional>
#include <string>
#include <vector>

#include "runner/core/expected.h"
#include "runner/step_api/step_type.h"
#include "steps/helm_template/options.h"
#include "steps/helm_template/rendered.h"

namespace wf::steps::helm_template {

/// One render: helm's stdout (for a file) or the files it wrote (--output-dir).
struct Render {
  std::string text;                 // stdout, byte for byte
  std::string dir;                  // the folder given to --output-dir ("" for stdout)
  std::vector<std::string> files;   // what helm wrote under `dir`, in order, each once
  ChartInfo chart;
};
using RenderResult = core::Expected<Render, step_api::StepResult>;

/// Renders `o.chart`: `helm show chart`, the dependency build the options ask
/// for, values files (`set`, `set-string` written into ctx.attempt_dir), then
/// `helm template`, to stdout or, with `dir`, into that folder. Fails with
/// the classified StepResult.
RenderResult render(step_api::StepContext& ctx, const Options& o, const std::string& dir);

/// Documents and kinds of a render (of r.files when it went to a folder);
/// `shown` names stdout's text in a YAML error.
core::Expected<ManifestSummary, step_api::StepResult> summarize(const Render& r, const std::string& shown);

/// Writes `text` to `path` through a temporary file and a rename (folders are
/// created); `private_file`: mode 0600. The failure, or nullopt.
std::optional<step_api::StepResult> write_file(const std::string& path, const std::string& text, bool private_file);

/// Moves each top-level entry under `from` into `to`, replacing an entry of
/// the same name (so files of an earlier render that are gone now go too).
std::optional<step_api::StepResult> install_dir(const std::string& from, const std::string& to);

/// `p` against the step's working directory, normalised.
std::string absolute(const step_api::StepContext& ctx, const std::string& p);

/// Where the manifest goes without `output`: manifest.yaml in the step's
/// folder of the run (the parent of the attempt directory).
std::string default_output(const step_api::StepContext& ctx);

/// The whole content of a file ("" if unreadable).
std::string read_text(const std::string& path);

}  // namespace wf::steps::helm_template
