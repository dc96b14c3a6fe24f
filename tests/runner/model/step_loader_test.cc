// Steps: keys, ids, `uses`/`run`, step types and `with:` names, needs,
// settings.

#include <catch2/catch.hpp>

#include "tests/runner/model/model_test_support.h"
#include "tests/support/command.h"

using namespace wf::model;
using namespace wf::model::test;
using Errors = std::vector<std::string>;

TEST_CASE("steps: keep file order, default their name to the id, know where they are", "[model]") {
  auto r = load(R"Y(steps:
  zeta:
    run: echo z
  alpha:
    name: The first letter
    uses: deploy
    with: { image: app }
    needs: zeta
    continue-on-error: true
    working-directory: sub
)Y");
  REQUIRE(errors(r).empty());
  const auto& s = r.workflow->steps;
  REQUIRE(s.size() == 2);
  CHECK(s[0].id == "zeta");
  CHECK(s[0].name == "zeta");
  CHECK(s[0].loc.line == 2);
  CHECK(s[0].loc.column == 3);
  CHECK(s[1].id == "alpha");
  CHECK(s[1].name == "The first letter");
  CHECK(s[1].uses == "deploy");
  CHECK(s[1].uses_loc.line == 6);
  CHECK(s[1].uses_loc.column == 11);
  REQUIRE(s[1].needs.size() == 1);
  CHECK(s[1].needs[0].id == "zeta");
  CHECK(s[1].needs[0].loc.line == 8);
  CHECK(s[1].continue_on_error);
  CHECK(s[1].working_directory == "sub");
  CHECK_FALSE(s[1].if_);
  CHECK_FALSE(s[1].timeout);
}

TEST_CASE("steps: a `run:` step is the run type with its script and shell", "[model]") {
  auto r = load(R"Y(steps:
  a:
    run: |
      echo one
      echo two
    shell: sh -e
)Y");
  REQUIRE(errors(r).empty());
  const Step& a = r.workflow->steps[0];
  CHECK(a.uses == "run");
  CHECK(a.uses_loc.line == 3);
  CHECK(a.uses_loc.column == 5);
  REQUIRE(a.param("script"));
  CHECK(a.param("script")->value == Value("echo one\necho two\n"));
  CHECK(a.param("script")->loc.line == 3);
  CHECK(a.shell == "sh -e");
  REQUIRE(a.param("shell"));
  CHECK(a.param("shell")->value == Value("sh -e"));
}

TEST_CASE("steps: unknown keys, with a suggestion", "[model]") {
  CHECK(errors_of("steps:\n  build:\n    run: x\n    nede: [a]\n    timeout_total: 1m\n    colour: red\n") ==
        Errors{"4:5: unknown key 'nede' in step 'build'; did you mean 'needs'?",
               "5:5: unknown key 'timeout_total' in step 'build'; did you mean 'timeout-total'?",
               "6:5: unknown key 'colour' in step 'build'"});
}

TEST_CASE("steps: both or neither of `uses` and `run`", "[model]") {
  CHECK(errors_of("steps:\n  a:\n    uses: deploy\n    run: x\n    with: {image: i}\n  b:\n    needs: a\n") ==
        Errors{"2:3: step 'a' has both 'uses' and 'run'; a step runs either a step type or a script",
               "6:3: step 'b' has neither 'uses' (a step type) nor 'run' (a script)"});
}

TEST_CASE("steps: ids are identifiers", "[model]") {
  CHECK(errors_of("steps:\n  my step:\n    run: x\n  2fast:\n    run: x\n  ok_id-2:\n    run: x\n") ==
        Errors{"2:3: invalid step id 'my step' (use letters, digits, '_' and '-', starting with a letter or '_')",
               "4:3: invalid step id '2fast' (use letters, digits, '_' and '-', starting with a letter or '_')"});
}

TEST_CASE("steps: a step that is not a mapping", "[model]") {
  CHECK(errors_of("steps:\n  a: echo hi\n  b:\n") ==
        Errors{"2:6: step 'a' must be a mapping, got 'echo hi'", "3:3: step 'b' must be a mapping, got nothing"});
}

TEST_CASE("steps: an unknown step type, with a suggestion from the registry's names", "[model]") {
  CHECK(errors_of("steps:\n  a:\n    uses: deplyo\n  b:\n    uses: terraform\n") ==
        Errors{"3:11: unknown step type 'deplyo'; did you mean 'deploy'?", "5:11: unknown step type 'terraform'"});
  CHECK(errors_of("steps:\n  a:\n    uses: deploy\n    with: {image: x}\n", run_only_options()) ==
        Errors{"3:11: unknown step type 'deploy'"});
}

TEST_CASE("steps: without a registry, step types and parameters are not checked", "[model]") {
  auto r = load("steps:\n  a:\n    uses: anything\n    with: {whatever: [1]}\n", LoadOptions{});
  CHECK(errors(r).empty());
}

TEST_CASE("with: unknown parameters get a suggestion, required ones must be there", "[model]") {
  CHECK(errors_of("steps:\n  a:\n    uses: deploy\n    with:\n      imgae: x\n      replica: 2\n") ==
        Errors{"3:11: step 'a' is missing required parameter 'image' of step type 'deploy'",
               "5:7: unknown parameter 'imgae' for step type 'deploy'; did you mean 'image'?",
               "6:7: unknown parameter 'replica' for step type 'deploy'; did you mean 'replicas'?"});
  CHECK(errors_of("steps:\n  a:\n    uses: run\n") ==
        Errors{"3:11: step 'a' is missing required parameter 'script' of step type 'run'"});
  CHECK(errors_of("steps:\n  a:\n    uses: run\n    with: {script: x}\n").empty());
}

TEST_CASE("with: a `run:` step may not set its script twice", "[model]") {
  CHECK(errors_of("steps:\n  a:\n    run: x\n    with: {script: y}\n") ==
        Errors{"4:12: parameter 'script' of step 'a' is already given by 'run'"});
  CHECK(errors_of("steps:\n  a:\n    run: [x]\n") == Errors{"3:10: 'run' of step 'a' must be a string, got a list"});
}

TEST_CASE("with: must be a mapping", "[model]") {
  CHECK(errors_of("steps:\n  a:\n    uses: deploy\n    with: [image]\n") ==
        Errors{"3:11: step 'a' is missing required parameter 'image' of step type 'deploy'",
               "4:11: 'with' of step 'a' must be a mapping, got a list"});
}

TEST_CASE("needs: a step id or a list of them, each naming another step", "[model]") {
  auto r = load("steps:\n  a: {run: x}\n  b: {run: x, needs: a}\n  c: {run: x, needs: [a, b]}\n");
  REQUIRE(errors(r).empty());
  CHECK(r.workflow->steps[1].needs.size() == 1);
  CHECK(r.workflow->steps[2].needs.size() == 2);
  CHECK(errors_of(R"Y(steps:
  build: {run: x}
  test:
    run: x
    needs: [biuld, test, build, build]
  deploy:
    run: x
    needs: {build: 1}
  check:
    run: x
    needs: [[build]]
)Y") == Errors{"5:13: step 'test' needs unknown step 'biuld'; did you mean 'build'?", "5:20: step 'test' needs itself",
               "5:33: step 'test' needs 'build' twice",
               "8:12: 'needs' of step 'deploy' must be a step id or a list of step ids, got a mapping",
               "11:13: each item of 'needs' of step 'check' must be a step id, got a list"});
}

TEST_CASE("steps: settings of the wrong type", "[model]") {
  CHECK(errors_of(R"Y(steps:
  a:
    run: x
    timeout: [1]
    timeout-total: 90
    continue-on-error: maybe
    working-directory: {a: b}
    name: [x]
    env: x
)Y") == Errors{"4:14: 'timeout' of step 'a' must be a duration (like 90s, 10m, 1h30m), got a list",
               "5:20: invalid duration '90' (use forms like 90s, 10m, 1h30m)",
               "6:24: 'continue-on-error' of step 'a' must be a boolean (true or false), got 'maybe'",
               "7:24: 'working-directory' of step 'a' must be a string, got a mapping",
               "8:11: 'name' of step 'a' must be a string, got a list",
               "9:10: 'env' of step 'a' must be a mapping of variable names to strings, got 'x'"});
  CHECK(errors_of("steps:\n  a:\n    run: x\n    continue-on-error: \"true\"\n") ==
        Errors{"4:24: 'continue-on-error' of step 'a' must be a boolean (true or false), got the quoted string "
               "'true'"});
}

TEST_CASE("steps: `shell` only applies to run steps", "[model]") {
  CHECK(errors_of("steps:\n  a:\n    uses: deploy\n    with: {image: x}\n    shell: bash\n") ==
        Errors{"5:5: 'shell' only applies to 'run' steps; step 'a' uses 'deploy'"});
}

TEST_CASE("steps: env of a step", "[model]") {
  auto r = load("steps:\n  a:\n    run: x\n    env:\n      A: one\n      B: ${{ env.A }}\n");
  REQUIRE(errors(r).empty());
  const auto& env = r.workflow->steps[0].env;
  REQUIRE(env.size() == 2);
  CHECK(env[0].first == "A");
  CHECK(env[1].second.templates.at("").has_expressions());
}

TEST_CASE("loader: a path parameter that must exist is checked when its value is known", "[model]") {
  wf::test::TempDir dir;
  dir.write("infra/main.tf", "");
  wf::core::StepSchema schema;
  schema.type = "tf";
  wf::core::ParamSpec p;
  p.name = "dir";
  p.must_exist = wf::core::PathKind::kDirectory;
  schema.params = {p};
  LoadOptions options;
  options.find_step_type = [&](std::string_view t) { return t == "tf" ? &schema : nullptr; };
  options.step_type_names = {"tf"};
  auto load_in = [&](const std::string& yaml) {
    return wf::model::load_workflow_text(yaml, dir.path() + "/wf.yaml", options);
  };
  CHECK(load_in("steps:\n  a: { uses: tf, with: { dir: infra } }\n").diagnostics.empty());
  CHECK(load_in("steps:\n  a: { uses: tf, with: { dir: infra/main.tf } }\n").diagnostics.size() == 1);
  auto missing = load_in("steps:\n  a: { uses: tf, with: { dir: nope } }\n");
  REQUIRE(missing.diagnostics.size() == 1);
  CHECK_THAT(missing.diagnostics[0].message,
             Catch::Matchers::Contains("parameter 'dir' of step 'a': directory 'nope' does not exist"));
  // relative to the step's working directory; unknown until run time when an expression
  CHECK(load_in("steps:\n  a: { uses: tf, working-directory: infra, with: { dir: . } }\n").diagnostics.empty());
  CHECK(load_in("steps:\n  a: { uses: tf, with: { dir: '${{ wf.run_id }}' } }\n").diagnostics.empty());
  // A step that needs another may use what that one creates: a warning, not an error.
  auto later = load_in("steps:\n  render: { uses: tf, with: { dir: infra } }\n  a: { uses: tf, needs: render, with: { dir: nope } }\n");
  CHECK(later.diagnostics.empty());
  REQUIRE(later.warnings.size() == 1);
  CHECK_THAT(later.warnings[0].message, Catch::Matchers::Contains("directory 'nope' does not exist"));
  CHECK_THAT(later.warnings[0].message, Catch::Matchers::Contains("checked again when the step starts"));
}

TEST_CASE("loader: a secret on a command line is a warning", "[model]") {
  wf::core::StepSchema schema;
  schema.type = "tool";
  wf::core::ParamSpec tags;
  tags.name = "tags";
  tags.on_command_line = true;
  wf::core::ParamSpec script;
  script.name = "script";
  script.script = true;
  schema.params = {tags, script};
  LoadOptions options;
  options.find_step_type = [&](std::string_view t) { return t == "tool" ? &schema : nullptr; };
  options.step_type_names = {"tool"};
  auto load = [&](const std::string& yaml) { return wf::model::load_workflow_text(yaml, "wf.yaml", options); };
  const std::string head = "secrets:\n  pw: { env: PW }\nsteps:\n  a:\n    uses: tool\n    with:\n";
  auto on_tags = load(head + "      tags: 'x-${{ secrets.pw }}'\n");
  CHECK(on_tags.diagnostics.empty());
  REQUIRE(on_tags.warnings.size() == 1);
  CHECK(on_tags.warnings[0].str() ==
        "wf.yaml:7:20: parameter 'tags' of step 'a' puts secret 'pw' on the tool's command line, which `ps` shows to "
        "every user of the machine");
  auto in_script = load(head + "      script: |\n        set -e\n        curl -u \"ci:${{ secrets.pw }}\" https://x\n");
  REQUIRE(in_script.warnings.size() == 1);
  CHECK_THAT(in_script.warnings[0].str(),
             Catch::Matchers::StartsWith("wf.yaml:9:25: step 'a' puts secret 'pw' on the command line of `curl`"));
  CHECK(load(head + "      script: echo \"${{ secrets.pw }}\" | tool login --password-stdin\n").warnings.empty());
  CHECK(load(head + "      tags: plain\n").warnings.empty());
}
