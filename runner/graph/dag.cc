#include "runner/graph/dag.h"

#include <algorithm>
#include <functional>
#include <map>

#include "runner/core/strings.h"

namespace wf::graph {

std::vector<std::vector<size_t>> need_indexes(const model::Workflow& wf) {
  std::map<std::string, size_t, std::less<>> index;
  for (size_t i = 0; i < wf.steps.size(); ++i) index[wf.steps[i].id] = i;
  std::vector<std::vector<size_t>> needs(wf.steps.size());
  for (size_t i = 0; i < wf.steps.size(); ++i) {
    for (const auto& n : wf.steps[i].needs) {
      auto it = index.find(n.id);
      if (it != index.end() && std::find(needs[i].begin(), needs[i].end(), it->second) == needs[i].end())
        needs[i].push_back(it->second);
    }
  }
  return needs;
}

namespace {

// Finds every elementary cycle reachable by DFS back edges, once each.
void find_cycles(const model::Workflow& wf, const std::vector<std::vector<size_t>>& needs,
                 core::Diagnostics& out) {
  enum Color { kWhite, kGrey, kBlack };
  std::vector<Color> color(wf.steps.size(), kWhite);
  std::vector<size_t> stack;
  std::set<std::vector<size_t>> seen;
  std::function<void(size_t)> visit = [&](size_t u) {
    color[u] = kGrey;
    stack.push_back(u);
    for (size_t k = 0; k < needs[u].size(); ++k) {
      size_t v = needs[u][k];
      if (color[v] == kWhite) {
        visit(v);
      } else if (color[v] == kGrey) {
        auto from = std::find(stack.begin(), stack.end(), v);
        std::vector<size_t> cycle(from, stack.end());
        // u needs v: the cycle as "dependency" arrows runs v -> ... -> u -> v
        // when read as "is needed by"; print it as "x needs y" order instead.
        std::vector<size_t> key = cycle;
        std::rotate(key.begin(), std::min_element(key.begin(), key.end()), key.end());
        if (!seen.insert(key).second) continue;
        std::vector<std::string> names;
        for (size_t s : cycle) names.push_back(wf.steps[s].id);
        names.push_back(wf.steps[v].id);
        const model::Need* closing = nullptr;
        for (const auto& n : wf.steps[u].needs)
          if (n.id == wf.steps[v].id) closing = &n;
        out.push_back({closing ? closing->loc : wf.steps[u].loc,
                       "dependency cycle: " + core::join(names, " -> ") + " (each step needs the next)"});
      }
    }
    stack.pop_back();
    color[u] = kBlack;
  };
  for (size_t i = 0; i < wf.steps.size(); ++i)
    if (color[i] == kWhite) visit(i);
}

std::set<size_t> reach(const std::vector<std::vector<size_t>>& needs, size_t index) {
  std::set<size_t> seen;
  std::vector<size_t> todo = needs[index];
  while (!todo.empty()) {
    size_t s = todo.back();
    todo.pop_back();
    if (!seen.insert(s).second) continue;
    for (size_t n : needs[s]) todo.push_back(n);
  }
  return seen;
}

}  // namespace

core::Diagnostics check(const model::Workflow& wf) {
  core::Diagnostics out;
  auto needs = need_indexes(wf);
  find_cycles(wf, needs, out);
  // Reachability is checked even with cycles (reach() stops at what it has
  // seen), so one pass reports every graph error.
  for (size_t i = 0; i < wf.steps.size(); ++i) {
    const auto& step = wf.steps[i];
    if (step.step_refs.empty()) continue;
    std::set<size_t> before = reach(needs, i);
    for (const auto& ref : step.step_refs) {
      auto it = std::find_if(wf.steps.begin(), wf.steps.end(), [&](const model::Step& s) { return s.id == ref.id; });
      if (it == wf.steps.end()) continue;  // the loader reports unknown steps
      size_t j = static_cast<size_t>(it - wf.steps.begin());
      if (j == i) {
        out.push_back({ref.loc, "step '" + step.id + "' reads its own outputs (steps." + ref.id + ")"});
      } else if (!before.count(j)) {
        out.push_back({ref.loc, "step '" + step.id + "' reads steps." + ref.id + " but does not need it; add '" +
                                    ref.id + "' to its needs"});
      }
    }
  }
  return out;
}

std::set<size_t> transitive_needs(const model::Workflow& wf, size_t index) {
  return reach(need_indexes(wf), index);
}

std::set<size_t> transitive_needs(const std::vector<std::vector<size_t>>& needs, size_t index) {
  return reach(needs, index);
}

std::vector<std::vector<std::string>> waves(const model::Workflow& wf) {
  auto needs = need_indexes(wf);
  std::vector<int> depth(wf.steps.size(), -1);
  std::function<int(size_t)> level = [&](size_t i) {
    if (depth[i] >= 0) return depth[i];
    int d = 0;
    for (size_t n : needs[i]) d = std::max(d, level(n) + 1);
    return depth[i] = d;
  };
  std::vector<std::vector<std::string>> out;
  for (size_t i = 0; i < wf.steps.size(); ++i) {
    size_t d = static_cast<size_t>(level(i));
    if (out.size() <= d) out.resize(d + 1);
    out[d].push_back(wf.steps[i].id);
  }
  return out;
}

namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";  // a line break inside a DOT label
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string fan_out_label(const model::Step& step) {
  if (!step.matrix) return step.id;
  if (step.matrix->dynamic) return step.id + " \u00d7 matrix";
  return step.id + " \u00d7" + std::to_string(step.matrix->instances.size());
}

std::string to_dot(const model::Workflow& wf) {
  std::string out = "digraph " + quoted(wf.name.empty() ? "workflow" : wf.name) + " {\n";
  out += "  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n";
  for (const auto& s : wf.steps) {
    std::string name = s.name.empty() || s.name == s.id ? "" : s.name + "\n";
    out += "  " + quoted(s.id) + " [label=" + quoted(fan_out_label(s) + "\n" + name + s.uses);
    if (s.if_) out += ", style=\"rounded,dashed\"";
    out += "];\n";
  }
  for (const auto& s : wf.steps)
    for (const auto& n : s.needs) out += "  " + quoted(n.id) + " -> " + quoted(s.id) + ";\n";
  return out + "}\n";
}

std::string to_mermaid(const model::Workflow& wf) {
  // Mermaid node ids allow only [A-Za-z0-9_]; map each step to n<index>.
  std::map<std::string, std::string> node;
  for (size_t i = 0; i < wf.steps.size(); ++i) node[wf.steps[i].id] = "n" + std::to_string(i);
  std::string out = "flowchart TD\n";
  for (const auto& s : wf.steps) {
    std::string name = s.name.empty() || s.name == s.id ? "" : s.name + "<br/>";
    std::string label = fan_out_label(s) + "<br/>" + name + s.uses;
    for (size_t at = label.find('"'); at != std::string::npos; at = label.find('"', at)) label.replace(at, 1, "#quot;");
    out += "  " + node[s.id] + (s.if_ ? "{{\"" : "[\"") + label + (s.if_ ? "\"}}" : "\"]") + "\n";
  }
  for (const auto& s : wf.steps)
    for (const auto& n : s.needs)
      if (node.count(n.id)) out += "  " + node[n.id] + " --> " + node[s.id] + "\n";
  return out;
}

}  // namespace wf::graph
