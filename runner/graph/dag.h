#pragma once
// The DAG of a workflow: checks, waves, pictures. Pure functions of the
// model, tested without running anything.

#include <set>
#include <string>
#include <vector>

#include "runner/core/diagnostic.h"
#include "runner/model/workflow.h"

namespace wf::graph {

/// Graph errors, each once: a cycle, printed as the cycle
/// ("dependency cycle: a -> b -> c -> a", at the need that closes it), and a
/// `steps.X` expression whose X is not among the step's transitive needs.
core::Diagnostics check(const model::Workflow& wf);

/// Step indexes (into wf.steps) each step directly needs. Unknown ids are
/// dropped (the loader reports them).
std::vector<std::vector<size_t>> need_indexes(const model::Workflow& wf);

/// Every step `index` transitively needs (indexes). Requires no cycle.
std::set<size_t> transitive_needs(const model::Workflow& wf, size_t index);
/// The same from need_indexes()'s result, for a caller that asks for many
/// steps (building the indexes is O(steps)).
std::set<size_t> transitive_needs(const std::vector<std::vector<size_t>>& needs, size_t index);

/// Waves: wave 0 has the steps with no needs, wave k those whose longest
/// chain of needs is k long; within a wave, file order. Requires no cycle.
std::vector<std::vector<std::string>> waves(const model::Workflow& wf);

/// How a picture names a step: its id, with "×4" for a static matrix of
/// four instances, or "× matrix" for one known only at run time.
std::string fan_out_label(const model::Step& step);

/// Graphviz DOT of the DAG (edges from need to dependent; conditional steps
/// dashed, labelled by their step type).
std::string to_dot(const model::Workflow& wf);
/// A Mermaid `flowchart TD` of the same.
std::string to_mermaid(const model::Workflow& wf);

}  // namespace wf::graph
