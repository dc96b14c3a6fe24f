// Workflow steps (`uses: ./other.yaml`): the called file is loaded as a
// workflow of its own, checked against what the step passes it, and its
// steps flattened into the caller's as "CALL/ID" (see model::Scope).

#include <algorithm>
#include <filesystem>
#include <set>

#include "runner/core/strings.h"
#include "runner/model/inputs.h"
#include "runner/model/load_context.h"

namespace wf::model::detail {

namespace {

namespace fs = std::filesystem;

std::string canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return (ec ? fs::path(path) : p).string();
}

bool literal(const Param& p) {
  return std::none_of(p.templates.begin(), p.templates.end(),
                      [](const auto& t) { return t.second.has_expressions(); });
}

// A value known before the run that the input's type refuses ("" when fine).
std::string input_type_problem(const InputDecl& in, const Value& v) {
  if (!v.is_string() && !v.is_number() && !v.is_bool()) return "must be a single value, not a list or a mapping";
  return typed_input(in, v) ? "" : input_type_expectation(in);  // as at run time (exec/calls.cc)
}

template <class Decl>
std::vector<std::string> names_of(const std::vector<Decl>& decls) {
  std::vector<std::string> out;
  for (const auto& d : decls) out.push_back(d.name);
  return out;
}

void check_inputs(LoadContext& cx, const Step& call, const Workflow& child) {
  const std::string owner = "step '" + call.id + "'";
  const auto names = names_of(child.inputs);
  for (const auto& [name, p] : call.with) {
    const InputDecl* in = child.input(name);
    if (!in) {
      cx.error(p.loc, core::with_suggestion(owner + " passes '" + name + "', which " + call.uses +
                                                " does not declare as an input" +
                                                (names.empty() ? " (it has none)" : " (its inputs: " + core::join(names, ", ") + ")"),
                                            name, names));
      continue;
    }
    if (!literal(p)) continue;  // known at run time: checked then
    if (auto problem = input_type_problem(*in, p.value); !problem.empty())
      cx.error(p.loc, "input '" + name + "' of " + call.uses + " (" + in->type + ") " + problem + ", got '" +
                          expr::to_string(p.value) + "'");
  }
  for (const auto& in : child.inputs)
    if (in.required && in.default_value.is_null() && !call.param(in.name))
      cx.error(call.uses_loc, owner + " does not give input '" + in.name + "', which " + call.uses + " requires");
}

void check_secrets(LoadContext& cx, const Step& call, const Workflow& child) {
  const std::string owner = "step '" + call.id + "'";
  const auto names = names_of(child.secrets);
  for (const auto& [name, p] : call.secrets)
    if (!child.secret(name))
      cx.error(p.loc, core::with_suggestion(owner + " passes secret '" + name + "', which " + call.uses +
                                                " does not declare" +
                                                (names.empty() ? " (it has none)" : " (its secrets: " + core::join(names, ", ") + ")"),
                                            name, names));
  for (const auto& s : child.secrets) {
    auto passed = [&](const auto& kv) { return kv.first == s.name; };
    if (s.required && std::none_of(call.secrets.begin(), call.secrets.end(), passed))
      cx.error(call.uses_loc, owner + " does not pass secret '" + s.name + "', which " + call.uses +
                                  " requires: a called file reads no secret by itself (add secrets: { " + s.name +
                                  ": ${{ secrets.NAME }} })");
  }
}

// The called file's steps, then the calling step, appended to wf.
void flatten(Workflow& wf, Step call, Workflow child) {
  const std::string prefix = call.id + "/";
  const size_t base = wf.scopes.size();
  const size_t first = wf.steps.size();
  for (size_t k = 0; k < child.scopes.size(); ++k) {
    Scope sc = std::move(child.scopes[k]);
    if (k == 0) {
      sc.prefix = prefix;
      sc.parent = call.scope;
      sc.inputs = std::move(child.inputs);
      sc.secrets = std::move(child.secrets);
      sc.env = std::move(child.env);
      sc.outputs = std::move(child.outputs);
    } else {
      sc.prefix = prefix + sc.prefix;
      sc.parent += base;
      sc.call += first;
    }
    wf.scopes.push_back(std::move(sc));
  }
  std::set<std::string> needed;  // what some step of the file needs: not one of its last steps
  for (const auto& s : child.steps)
    for (const auto& n : s.needs) needed.insert(n.id);
  std::vector<Need> last;
  for (Step& s : child.steps) {
    if (!needed.count(s.id)) last.push_back(Need{prefix + s.id, s.loc});
    if (s.name == s.id) s.name = prefix + s.id;
    s.id = prefix + s.id;
    for (Need& n : s.needs) n.id = prefix + n.id;
    for (Need& r : s.step_refs) r.id = prefix + r.id;
    if (s.needs.empty()) s.needs = call.needs;  // the file's first steps wait for what the call needs
    s.scope += base;
    if (s.calls) *s.calls += base;
    wf.steps.push_back(std::move(s));
  }
  wf.scopes[base].call = wf.steps.size();
  wf.scopes[base].needs = call.needs;
  // What the file's outputs: read is what the calling step reads (`wf step`
  // of it in Argo is given those outputs).
  for (const auto& [name, param] : wf.scopes[base].outputs)
    for (const auto& [path, tmpl] : param.templates)
      for (const auto& ref : tmpl.references())
        if (ref.path.size() >= 2 && core::iequals(ref.path[0], "steps"))
          call.step_refs.push_back(Need{prefix + ref.path[1], param.loc});
  call.calls = base;
  call.needs = std::move(last);
  wf.reads_git = wf.reads_git || child.reads_git;
  wf.steps.push_back(std::move(call));
}

}  // namespace

bool is_workflow_path(std::string_view uses) {
  return uses.starts_with("./") || uses.starts_with("../") || uses.ends_with(".yaml") || uses.ends_with(".yml");
}

void add_call(LoadContext& cx, Step call, Workflow& wf) {
  const std::string owner = "step '" + call.id + "'";
  const std::string path = (fs::path(cx.source().file()).parent_path() / call.uses).lexically_normal().string();
  const std::string target = canonical(path);
  std::vector<std::string> chain = cx.options().call_stack;
  chain.push_back(canonical(cx.source().file()));
  if (auto loop = std::find(chain.begin(), chain.end(), target); loop != chain.end()) {
    std::vector<std::string> names;
    for (auto it = loop; it != chain.end(); ++it) names.push_back(fs::path(*it).filename().string());
    names.push_back(fs::path(target).filename().string());
    cx.error(call.uses_loc, owner + " calls '" + call.uses + "': a cycle of workflow files (" +
                                core::join(names, " -> ") + ")");
    wf.steps.push_back(std::move(call));
    return;
  }
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    cx.error(call.uses_loc, owner + " calls '" + call.uses + "', which is not a file (" + path +
                                "); a workflow step names a workflow file relative to this one");
    wf.steps.push_back(std::move(call));
    return;
  }
  LoadOptions options = cx.options();
  options.call_stack = std::move(chain);
  LoadResult loaded = load_workflow_file(path, options);
  for (const auto& d : loaded.diagnostics) cx.error(d.loc, d.message);
  for (const auto& w : loaded.warnings) cx.warning(w.loc, w.message);
  if (!loaded.workflow) {
    wf.steps.push_back(std::move(call));
    return;
  }
  check_inputs(cx, call, *loaded.workflow);
  check_secrets(cx, call, *loaded.workflow);
  flatten(wf, std::move(call), std::move(*loaded.workflow));
}

}  // namespace wf::model::detail
