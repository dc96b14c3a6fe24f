// The ConfigMap and the Workflow of `wf export argo` (docs/argo.md).

#include "runner/argo/argo_export.h"

#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "runner/core/duration.h"
#include "runner/core/hash.h"
#include "runner/core/json.h"
#include "runner/core/strings.h"
#include "runner/graph/dag.h"

namespace wf::argo {

namespace fs = std::filesystem;
using core::Value;
using Obj = Value::Object;
using Arr = Value::Array;

namespace {

constexpr const char* kOutputsDir = "/tmp/wf-outputs";
constexpr const char* kStateDir = "/wf-state";
constexpr int kDeadlineSlackSeconds = 30;

// A called file's ConfigMap key: its path relative to the workflow file,
// '/' as '.' and ".." as "up" (keys are [-._a-zA-Z0-9]+).
std::string config_key(const std::string& rel) {
  std::string key;
  for (const auto& part : fs::path(rel)) {
    std::string p = part.string() == ".." ? "up" : part.string();
    key += (key.empty() ? "" : ".") + p;
  }
  return key;
}



// What each step's expressions read of other steps: outputs by name, and
// the steps read whole (all outputs, not known before the run).
struct Reads {
  std::map<std::string, std::set<std::string>> outputs;  // step id -> names
  std::set<std::string> whole;
};

// `prefix`: the scope's, so that ids are the run's ("deploy/render").
void note_ref(const expr::Reference& r, Reads& reads, const std::string& prefix) {
  if (r.path.size() < 2 || !core::iequals(r.path[0], "steps")) return;
  std::string id = prefix + r.path[1];
  if (r.path.size() >= 4 && core::iequals(r.path[2], "outputs")) reads.outputs[id].insert(r.path[3]);
  else if (r.path.size() == 2 || (r.path.size() == 3 && core::iequals(r.path[2], "outputs"))) reads.whole.insert(id);
}

void note_params(const std::vector<std::pair<std::string, model::Param>>& params, Reads& reads,
                 const std::string& prefix) {
  for (const auto& [k, p] : params)
    for (const auto& [path, t] : p.templates)
      for (const auto& r : t.references()) note_ref(r, reads, prefix);
}

void note_call(const model::Workflow& wf, const model::Step& call, Reads& reads) {
  const std::string& prefix = wf.scope_of(call).prefix;
  note_params(call.with, reads, prefix);
  note_params(call.secrets, reads, prefix);
  if (call.if_)
    for (const auto& r : call.if_->references()) note_ref(r, reads, prefix);
}

// What `wf step` of the step is given: what its expressions read; for a
// workflow step also what its file's outputs: read; for a called file's
// step also what the calling steps pass (its file's values are made from them).
Reads reads_of(const model::Workflow& wf, const model::Step& s) {
  Reads reads;
  const std::string& prefix = wf.scope_of(s).prefix;
  note_params(s.env, reads, prefix);
  if (s.matrix)
    for (const auto& [path, t] : s.matrix->value.templates)
      for (const auto& r : t.references()) note_ref(r, reads, prefix);
  note_call(wf, s, reads);
  if (s.calls) note_params(wf.scopes[*s.calls].outputs, reads, wf.scopes[*s.calls].prefix);
  for (size_t sc = s.scope; sc != 0 && sc < wf.scopes.size(); sc = wf.scopes[sc].parent)
    note_call(wf, wf.steps[wf.scopes[sc].call], reads);
  return reads;
}

// The id's real step (steps.X is matched without case in expressions).
const model::Step* step_named(const model::Workflow& wf, const std::string& id) {
  for (const auto& s : wf.steps)
    if (core::iequals(s.id, id)) return &s;
  return nullptr;
}

// The `S`/`O` of a matrix that is exactly `${{ fromJSON(steps.S.outputs.O) }}`:
// what Argo's withParam reads.
std::optional<std::pair<std::string, std::string>> with_param_source(const model::Workflow& wf, const model::Step& step) {
  const model::Matrix& m = *step.matrix;
  auto it = m.value.templates.find("");
  if (!m.expression || it == m.value.templates.end()) return std::nullopt;
  auto refs = it->second.references();
  if (refs.size() != 1 || refs[0].path.size() != 4 || !core::iequals(refs[0].path[2], "outputs")) return std::nullopt;
  const auto& r = refs[0].path;
  std::string text;
  for (const auto& part : it->second.parts())
    if (part.is_expression) text = std::string(core::trim(part.expression->text()));
  std::string compact;
  for (char c : text)
    if (c != ' ') compact += c;
  if (!core::iequals(compact, "fromJSON(" + r[0] + "." + r[1] + ".outputs." + r[3] + ")")) return std::nullopt;
  const model::Step* s = step_named(wf, wf.scope_of(step).prefix + r[1]);
  if (!s || s->scope != step.scope) return std::nullopt;  // withParam reads a task of the same DAG
  return std::make_pair(s->id, r[3]);
}

// The input X of a template that is exactly `${{ fromJSON(inputs.X) }}`.
std::optional<std::string> from_json_input(const model::Workflow& wf, const expr::Template& t) {
  if (!t.is_single_expression()) return std::nullopt;
  auto refs = t.references();
  if (refs.size() != 1 || refs[0].path.size() != 2 || !core::iequals(refs[0].path[0], "inputs")) return std::nullopt;
  std::string compact;
  for (const auto& part : t.parts())
    if (part.is_expression)
      for (char c : part.expression->text())
        if (c != ' ') compact += c;
  if (!core::iequals(compact, "fromJSON(inputs." + refs[0].path[1] + ")")) return std::nullopt;
  for (const auto& in : wf.inputs)
    if (core::iequals(in.name, refs[0].path[1])) return in.name;
  return std::nullopt;
}

// A matrix Argo's withParam can take from a workflow parameter: the whole
// matrix `${{ fromJSON(inputs.X) }}` (a list of objects: each item is the
// instance), or one key `{K: ${{ fromJSON(inputs.X) }}}` (a list of strings:
// the instance is {"K": item}). Only for a step of the file given (a called
// file's inputs are not workflow parameters).
struct InputParam {
  std::string input;
  std::string matrix_arg;        // what --matrix is given
};
std::optional<InputParam> with_param_input(const model::Workflow& wf, const model::Step& step) {
  const model::Matrix& m = *step.matrix;
  if (step.scope != 0) return std::nullopt;
  if (m.expression) {
    auto it = m.value.templates.find("");
    if (it == m.value.templates.end()) return std::nullopt;
    if (auto in = from_json_input(wf, it->second)) return InputParam{*in, "{{item}}"};
    return std::nullopt;
  }
  if (!m.value.value.is_object() || m.value.value.as_object().size() != 1) return std::nullopt;
  const std::string& key = m.value.value.as_object().front().first;
  if (key == "include" || key == "exclude") return std::nullopt;
  auto it = m.value.templates.find("/" + key);
  if (it == m.value.templates.end()) return std::nullopt;
  if (auto in = from_json_input(wf, it->second)) return InputParam{*in, "{\"" + key + "\": \"{{item}}\"}"};
  return std::nullopt;
}

std::string go_duration(core::Millis d) {
  long long ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::string param_text(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_null()) return "";
  return expr::to_string(v);
}

Value parameters(const model::Workflow& wf, const Value& inputs) {
  Arr out;
  for (const auto& in : wf.inputs) {
    Obj p{{"name", in.name}};
    for (const auto& [k, v] : inputs.is_object() ? inputs.as_object() : Obj{})
      if (k == in.name && !v.is_null()) p.emplace_back("value", param_text(v));
    if (!in.description.empty()) p.emplace_back("description", in.description);
    Arr e;
    if (in.type == "boolean") e = {Value("true"), Value("false")};
    for (const auto& o : in.options) e.push_back(Value(o));
    if (!e.empty()) p.emplace_back("enum", Value(std::move(e)));
    out.push_back(Value(std::move(p)));
  }
  return Value(std::move(out));
}

Value retry_strategy(const model::RetryPolicy& r) {
  std::string expression;
  if (r.when_any_failure) {
    expression = "asInt(lastRetry.exitCode) != 0";
  } else {
    std::vector<std::string> codes;
    for (auto c : {core::FailureClass::kPermanent, core::FailureClass::kTransient, core::FailureClass::kRateLimited,
                   core::FailureClass::kLock, core::FailureClass::kTimeout, core::FailureClass::kCancelled})
      if (r.retries(c)) codes.push_back(std::to_string(core::step_exit_code(c)));
    expression = "asInt(lastRetry.exitCode) in [" + core::join(codes, ", ") + "]";
  }
  Obj backoff{{"duration", go_duration(r.backoff.delay)},
              {"factor", std::to_string(static_cast<int>(std::ceil(std::max(1.0, r.backoff.factor))))}};
  if (r.backoff.max_delay) backoff.emplace_back("cap", go_duration(*r.backoff.max_delay));
  // IntOrString fields are written as strings: Argo's JSON Schema types
  // them `string`, its CRD takes both.
  return Value(Obj{{"limit", std::to_string(r.limit)},
                   {"retryPolicy", "Always"},
                   {"backoff", Value(std::move(backoff))},
                   {"expression", expression}});
}

std::string expand_home(const std::string& path, const std::string& workdir) {
  if (path.rfind("~/", 0) == 0) return "/root/" + path.substr(2);
  if (!path.empty() && path[0] == '/') return path;
  return (fs::path(workdir) / path).lexically_normal().string();
}

struct Context {
  const model::Workflow& wf;
  const ExportOptions& opt;
  std::string file_name;
  std::string secret_name;
  std::map<std::string, std::set<std::string>> exported;  // step id -> outputs others read
  std::vector<std::string>& notes;
  /// Per scope (a called file's nested DAG): parameter name -> its value in
  /// the DAG around it (what the workflow step's task passes).
  std::vector<std::map<std::string, std::string>> scope_params;

  /// What a task of the DAG of scope `dag` reads of step `m`: `text(T)` as
  /// when m is task T of that DAG; from the DAG around it (a parameter of
  /// the nested DAG template, up as many levels as it takes) when it is not.
  std::string value_in(size_t dag, size_t m, const std::function<std::string(const std::string&)>& text) {
    if (wf.steps[m].scope == dag) return text(k8s_name(wf.steps[m].id));
    core::Sha256 h;
    h.update(wf.steps[m].id + "\n" + text("T"));
    std::string name = "in-" + core::Sha256::hex(h.finish()).substr(0, 12);
    auto& params = scope_params[dag];
    if (!params.count(name)) {
      std::string outer = value_in(wf.scopes[dag].parent, m, text);
      scope_params[dag][name] = outer;
    }
    return "{{inputs.parameters." + name + "}}";
  }

  /// Whether step m is a task of the DAG of scope `dag` or of one around it.
  bool visible(size_t dag, size_t m) const {
    for (size_t sc = dag;; sc = wf.scopes[sc].parent) {
      if (wf.steps[m].scope == sc) return true;
      if (sc == 0) return false;
    }
  }
};

// env from the Secret, and mounts for file secrets.
void secrets_of(const Context& cx, Arr& env, Arr& mounts) {
  for (const auto& s : cx.wf.secrets) {
    Obj ref{{"name", cx.secret_name}, {"key", s.name}};
    if (!s.required) ref.emplace_back("optional", true);
    if (s.env) {
      env.push_back(Value(Obj{{"name", *s.env}, {"valueFrom", Value(Obj{{"secretKeyRef", Value(std::move(ref))}})}}));
    } else if (s.file) {
      mounts.push_back(Value(Obj{{"name", "wf-secrets"},
                                 {"mountPath", expand_home(*s.file, cx.opt.workdir)},
                                 {"subPath", s.name},
                                 {"readOnly", true}}));
    }
  }
}

struct TaskArgs {
  Arr cli;          // wf step arguments
  Arr task_params;  // the DAG task's arguments.parameters
  Arr inputs;       // the template's inputs.parameters
};

void add_need_param(TaskArgs& a, const std::string& name, const std::string& value, const std::string& flag,
                    const std::string& prefix) {
  a.task_params.push_back(Value(Obj{{"name", name}, {"value", value}}));
  a.inputs.push_back(Value(Obj{{"name", name}}));
  a.cli.push_back(Value(flag));
  a.cli.push_back(Value(prefix + "{{inputs.parameters." + name + "}}"));
}

// `dag`: the scope of the DAG the task is in (for a workflow step's own
// task, which ends its nested DAG, the scope it calls).
TaskArgs task_args(Context& cx, size_t index, bool status_step, size_t dag) {
  const model::Step& step = cx.wf.steps[index];
  TaskArgs a;
  a.cli.push_back(Value("step"));
  a.cli.push_back(Value((fs::path(cx.opt.workdir) / cx.file_name).string()));
  a.cli.push_back(Value(step.id));
  for (const char* s : {"--run-id", "{{workflow.uid}}", "--outputs-dir", kOutputsDir}) a.cli.push_back(Value(s));
  // Which attempt this is decides whether a continue-on-error failure is the last.
  if (step.continue_on_error && step.retry.limit > 0)
    for (const char* s : {"--retries", "{{retries}}"}) a.cli.push_back(Value(s));
  if (!cx.opt.state_claim.empty()) {
    a.cli.push_back(Value("--state-dir"));
    a.cli.push_back(Value(kStateDir));
  }
  for (const auto& in : cx.wf.inputs) {
    a.cli.push_back(Value("-i"));
    a.cli.push_back(Value(in.name + "={{workflow.parameters." + in.name + "}}"));
  }
  std::set<std::string> direct;
  for (const auto& n : step.needs) direct.insert(n.id);
  int i = 0;
  Reads reads = reads_of(cx.wf, step);
  for (size_t m : graph::transitive_needs(cx.wf, index)) {
    const model::Step& need = cx.wf.steps[m];
    // The steps inside a workflow step it needs are not tasks it can see:
    // the workflow step's own outcome is what it reads.
    if (!cx.visible(dag, m)) continue;
    // A direct need of a step without a status function has run (its
    // depends says so): its own wf-outcome tells skipped from succeeded.
    bool ran = direct.count(need.id) && !status_step && need.scope == dag;
    // A workflow step's node (a nested DAG) Succeeds when its file's steps
    // skipped themselves, as does a step wf step skipped: for those the
    // wf-outcome it reported tells (the task ending a nested DAG reads all
    // of its file's steps that way).
    bool coe = need.continue_on_error || need.calls || (step.calls && need.scope == dag);
    std::string outcome = cx.value_in(dag, m, [&](const std::string& task) {
      std::string reported = "{{tasks." + task + ".outputs.parameters.wf-outcome}}";
      // A continue-on-error step Succeeds in Argo on its last failure: its
      // wf-outcome tells (wf step reads PHASE/OUTCOME).
      if (ran) return reported;
      return "{{tasks." + task + ".status}}" + (coe ? "/" + reported : std::string());
    });
    add_need_param(a, "outcome-" + k8s_name(need.id), outcome, "--need-outcome", need.id + "=");
    for (const auto& [id, names] : reads.outputs) {
      if (!core::iequals(id, need.id)) continue;
      for (const auto& o : names) {
        std::string value = cx.value_in(
            dag, m, [&](const std::string& task) { return "{{tasks." + task + ".outputs.parameters." + o + "}}"; });
        add_need_param(a, "need-" + std::to_string(i++), value, "--need", need.id + "." + o + "=");
      }
    }
  }
  return a;
}

Value outputs_of(const Context& cx, const std::string& step_id) {
  Arr params;
  auto add = [&](const std::string& name) {
    params.push_back(Value(Obj{{"name", name},
                               {"valueFrom", Value(Obj{{"path", std::string(kOutputsDir) + "/" + name}, {"default", ""}})}}));
  };
  add("wf-outcome");
  auto it = cx.exported.find(step_id);
  if (it != cx.exported.end())
    for (const auto& o : it->second) add(o);
  return Value(Obj{{"parameters", Value(std::move(params))}});
}

Value container_template(const Context& cx, size_t index, TaskArgs& a) {
  const model::Step& step = cx.wf.steps[index];
  Arr env, mounts;
  mounts.push_back(Value(Obj{{"name", "workflow"},
                             {"mountPath", (fs::path(cx.opt.workdir) / cx.file_name).string()},
                             {"subPath", cx.file_name},
                             {"readOnly", true}}));
  for (const auto& [rel, text] : cx.opt.called_files)
    mounts.push_back(Value(Obj{{"name", "workflow"},
                               {"mountPath", (fs::path(cx.opt.workdir) / rel).lexically_normal().string()},
                               {"subPath", config_key(rel)},
                               {"readOnly", true}}));
  if (!cx.opt.state_claim.empty()) mounts.push_back(Value(Obj{{"name", "wf-state"}, {"mountPath", kStateDir}}));
  secrets_of(cx, env, mounts);
  Obj container{{"image", cx.opt.image},
                {"command", Value(Arr{Value("wf")})},
                {"args", Value(a.cli)},
                {"workingDir", cx.opt.workdir}};
  if (!env.empty()) container.emplace_back("env", Value(std::move(env)));
  container.emplace_back("volumeMounts", Value(std::move(mounts)));
  Obj t{{"name", k8s_name(step.id)}};
  if (!a.inputs.empty()) t.emplace_back("inputs", Value(Obj{{"parameters", Value(a.inputs)}}));
  t.emplace_back("outputs", outputs_of(cx, step.id));
  if (step.retry.limit > 0) t.emplace_back("retryStrategy", retry_strategy(step.retry));
  if (step.timeout)
    t.emplace_back("activeDeadlineSeconds",
                   std::to_string((step.timeout->count() + 999) / 1000 + kDeadlineSlackSeconds));
  if (step.timeout_total) cx.notes.push_back(step.id + ": timeout-total is not exported (Argo has no per-task total)");
  t.emplace_back("container", Value(std::move(container)));
  return Value(std::move(t));
}

// A workflow output that is exactly `${{ steps.S.outputs.O }}`.
std::optional<std::pair<std::string, std::string>> output_source(const model::Workflow& wf, const model::Param& p) {
  auto it = p.templates.find("");
  if (it == p.templates.end() || !it->second.is_single_expression()) return std::nullopt;
  auto refs = it->second.references();
  if (refs.size() != 1 || refs[0].path.size() != 4 || !core::iequals(refs[0].path[0], "steps") ||
      !core::iequals(refs[0].path[2], "outputs"))
    return std::nullopt;
  const auto& parts = it->second.parts();
  for (const auto& part : parts)
    if (part.is_expression && core::trim(part.expression->text()) !=
                                  refs[0].path[0] + "." + refs[0].path[1] + ".outputs." + refs[0].path[3])
      return std::nullopt;
  const model::Step* s = step_named(wf, refs[0].path[1]);
  if (!s) return std::nullopt;
  return std::make_pair(s->id, refs[0].path[3]);
}

// Notes in cx.exported the outputs that steps or the workflow's outputs:
// read; returns the entrypoint's output parameters.
Value exported_outputs(Context& cx) {
  const model::Workflow& wf = cx.wf;
  for (const auto& s : wf.steps) {
    Reads r = reads_of(wf, s);
    for (const auto& [id, names] : r.outputs)
      if (const model::Step* src = step_named(wf, id)) cx.exported[src->id].insert(names.begin(), names.end());
    for (const auto& id : r.whole)
      cx.notes.push_back(s.id + ": reads steps." + id + " as a whole: only the outputs named elsewhere reach it in Argo");
    if (s.reads_all_steps)
      cx.notes.push_back(s.id + ": reads `steps` as a whole: only the outputs named elsewhere reach it in Argo");
  }
  Arr main_outputs;
  for (const auto& [oname, p] : wf.outputs) {
    auto src = output_source(wf, p);
    if (!src) {
      cx.notes.push_back("outputs." + oname + ": not exported (only `${{ steps.S.outputs.O }}` maps to Argo)");
      continue;
    }
    cx.exported[src->first].insert(src->second);
    std::string ref = "{{tasks." + k8s_name(src->first) + ".outputs.parameters." + src->second + "}}";
    main_outputs.push_back(Value(Obj{{"name", oname}, {"valueFrom", Value(Obj{{"parameter", ref}})}}));
  }
  return Value(std::move(main_outputs));
}

void fan_out_notes(Context& cx, const model::Step& s);

// A matrix step: one task instance per item (withItems for a static
// matrix, withParam for one read from a step's output), each running
// `wf step --matrix '{{item}}'`. Argo aggregates the instances' output
// parameters into JSON lists, as `wf run` does.
void fan_out(Context& cx, const model::Step& s, Obj& task, TaskArgs& a) {
  const model::Matrix& m = *s.matrix;
  if (!m.dynamic) {
    task.emplace_back("withItems", Value(Arr(m.instances.begin(), m.instances.end())));
  } else if (auto src = with_param_source(cx.wf, s)) {
    task.emplace_back("withParam", "{{tasks." + k8s_name(src->first) + ".outputs.parameters." + src->second + "}}");
  } else if (auto in = with_param_input(cx.wf, s)) {
    task.emplace_back("withParam", "{{workflow.parameters." + in->input + "}}");
    add_need_param(a, "wf-matrix", in->matrix_arg, "--matrix", "");
    fan_out_notes(cx, s);
    return;
  } else {
    cx.notes.push_back(s.id + ": matrix is not exported (only a static matrix, `${{ fromJSON(steps.S.outputs.O) }}` or "
                              "`${{ fromJSON(inputs.X) }}` maps to Argo): its task fails asking for --matrix");
    return;
  }
  add_need_param(a, "wf-matrix", "{{item}}", "--matrix", "");
  fan_out_notes(cx, s);
}

void fan_out_notes(Context& cx, const model::Step& s) {
  const model::Matrix& m = *s.matrix;
  if (m.max_parallel)
    cx.notes.push_back(s.id + ": max-parallel is not exported (Argo limits parallelism per template, not per task)");
  if (m.fail_fast)
    cx.notes.push_back(s.id + ": fail-fast is not exported: in Argo the other instances run to their end");
}

Obj config_data(const std::string& file_name, const ExportOptions& opt) {
  Obj data{{file_name, opt.file_text}};
  for (const auto& [rel, text] : opt.called_files) data.emplace_back(config_key(rel), text);
  return data;
}

// The template of a workflow step's nested DAG.
std::string dag_template_name(const model::Step& call) { return k8s_name(call.id + "/"); }

// Step i's task in the DAG of its scope, and its container template. A
// workflow step has two tasks: one in its scope's DAG running the nested
// DAG of the file it calls, and one at the end of that DAG running `wf step`
// of it (its outcome and outputs from the file's steps).
void add_task(Context& cx, size_t i, std::vector<Arr>& dags, Arr& templates) {
  const model::Step& s = cx.wf.steps[i];
  Gate g = map_gate(cx.wf, i);
  if (!g.exact) cx.notes.push_back(s.id + ": if: " + core::trim(s.if_->text()) + " is evaluated by wf step (" + g.why + ")");
  if (s.calls) {
    Obj task{{"name", k8s_name(s.id)}, {"template", dag_template_name(s)}};
    if (!g.depends.empty()) task.emplace_back("depends", g.depends);
    if (!g.when.empty()) task.emplace_back("when", g.when);
    Arr params;
    for (const auto& [name, value] : cx.scope_params[*s.calls])
      params.push_back(Value(Obj{{"name", name}, {"value", value}}));
    if (!params.empty()) task.emplace_back("arguments", Value(Obj{{"parameters", Value(std::move(params))}}));
    dags[s.scope].push_back(Value(std::move(task)));
    // Its end: after every last step of the file, whatever they did.
    TaskArgs a = task_args(cx, i, true, *s.calls);
    std::vector<std::string> after;
    for (const auto& n : s.needs) {
      std::string t = k8s_name(n.id);
      after.push_back("(" + t + ".Succeeded || " + t + ".Failed || " + t + ".Errored || " + t + ".Skipped || " + t +
                      ".Omitted)");
    }
    Obj end{{"name", k8s_name(s.id)}, {"template", k8s_name(s.id)}, {"depends", core::join(after, " && ")}};
    if (!a.task_params.empty()) end.emplace_back("arguments", Value(Obj{{"parameters", Value(a.task_params)}}));
    dags[*s.calls].push_back(Value(std::move(end)));
    templates.push_back(container_template(cx, i, a));
    return;
  }
  TaskArgs a = task_args(cx, i, s.if_ && s.if_->uses_status_function(), s.scope);
  Obj task{{"name", k8s_name(s.id)}, {"template", k8s_name(s.id)}};
  if (!g.depends.empty()) task.emplace_back("depends", g.depends);
  if (!g.when.empty()) task.emplace_back("when", g.when);
  if (s.matrix) fan_out(cx, s, task, a);
  if (!a.task_params.empty()) task.emplace_back("arguments", Value(Obj{{"parameters", Value(a.task_params)}}));
  dags[s.scope].push_back(Value(std::move(task)));
  templates.push_back(container_template(cx, i, a));
}

// A called file's DAG: what it takes from the DAG around it, and its
// workflow step's outcome and outputs (from the task that ends it).
Value nested_dag(Context& cx, size_t sc, Arr& tasks) {
  const model::Step& call = cx.wf.steps[cx.wf.scopes[sc].call];
  Obj t{{"name", dag_template_name(call)}};
  Arr inputs;
  for (const auto& [name, value] : cx.scope_params[sc]) inputs.push_back(Value(Obj{{"name", name}}));
  if (!inputs.empty()) t.emplace_back("inputs", Value(Obj{{"parameters", Value(std::move(inputs))}}));
  Arr outputs;
  std::string end = k8s_name(call.id);
  auto add = [&](const std::string& name) {
    outputs.push_back(Value(Obj{
        {"name", name}, {"valueFrom", Value(Obj{{"parameter", "{{tasks." + end + ".outputs.parameters." + name + "}}"}})}}));
  };
  add("wf-outcome");
  if (auto it = cx.exported.find(call.id); it != cx.exported.end())
    for (const auto& o : it->second) add(o);
  t.emplace_back("outputs", Value(Obj{{"parameters", Value(std::move(outputs))}}));
  t.emplace_back("dag", Value(Obj{{"tasks", Value(std::move(tasks))}}));
  return Value(std::move(t));
}

}  // namespace

std::string k8s_name(std::string_view id) {
  std::string out;
  for (char c : id) {
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') out += c;
    else out += '-';
  }
  bool changed = out != id || out == "main" || out.empty() || out.size() > 63 || out.front() == '-' ||
                 out.back() == '-';
  if (!changed) return out;
  core::Sha256 h;
  h.update(id);
  std::string suffix = core::Sha256::hex(h.finish()).substr(0, 6);
  while (!out.empty() && out.front() == '-') out.erase(0, 1);
  if (out.empty() || !(out[0] >= 'a' && out[0] <= 'z')) out = "s" + out;
  if (out.size() > 63 - 7) out.resize(63 - 7);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out + "-" + suffix;
}

Export export_workflow(const model::Workflow& wf, const ExportOptions& opt) {
  Export ex;
  std::string name = k8s_name(wf.name.empty() ? fs::path(wf.file).stem().string() : wf.name);
  Context cx{wf, opt, fs::path(wf.file).filename().string(),
             opt.secret_name.empty() ? name + "-secrets" : opt.secret_name, {}, ex.notes};
  Value main_outputs = exported_outputs(cx);
  const size_t scopes = std::max<size_t>(1, wf.scopes.size());
  cx.scope_params.resize(scopes);
  std::vector<Arr> dags(scopes);  // each scope's DAG tasks
  Arr templates;
  // Inner scopes first: a nested DAG's parameters are known when the task
  // of its workflow step is made (a called file's scopes come after its caller's).
  for (size_t sc = scopes; sc-- > 0;)
    for (size_t i = 0; i < wf.steps.size(); ++i)
      if (wf.steps[i].scope == sc) add_task(cx, i, dags, templates);
  for (size_t sc = scopes; sc-- > 1;) templates.push_back(nested_dag(cx, sc, dags[sc]));
  Obj main{{"name", "main"}};
  if (!main_outputs.as_array().empty()) main.emplace_back("outputs", Value(Obj{{"parameters", main_outputs}}));
  main.emplace_back("dag", Value(Obj{{"tasks", Value(std::move(dags[0]))}}));
  templates.insert(templates.begin(), Value(std::move(main)));

  Obj labels{{"app.kubernetes.io/managed-by", "wf"}, {"wf.dev/workflow", name}};
  Obj cm_meta{{"name", name + "-wf"}};
  Obj wf_meta{{"generateName", name + "-"}};
  if (!opt.namespace_.empty()) {
    cm_meta.emplace_back("namespace", opt.namespace_);
    wf_meta.emplace_back("namespace", opt.namespace_);
  }
  cm_meta.emplace_back("labels", Value(labels));
  wf_meta.emplace_back("labels", Value(labels));
  ex.config_map = Value(Obj{{"apiVersion", "v1"},
                            {"kind", "ConfigMap"},
                            {"metadata", Value(std::move(cm_meta))},
                            {"data", Value(config_data(cx.file_name, opt))}});
  Arr volumes{Value(Obj{{"name", "workflow"}, {"configMap", Value(Obj{{"name", name + "-wf"}})}})};
  bool file_secrets = false;
  for (const auto& sd : wf.secrets) file_secrets = file_secrets || (!sd.env && sd.file);
  if (file_secrets)
    volumes.push_back(Value(Obj{{"name", "wf-secrets"}, {"secret", Value(Obj{{"secretName", cx.secret_name}})}}));
  if (!opt.state_claim.empty())
    volumes.push_back(
        Value(Obj{{"name", "wf-state"}, {"persistentVolumeClaim", Value(Obj{{"claimName", opt.state_claim}})}}));
  Obj spec{{"entrypoint", "main"}};
  if (!wf.inputs.empty()) spec.emplace_back("arguments", Value(Obj{{"parameters", parameters(wf, opt.inputs)}}));
  spec.emplace_back("volumes", Value(std::move(volumes)));
  spec.emplace_back("templates", Value(std::move(templates)));
  ex.workflow = Value(Obj{{"apiVersion", "argoproj.io/v1alpha1"},
                          {"kind", "Workflow"},
                          {"metadata", Value(std::move(wf_meta))},
                          {"spec", Value(std::move(spec))}});
  return ex;
}

}  // namespace wf::argo
