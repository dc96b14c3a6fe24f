#include <catch2/catch.hpp>

#include "runner/graph/dag.h"

using namespace wf;

namespace {

// A workflow from "id:need,need" specs, with positions line = index + 1.
model::Workflow make(std::vector<std::pair<std::string, std::vector<std::string>>> specs) {
  model::Workflow wf;
  wf.name = "t";
  int line = 1;
  for (auto& [id, needs] : specs) {
    model::Step s;
    s.id = id;
    s.uses = "run";
    s.loc = {"f.yaml", line, 3};
    int col = 10;
    for (auto& n : needs) s.needs.push_back({n, {"f.yaml", line, col++}});
    wf.steps.push_back(std::move(s));
    ++line;
  }
  return wf;
}

}  // namespace

TEST_CASE("graph: an acyclic workflow has no errors and waves by longest chain", "[graph]") {
  auto wf = make({{"a", {}}, {"b", {"a"}}, {"c", {"a"}}, {"d", {"b", "c"}}, {"e", {}}, {"f", {"a", "d"}}});
  CHECK(graph::check(wf).empty());
  auto w = graph::waves(wf);
  REQUIRE(w.size() == 4);
  CHECK(w[0] == std::vector<std::string>{"a", "e"});
  CHECK(w[1] == std::vector<std::string>{"b", "c"});
  CHECK(w[2] == std::vector<std::string>{"d"});
  CHECK(w[3] == std::vector<std::string>{"f"});
}

TEST_CASE("graph: a cycle is printed as the cycle, once", "[graph]") {
  auto wf = make({{"a", {"c"}}, {"b", {"a"}}, {"c", {"b"}}, {"d", {"a"}}});
  auto d = graph::check(wf);
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "dependency cycle: a -> c -> b -> a (each step needs the next)");
  CHECK(d[0].loc.line == 2);  // b's need of a closes it
}

TEST_CASE("graph: a step needing itself is a cycle", "[graph]") {
  auto wf = make({{"a", {"a"}}});
  auto d = graph::check(wf);
  REQUIRE(d.size() == 1);
  CHECK(d[0].message == "dependency cycle: a -> a (each step needs the next)");
}

TEST_CASE("graph: steps.X must be a transitive need", "[graph]") {
  auto wf = make({{"a", {}}, {"b", {"a"}}, {"c", {"b"}}, {"x", {}}});
  wf.steps[2].step_refs = {{"a", {"f.yaml", 3, 20}}, {"x", {"f.yaml", 3, 40}}, {"c", {"f.yaml", 3, 60}}};
  auto d = graph::check(wf);
  REQUIRE(d.size() == 2);
  CHECK(d[0].message == "step 'c' reads steps.x but does not need it; add 'x' to its needs");
  CHECK(d[0].loc.column == 40);
  CHECK(d[1].message == "step 'c' reads its own outputs (steps.c)");
}

TEST_CASE("graph: transitive needs", "[graph]") {
  auto wf = make({{"a", {}}, {"b", {"a"}}, {"c", {"b"}}, {"x", {}}});
  CHECK(graph::transitive_needs(wf, 2) == std::set<size_t>{0, 1});
  CHECK(graph::transitive_needs(wf, 0).empty());
}

TEST_CASE("graph: a matrix step is drawn with its number of instances", "[graph][matrix]") {
  auto wf = make({{"deploy", {}}, {"smoke", {"deploy"}}, {"plain", {"smoke"}}});
  wf.steps[0].matrix.emplace();
  wf.steps[0].matrix->instances = {core::Value(core::Value::Object{{"c", "a"}}),
                                   core::Value(core::Value::Object{{"c", "b"}})};
  wf.steps[1].matrix.emplace();
  wf.steps[1].matrix->dynamic = true;
  CHECK(graph::fan_out_label(wf.steps[0]) == "deploy \u00d72");
  CHECK(graph::fan_out_label(wf.steps[1]) == "smoke \u00d7 matrix");
  CHECK(graph::fan_out_label(wf.steps[2]) == "plain");
  std::string dot = graph::to_dot(wf);
  CHECK(dot.find("label=\"deploy \u00d72\\nrun\"") != std::string::npos);
  CHECK(graph::to_mermaid(wf).find("smoke \u00d7 matrix<br/>run") != std::string::npos);
}
