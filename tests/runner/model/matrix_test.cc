// `matrix:`: the expansion (GitHub's documented examples, as a table), the
// list form, instance names, and what the loader checks before a run.

#include <catch2/catch.hpp>

#include "runner/core/json.h"
#include "runner/model/matrix.h"
#include "tests/runner/model/model_test_support.h"

using namespace wf::model;
using namespace wf::model::test;
using wf::core::Value;

namespace {

Value json(const std::string& text) {
  auto v = wf::core::parse_json(text);
  REQUIRE(v);
  return *v;
}

// The instances as one JSON list, for comparison with the table.
std::string expanded(const std::string& matrix) {
  auto r = expand_matrix(json(matrix));
  if (!r) return "error: " + r.error().message;
  return wf::core::to_json(Value(Value::Array(r->begin(), r->end())));
}

}  // namespace

TEST_CASE("matrix: expansion follows GitHub's documented examples", "[model][matrix]") {
  struct Case {
    const char* what;
    const char* matrix;
    const char* instances;
  };
  const Case cases[] = {
      {"one list", R"({"version":[10,12,14]})", R"([{"version":10},{"version":12},{"version":14}])"},
      {"cross product, first key slowest", R"({"os":["ubuntu","windows"],"version":[10,12]})",
       R"([{"os":"ubuntu","version":10},{"os":"ubuntu","version":12},{"os":"windows","version":10},)"
       R"({"os":"windows","version":12}])"},
      // docs: "Expanding or adding matrix configurations", the fruit/animal example.
      {"include extends, adds, or makes new combinations",
       R"({"fruit":["apple","pear"],"animal":["cat","dog"],"include":[{"color":"green"},)"
       R"({"color":"pink","animal":"cat"},{"fruit":"apple","shape":"circle"},{"fruit":"banana"},)"
       R"({"fruit":"banana","animal":"cat"}]})",
       R"([{"fruit":"apple","animal":"cat","color":"pink","shape":"circle"},)"
       R"({"fruit":"apple","animal":"dog","color":"green","shape":"circle"},)"
       R"({"fruit":"pear","animal":"cat","color":"pink"},{"fruit":"pear","animal":"dog","color":"green"},)"
       R"({"fruit":"banana"},{"fruit":"banana","animal":"cat"}])"},
      // docs: "Example: Expanding configurations" (npm 6 on windows/node 16).
      {"include extends one combination",
       R"({"os":["windows-latest","ubuntu-latest"],"node":[14,16],"include":[{"os":"windows-latest","node":16,"npm":6}]})",
       R"([{"os":"windows-latest","node":14},{"os":"windows-latest","node":16,"npm":6},)"
       R"({"os":"ubuntu-latest","node":14},{"os":"ubuntu-latest","node":16}])"},
      // docs: "Example: Adding configurations".
      {"include adds a combination",
       R"({"os":["windows-latest","ubuntu-latest"],"node":[14,16],"include":[{"os":"windows-latest","node":17}]})",
       R"([{"os":"windows-latest","node":14},{"os":"windows-latest","node":16},{"os":"ubuntu-latest","node":14},)"
       R"({"os":"ubuntu-latest","node":16},{"os":"windows-latest","node":17}])"},
      // docs: "Example: Adding configurations" without a matrix of lists.
      {"include only",
       R"({"include":[{"site":"production","datacenter":"site-a"},{"site":"staging","datacenter":"site-b"}]})",
       R"([{"site":"production","datacenter":"site-a"},{"site":"staging","datacenter":"site-b"}])"},
      // docs: "Excluding matrix configurations".
      {"exclude removes what it matches, partly or wholly",
       R"({"os":["macos-latest","windows-latest"],"version":[12,14,16],"environment":["staging","production"],)"
       R"("exclude":[{"os":"macos-latest","version":12,"environment":"production"},{"os":"windows-latest","version":16}]})",
       R"([{"os":"macos-latest","version":12,"environment":"staging"},)"
       R"({"os":"macos-latest","version":14,"environment":"staging"},)"
       R"({"os":"macos-latest","version":14,"environment":"production"},)"
       R"({"os":"macos-latest","version":16,"environment":"staging"},)"
       R"({"os":"macos-latest","version":16,"environment":"production"},)"
       R"({"os":"windows-latest","version":12,"environment":"staging"},)"
       R"({"os":"windows-latest","version":12,"environment":"production"},)"
       R"({"os":"windows-latest","version":14,"environment":"staging"},)"
       R"({"os":"windows-latest","version":14,"environment":"production"}])"},
      {"exclude runs before include: an excluded combination can come back",
       R"({"a":[1,2],"exclude":[{"a":2}],"include":[{"a":2,"b":3}]})", R"([{"a":1},{"a":2,"b":3}])"},
      {"values may be objects", R"({"cfg":[{"n":1},{"n":2}]})", R"([{"cfg":{"n":1}},{"cfg":{"n":2}}])"},
      {"an empty matrix", R"({})", "error: the matrix is empty"},
      {"an empty list", R"({"a":[]})", "error: matrix key 'a' must be a non-empty list, got an empty list"},
      {"a scalar where a list belongs", R"({"a":"x"})", "error: matrix key 'a' must be a non-empty list, got a string"},
      {"exclude removes everything", R"({"a":[1],"exclude":[{"a":1}]})",
       "error: the matrix has no combinations: 'exclude' removes every one"},
      {"exclude of an unknown key", R"({"a":[1],"exclude":[{"b":1}]})",
       "error: 'exclude' names key 'b', which the matrix does not have"},
      {"include that duplicates a combination it made before",
       R"({"a":[1],"include":[{"a":2},{"a":2}]})", "error: this 'include' item makes the combination (2) a second time"},
      {"a list with a value twice", R"({"a":[1,1]})", "error: the matrix has the combination (1) twice"},
      {"include of a non-object", R"({"include":["x"]})", "error: each item of 'include' must be a non-empty object, got a string"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    CHECK(expanded(c.matrix) == c.instances);
  }
}

TEST_CASE("matrix: more combinations than the limit are refused before expanding", "[model][matrix]") {
  Value::Array ten;
  for (int i = 0; i < 10; ++i) ten.emplace_back(i);
  Value::Object m;
  for (const char* k : {"a", "b", "c", "d", "e"}) m.emplace_back(k, Value(ten));  // 100000
  auto r = expand_matrix(Value(m));
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "the matrix has more than 10000 combinations");
}

TEST_CASE("matrix: the list form takes objects, and names what else it got", "[model][matrix]") {
  auto ok = matrix_from_list(json(R"([{"cluster":"a"},{"cluster":"b","region":"eu"}])"));
  REQUIRE(ok);
  CHECK(ok->size() == 2);
  CHECK(matrix_from_list(json(R"("a,b")")).error() == "the matrix is a string, not a list of objects");
  CHECK(matrix_from_list(json(R"({"a":[1]})")).error() == "the matrix is an object, not a list of objects");
  CHECK(matrix_from_list(json(R"([])")).error() == "the matrix is an empty list");
  CHECK(matrix_from_list(json(R"([{"a":1},2])")).error() == "item 1 of the matrix is a number, not an object");
  CHECK(matrix_from_list(json(R"([{"a":1},{"a":1}])")).error() == "item 1 of the matrix repeats item 0");
  CHECK(matrix_instances(json(R"({"a":[1,2]})"))->size() == 2);
  CHECK(matrix_instances(json(R"({"a":[]})")).error() == "a: matrix key 'a' must be a non-empty list, got an empty list");
}

TEST_CASE("matrix: an instance is named as GitHub names a matrix job", "[model][matrix]") {
  CHECK(instance_name("deploy", json(R"({"cluster":"a","region":"us"})")) == "deploy (a, us)");
  CHECK(instance_name("test", json(R"({"node":16,"ok":true,"cfg":{"n":1}})")) == R"(test (16, true, {"n":1}))");
  auto names = instance_names("d", {json(R"({"a":"1"})"), json(R"({"a":1})")});
  REQUIRE_FALSE(names);
  CHECK(names.error() == "two instances of the matrix are both named 'd (1)'");
}

TEST_CASE("matrix: the loader expands a static matrix and keeps its settings", "[model][matrix]") {
  auto r = load(R"Y(steps:
  deploy:
    matrix:
      cluster: [a, b]
      region: [us, eu]
      exclude: [{ cluster: b, region: eu }]
    max-parallel: 2
    fail-fast: false
    run: echo ${{ matrix.cluster }} ${{ matrix.region }}
)Y");
  REQUIRE(errors(r).empty());
  const Step& s = r.workflow->steps[0];
  REQUIRE(s.matrix);
  CHECK_FALSE(s.matrix->dynamic);
  CHECK(s.matrix->names == std::vector<std::string>{"deploy (a, us)", "deploy (a, eu)", "deploy (b, us)"});
  CHECK(s.matrix->keys == std::vector<std::string>{"cluster", "region"});
  CHECK(s.matrix->max_parallel == 2);
  CHECK_FALSE(s.matrix->fail_fast);
  CHECK(s.matrix->loc.line == 3);
}

TEST_CASE("matrix: an expression makes it dynamic, with its step references recorded", "[model][matrix]") {
  auto r = load(R"Y(steps:
  discover:
    run: echo
  deploy:
    needs: [discover]
    matrix: ${{ fromJSON(steps.discover.outputs.clusters) }}
    run: echo ${{ matrix.cluster }}
  pinned:
    matrix: { cluster: "${{ fromJSON('[1,2]') }}", include: [{ extra: x }] }
    run: echo ${{ matrix.extra }}
)Y");
  REQUIRE(errors(r).empty());
  const Step& d = r.workflow->steps[1];
  REQUIRE(d.matrix);
  CHECK(d.matrix->expression);
  CHECK(d.matrix->dynamic);
  CHECK(d.matrix->any_key);
  REQUIRE(d.step_refs.size() == 1);
  CHECK(d.step_refs[0].id == "discover");
  const Step& p = r.workflow->steps[2];
  CHECK(p.matrix->dynamic);
  CHECK_FALSE(p.matrix->expression);
  CHECK(p.matrix->keys == std::vector<std::string>{"cluster", "extra"});
}

TEST_CASE("matrix: the loader reports each mistake where it is", "[model][matrix]") {
  CHECK(errors_of(R"Y(steps:
  a:
    matrix: {}
    run: echo
)Y") == std::vector<std::string>{"3:13: matrix of step 'a': the matrix is empty"});
  CHECK(errors_of(R"Y(steps:
  a:
    matrix: { x: [], y: 3 }
    run: echo
)Y") == std::vector<std::string>{"3:18: matrix key 'x' of step 'a' must be a non-empty list, got an empty list",
                                 "3:25: matrix key 'y' of step 'a' must be a non-empty list, got '3'"});
  CHECK(errors_of(R"Y(steps:
  a:
    matrix:
      x: [1, 2]
      include:
        - { x: 3 }
        - { x: 3 }
    run: echo
)Y") == std::vector<std::string>{
              "7:11: matrix of step 'a': this 'include' item makes the combination (3) a second time"});
  CHECK(errors_of(R"Y(steps:
  a:
    run: echo ${{ matrix.x }}
  b:
    matrix: { x: [1] }
    run: echo ${{ matrix.y }}
  c:
    matrix: { x: [1] }
    if: matrix.x == 1
    run: echo
  d:
    max-parallel: 2
    run: echo
  e:
    matrix: "${{ matrix.x }}"
    run: echo
  f:
    matrix: [1, 2]
    max-parallel: 0
    run: echo
)Y") == std::vector<std::string>{
              "3:19: 'matrix' is not available here: the step has no 'matrix:'",
              "6:26: the matrix has no key 'y' (it has: x); did you mean 'x'?",
              "9:9: 'matrix' is not available here: 'if' is decided once for the whole matrix step, before its "
              "instances exist",
              "12:5: 'max-parallel' only applies to a step with a 'matrix:'",
              "15:18: 'matrix' is not available here: a matrix cannot read its own values",
              "18:13: 'matrix' of step 'f' must be a mapping of lists, or one ${{ }} giving a list of objects, got a "
              "list",
              "19:19: 'max-parallel' of step 'f' must be a whole number of at least 1, got '0'"});
}

TEST_CASE("matrix: a dynamic matrix may read only steps it needs", "[model][matrix]") {
  // The graph's reachability check reads step_refs: the matrix's reference is there.
  auto r = load(R"Y(steps:
  discover:
    run: echo
  deploy:
    matrix: ${{ fromJSON(steps.discover.outputs.list) }}
    run: echo
)Y");
  REQUIRE(r.workflow);
  REQUIRE(r.workflow->steps[1].step_refs.size() == 1);
  CHECK(r.workflow->steps[1].step_refs[0].loc.line == 5);
}
