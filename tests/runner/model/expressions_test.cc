// Expressions in a workflow: parsed once at load, errors at the bad token
// in the file, the names they read checked against what is declared.

#include <catch2/catch.hpp>

#include "tests/runner/model/model_test_support.h"

using namespace wf::model;
using namespace wf::model::test;
using Errors = std::vector<std::string>;

TEST_CASE("expressions: templates are kept by path, with where each string starts", "[model]") {
  auto r = load(R"Y(inputs: {cluster: {}}
steps:
  d:
    uses: deploy
    with:
      image: "app-${{ inputs.cluster }}"
      files: [a.yaml, "${{ inputs.cluster }}.yaml"]
      values: { vars: { name: '${{ inputs.cluster }}' }, n: 1 }
)Y");
  REQUIRE(errors(r).empty());
  const Step& d = r.workflow->steps[0];
  const Param& image = *d.param("image");
  REQUIRE(image.templates.count(""));
  CHECK(image.templates.at("").has_expressions());
  CHECK_FALSE(image.templates.at("").is_single_expression());
  CHECK(image.locs.at("").line == 6);
  CHECK(image.locs.at("").column == 15);  // after the quote
  const Param& files = *d.param("files");
  CHECK(files.templates.count("/0"));
  CHECK_FALSE(files.templates.at("/0").has_expressions());
  CHECK(files.templates.at("/1").has_expressions());
  CHECK(files.locs.at("/1").column == 24);
  const Param& values = *d.param("values");
  CHECK(values.templates.at("/vars/name").is_single_expression());
  CHECK(values.locs.at("/vars/name").column == 32);
  CHECK_FALSE(values.templates.count("/n"));  // a number, not a string
}

TEST_CASE("expressions: a bad token is reported where it is in a plain scalar", "[model]") {
  CHECK(errors_of("steps:\n  a:\n    run: echo ${{ 1 + }}\n") ==
        Errors{"3:21: invalid expression: Unexpected symbol: '+'"});
}

TEST_CASE("expressions: a bad token is reported where it is in a quoted scalar", "[model]") {
  CHECK(errors_of("steps:\n  a:\n    run: \"echo ${{ runner.x }}\"\n") ==
        Errors{"3:20: invalid expression: Unrecognized named-value: 'runner'"});
  CHECK(errors_of("steps:\n  a:\n    run: 'it''s ${{ runner.x }}'\n") ==
        Errors{"3:21: invalid expression: Unrecognized named-value: 'runner'"});
}

TEST_CASE("expressions: a bad token is reported where it is in a literal block", "[model]") {
  CHECK(errors_of(R"Y(steps:
  a:
    run: |
      echo start
        echo ${{ inputs.x ]] }}
      echo end
)Y") == Errors{"5:27: invalid expression: Unexpected symbol: ']'"});
}

TEST_CASE("expressions: a bad token in a folded block is found on its line", "[model]") {
  CHECK(errors_of(R"Y(steps:
  a:
    run: >
      echo one
      two ${{ runner.y }}
)Y") == Errors{"5:15: invalid expression: Unrecognized named-value: 'runner'"});
}

TEST_CASE("expressions: an unclosed ${{ is an error", "[model]") {
  auto e = errors_of("steps:\n  a:\n    run: echo ${{ inputs.x\n");
  REQUIRE(e.size() == 1);
  CHECK(e[0].rfind("3:", 0) == 0);
  CHECK(e[0].find("invalid expression: ") != std::string::npos);
}

TEST_CASE("expressions: the top-level env may not read steps or env", "[model]") {
  CHECK(errors_of("env:\n  A: ${{ steps.a.outputs.x }}\nsteps: {a: {run: x}}\n") ==
        Errors{"2:10: invalid expression: Unrecognized named-value: 'steps'"});
}

TEST_CASE("references: inputs, secrets and steps must be declared", "[model]") {
  CHECK(errors_of(R"Y(inputs: {cluster: {}}
secrets: {github-token: {env: GITHUB_TOKEN}}
steps:
  build:
    run: echo ${{ inputs.clustr }} ${{ secrets.github-tokn }}
  deploy:
    uses: deploy
    with: { image: "${{ steps.biuld.outputs.image }}" }
    env: { A: "${{ INPUTS.Cluster }}" }
)Y") == Errors{"5:26: unknown input 'clustr'; did you mean 'cluster'?",
               "5:48: unknown secret 'github-tokn'; did you mean 'github-token'?",
               "8:31: unknown step 'biuld'; did you mean 'build'?"});
}

TEST_CASE("references: every steps.X a step reads is recorded for the graph check", "[model]") {
  auto r = load(R"Y(steps:
  build: {run: x}
  test: {run: x}
  deploy:
    uses: deploy
    if: steps.test.outcome == 'success'
    with: { image: "${{ steps.build.outputs.image }}", files: ["${{ steps.Test.outputs.f }}"] }
    env: { A: "${{ steps.build.outcome }}" }
  report:
    run: echo ${{ toJSON(steps) }} ${{ steps.deploy.outcome }}
)Y");
  REQUIRE(errors(r).empty());
  const auto& refs = r.workflow->steps[2].step_refs;
  std::vector<std::string> ids;
  for (const auto& ref : refs)
    ids.push_back(ref.id + "@" + std::to_string(ref.loc.line) + ":" + std::to_string(ref.loc.column));
  CHECK(ids == std::vector<std::string>{"build@7:25", "test@7:69", "test@6:9", "build@8:20"});
  REQUIRE(r.workflow->steps[3].step_refs.size() == 1);
  CHECK(r.workflow->steps[3].step_refs[0].id == "deploy");
  CHECK(r.workflow->steps[0].step_refs.empty());
}

TEST_CASE("if: a YAML boolean, a bare expression or one ${{ }}", "[model]") {
  auto r = load(R"Y(inputs: {smoke: {type: boolean}}
steps:
  a: {run: x, if: false}
  b: {run: x, if: "inputs.smoke && success()"}
  c: {run: x, if: "${{ always() }}"}
  d: {run: x}
)Y");
  REQUIRE(errors(r).empty());
  const auto& s = r.workflow->steps;
  REQUIRE(s[0].if_);
  CHECK(s[0].if_->text() == "false");
  REQUIRE(s[1].if_);
  CHECK(s[1].if_->text() == "inputs.smoke && success()");
  CHECK(s[1].if_loc.line == 4);
  CHECK(s[1].if_loc.column == 20);
  REQUIRE(s[2].if_);
  CHECK(s[2].if_->uses_status_function());
  CHECK_FALSE(s[3].if_);
}

TEST_CASE("if: errors point into the condition", "[model]") {
  CHECK(errors_of(R"Y(steps:
  a: {run: x, if: "inputs.x == "}
  b: {run: x, if: "${{ success() }} && true"}
  c: {run: x, if: [true]}
  d: {run: x, if: inputs.nope}
)Y") == Errors{"2:29: invalid expression: Unexpected end of expression: '=='",
               "3:19: 'if' of step 'b' has text outside its ${{ }}; write the whole condition inside it",
               "4:19: 'if' of step 'c' must be an expression or a boolean, got a list",
               "5:26: unknown input 'nope' (the workflow declares no inputs)"});
}
