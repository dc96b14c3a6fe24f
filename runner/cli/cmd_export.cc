// `wf export argo FILE`: the mapping is runner/argo; this reads the file,
// resolves the parameter defaults and prints.

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "runner/argo/argo_export.h"
#include "runner/cli/commands.h"
#include "runner/cli/workflow_file.h"
#include "runner/model/inputs.h"

namespace wf::cli {

namespace fs = std::filesystem;

int cmd_export_argo(const Env& env, const ExportArgs& args) {
  auto wf = load_checked(args.file, env.registry, env.err);
  if (!wf) return 2;
  auto overrides = parse_input_args(args.inputs, env.err);
  if (!overrides) return 2;
  for (const auto& [k, v] : *overrides)
    if (!wf->input(k)) {
      env.err << "error: -i names no input '" << k << "'\n";
      return 2;
    }
  // Checked as in wf run; a required input left out is not an error here:
  // it stays for `argo submit -p NAME=...`.
  auto resolved = model::resolve_inputs(*wf, *overrides);
  if (!resolved) {
    for (const auto& e : resolved.error())
      if (e.find("required") == std::string::npos) {
        env.err << "error: " << e << "\n";
        return 2;
      }
  }
  core::Value::Object given;
  for (const auto& in : wf->inputs) {
    core::Value v = in.default_value;
    for (const auto& [k, text] : *overrides)
      if (k == in.name) v = core::Value(text);
    if (resolved)
      for (const auto& [k, rv] : resolved->as_object())
        if (k == in.name) v = rv;
    if (!v.is_null()) given.emplace_back(in.name, v);
  }
  std::ifstream in(args.file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  argo::ExportOptions opt;
  opt.image = args.image;
  opt.namespace_ = args.namespace_;
  opt.secret_name = args.secret_name;
  opt.workdir = args.workdir;
  opt.state_claim = args.state_claim;
  opt.inputs = core::Value(std::move(given));
  opt.file_text = text.str();
  // The files workflow steps call go into the ConfigMap too: wf step loads them.
  for (size_t sc = 1; sc < wf->scopes.size(); ++sc) {
    std::string rel = fs::path(wf->scopes[sc].file).lexically_relative(fs::path(args.file).parent_path()).string();
    std::ifstream called(wf->scopes[sc].file, std::ios::binary);
    std::stringstream called_text;
    called_text << called.rdbuf();
    opt.called_files.emplace(rel, called_text.str());
  }
  argo::Export ex = argo::export_workflow(*wf, opt);
  for (const auto& n : ex.notes) env.err << "wf: " << n << "\n";
  env.out << argo::to_yaml(ex);
  return 0;
}

}  // namespace wf::cli
