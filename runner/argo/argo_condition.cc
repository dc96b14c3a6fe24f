// `needs` and `if:` → Argo's `depends` and `when` (docs/argo.md, "needs and
// if: → depends and when"). Only conditions whose Argo form gives the same
// answer for every possible value are mapped; the rest is left to wf step.

#include <optional>

#include "runner/argo/argo_export.h"
#include "runner/core/strings.h"
#include "runner/expr/node.h"
#include "runner/graph/dag.h"

namespace wf::argo {

namespace {

using expr::Node;
using Kind = Node::Kind;

const Node& unwrap(const Node& n) { return n.kind == Kind::kGroup ? unwrap(n.children[0]) : n; }

// The conjuncts of a top-level `a && (b && c)`.
void conjuncts(const Node& n, std::vector<const Node*>& out) {
  const Node& u = unwrap(n);
  if (u.kind == Kind::kAnd) {
    for (const auto& c : u.children) conjuncts(c, out);
  } else {
    out.push_back(&u);
  }
}

bool calls_status(const Node& n) {
  if (n.kind == Kind::kCall && (n.function == expr::Function::kSuccess || n.function == expr::Function::kFailure ||
                                n.function == expr::Function::kAlways || n.function == expr::Function::kCancelled))
    return true;
  for (const auto& c : n.children)
    if (calls_status(c)) return true;
  return false;
}

// `inputs.X` / `inputs['X']`: the declared input, else null.
const model::InputDecl* input_ref(const model::Workflow& wf, const Node& n) {
  const Node& u = unwrap(n);
  if (u.kind != Kind::kIndex || u.star || u.children.size() != 2) return nullptr;
  const Node& obj = unwrap(u.children[0]);
  const Node& key = unwrap(u.children[1]);
  if (obj.kind != Kind::kNamedValue || !core::iequals(obj.name, "inputs")) return nullptr;
  if (key.kind != Kind::kLiteral || !key.value.is_string()) return nullptr;
  for (const auto& in : wf.inputs)
    if (core::iequals(in.name, key.value.as_string())) return &in;
  return nullptr;
}

std::string param(const model::InputDecl& in) { return "{{workflow.parameters." + in.name + "}}"; }

bool quotable(std::string_view s) {
  return s.find_first_of("'\\\n") == std::string_view::npos && s.find("{{") == std::string_view::npos;
}

// `input == literal` (either side) for a boolean or choice input.
std::optional<std::string> comparison(const model::Workflow& wf, const Node& n) {
  if (n.op != expr::CompareOp::kEq && n.op != expr::CompareOp::kNe) return std::nullopt;
  const model::InputDecl* in = input_ref(wf, n.children[0]);
  const Node* lit = &unwrap(n.children[1]);
  if (!in) {
    in = input_ref(wf, n.children[1]);
    lit = &unwrap(n.children[0]);
  }
  if (!in || lit->kind != Kind::kLiteral) return std::nullopt;
  const char* op = n.op == expr::CompareOp::kEq ? " == " : " != ";
  if (in->type == "boolean" && lit->value.is_bool())
    return param(*in) + op + (lit->value.as_bool() ? "true" : "false");
  if (in->type != "choice" || in->options.empty() || !lit->value.is_string()) return std::nullopt;
  for (const auto& o : in->options) {
    if (!quotable(o)) return std::nullopt;
  }
  for (const auto& o : in->options)
    if (core::iequals(o, lit->value.as_string())) return "'" + param(*in) + "'" + op + "'" + o + "'";
  return std::nullopt;
}

// A condition without status functions as an Argo `when`, if exact.
std::optional<std::string> value_expr(const model::Workflow& wf, const Node& n) {
  const Node& u = unwrap(n);
  switch (u.kind) {
    case Kind::kIndex: {
      const model::InputDecl* in = input_ref(wf, u);
      if (in && in->type == "boolean") return param(*in) + " == true";
      return std::nullopt;
    }
    case Kind::kNot: {
      auto inner = value_expr(wf, u.children[0]);
      return inner ? std::optional<std::string>("!(" + *inner + ")") : std::nullopt;
    }
    case Kind::kCompare: return comparison(wf, u);
    case Kind::kAnd:
    case Kind::kOr: {
      // a && b / a || b of booleans: each operand is a boolean term here, so
      // GitHub's "returns an operand" is the same truth value.
      std::string out;
      for (const auto& c : u.children) {
        auto t = value_expr(wf, c);
        if (!t) return std::nullopt;
        if (!out.empty()) out += u.kind == Kind::kAnd ? " && " : " || ";
        out += "(" + *t + ")";
      }
      return out;
    }
    default: return std::nullopt;
  }
}

enum class Mode { kSuccess, kAlways, kFailure };

// What the step's task depends on in its DAG. A workflow step's task (a
// nested DAG) depends on what the step declared; the first steps of the
// file it calls need nothing inside that DAG (it starts when they may).
std::vector<model::Need> dag_needs(const model::Workflow& wf, const model::Step& step) {
  if (step.calls) return wf.scopes[*step.calls].needs;
  std::vector<model::Need> out;
  for (const auto& n : step.needs)
    if (const model::Step* m = wf.step(n.id); m && m->scope == step.scope) out.push_back(n);
  return out;
}

// Its transitive needs that are tasks of the same DAG.
std::vector<size_t> dag_transitive(const model::Workflow& wf, size_t index) {
  std::vector<size_t> out;
  for (size_t m : graph::transitive_needs(wf, index))
    if (wf.steps[m].scope == wf.steps[index].scope) out.push_back(m);
  return out;
}

std::string depends(const model::Workflow& wf, size_t index, Mode mode) {
  const model::Step& step = wf.steps[index];
  std::vector<std::string> parts;
  for (const auto& need : dag_needs(wf, step)) {
    const model::Step* n = wf.step(need.id);
    std::string t = k8s_name(need.id);
    if (mode == Mode::kSuccess)
      parts.push_back(n && n->continue_on_error ? "(" + t + ".Succeeded || " + t + ".Failed)" : t + ".Succeeded");
    else
      parts.push_back("(" + t + ".Succeeded || " + t + ".Failed || " + t + ".Errored || " + t + ".Skipped || " + t +
                      ".Omitted)");
  }
  if (mode == Mode::kFailure) {
    std::vector<std::string> failed;
    for (size_t m : dag_transitive(wf, index)) {
      if (wf.steps[m].continue_on_error) continue;
      std::string t = k8s_name(wf.steps[m].id);
      failed.push_back(t + ".Failed || " + t + ".Errored");
    }
    parts.push_back("(" + core::join(failed, " || ") + ")");
  }
  return core::join(parts, " && ");
}

}  // namespace

Gate map_gate(const model::Workflow& wf, size_t index) {
  const model::Step& step = wf.steps[index];
  Gate g;
  if (!step.if_ || !step.if_->root()) {
    g.depends = depends(wf, index, Mode::kSuccess);
    return g;
  }
  bool status_fn = step.if_->uses_status_function();
  std::vector<const Node*> terms;
  conjuncts(*step.if_->root(), terms);
  bool always = false, success = false, failure = false;
  std::vector<std::string> whens;
  std::string why;
  for (const Node* t : terms) {
    if (t->kind == Kind::kCall && t->function == expr::Function::kAlways) always = true;
    else if (t->kind == Kind::kCall && t->function == expr::Function::kSuccess) success = true;
    else if (t->kind == Kind::kCall && t->function == expr::Function::kFailure) failure = true;
    else if (calls_status(*t)) why = "a status function other than always(), success() or failure() at top level";
    else if (step.scope > 0) why = "a condition on a called file's values";
    else if (auto w = value_expr(wf, *t)) whens.push_back(*w);
    else why = "a term Argo cannot evaluate the same way";
  }
  if (failure && (success || graph::transitive_needs(wf, index).empty()))
    why = "failure() that can never be true here";
  if (failure) {
    bool any = false;
    for (size_t m : graph::transitive_needs(wf, index)) any = any || !wf.steps[m].continue_on_error;
    if (!any) why = "failure() with no need that can fail";
    if (dag_transitive(wf, index).size() != graph::transitive_needs(wf, index).size() && !step.calls)
      why = "failure() of a step outside the called file";
  }
  Mode mode = failure ? Mode::kFailure : (always && !success) ? Mode::kAlways : Mode::kSuccess;
  if (!why.empty()) {
    g.exact = false;
    g.why = why;
    g.depends = depends(wf, index, status_fn ? Mode::kAlways : Mode::kSuccess);
    return g;
  }
  g.depends = depends(wf, index, mode);
  if (whens.size() == 1) g.when = whens[0];
  else
    for (const auto& w : whens) g.when += (g.when.empty() ? "(" : " && (") + w + ")";
  return g;
}

}  // namespace wf::argo
