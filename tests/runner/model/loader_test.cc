// The top level of a workflow: keys, inputs, secrets, env, defaults, retry,
// outputs, and the loader's entry points.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/runner/model/model_test_support.h"

using namespace wf::model;
using namespace wf::model::test;
using Errors = std::vector<std::string>;

TEST_CASE("loader: a small workflow loads with its top-level fields", "[model]") {
  auto r = load(R"Y(name: deploy
description: a test
env:
  AWS_PROFILE: dev
  COUNT: 3
steps:
  build:
    run: make
)Y");
  REQUIRE(errors(r).empty());
  REQUIRE(r.workflow);
  const Workflow& wf = *r.workflow;
  CHECK(wf.name == "deploy");
  CHECK(wf.description == "a test");
  CHECK(wf.file == "wf.yaml");
  CHECK(std::filesystem::path(wf.dir).is_absolute());
  CHECK(wf.dir == std::filesystem::current_path().lexically_normal().string());
  REQUIRE(wf.env.size() == 2);
  CHECK(wf.env[1].first == "COUNT");
  CHECK(wf.env[1].second.value == Value("3"));  // env values are strings
  CHECK(wf.env[1].second.loc.line == 5);
}

TEST_CASE("loader: the name defaults to the file's stem, the directory is the file's", "[model]") {
  auto r = load_workflow_text("steps: {a: {run: x}}\n", "some/dir/deploy-testnet.yaml", test_options());
  REQUIRE(r.workflow);
  CHECK(r.workflow->name == "deploy-testnet");
  CHECK(r.workflow->dir == (std::filesystem::current_path() / "some/dir").lexically_normal().string());
}

TEST_CASE("loader: a file that cannot be read is one diagnostic naming it", "[model]") {
  auto r = load_workflow_file("/nonexistent/wf.yaml", test_options());
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].str() == "/nonexistent/wf.yaml: cannot read the file: No such file or directory");
  CHECK_FALSE(r.workflow);
}

TEST_CASE("loader: load_workflow_file reads the file and names it in diagnostics", "[model]") {
  auto path = std::filesystem::temp_directory_path() / "wf-model-test-load-file.yaml";
  std::ofstream(path) << "steps:\n  a:\n    run: x\n    nede: [b]\n";
  auto r = load_workflow_file(path.string(), test_options());
  std::filesystem::remove(path);
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].str() == path.string() + ":4:5: unknown key 'nede' in step 'a'; did you mean 'needs'?");
}

TEST_CASE("loader: unknown top-level keys are reported with a suggestion", "[model]") {
  CHECK(errors_of("stpes:\n  a: {run: x}\n") ==
        Errors{"1:1: unknown key 'stpes' at the top level; did you mean 'steps'?", "1:1: the workflow has no 'steps'"});
  CHECK(errors_of("steps: {a: {run: x}}\nbanana: 1\n") == Errors{"2:1: unknown key 'banana' at the top level"});
}

TEST_CASE("loader: top-level values of the wrong type name the expected type", "[model]") {
  CHECK(errors_of("name: [a]\nenv: [A]\nsteps: {a: {run: x}}\noutputs: x\n") ==
        Errors{"1:7: 'name' must be a string, got a list",
               "2:6: 'env' must be a mapping of variable names to strings, got a list",
               "4:10: 'outputs' must be a mapping of names to expressions, got 'x'"});
  CHECK(errors_of("steps: [a, b]\n") == Errors{"1:8: 'steps' must be a mapping of step ids to steps, got a list"});
  CHECK(errors_of("steps: {}\n") == Errors{"1:8: 'steps' has no steps"});
}

TEST_CASE("inputs: types, defaults and options are loaded", "[model]") {
  auto r = load(R"Y(inputs:
  cluster: { default: 9c-sample, description: name }
  smoke: { type: boolean, default: true }
  replicas: { type: number, default: 3 }
  env: { type: choice, options: [dev, prod], default: dev, required: true }
  version: { default: 1.20 }
  plain:
steps: {a: {run: x}}
)Y");
  REQUIRE(errors(r).empty());
  const auto& in = r.workflow->inputs;
  REQUIRE(in.size() == 6);
  CHECK(in[0].name == "cluster");
  CHECK(in[0].type == "string");
  CHECK(in[0].default_value == Value("9c-sample"));
  CHECK(in[0].description == "name");
  CHECK(in[0].loc.line == 2);
  CHECK(in[1].default_value == Value(true));
  CHECK(in[2].default_value == Value(3));
  CHECK(in[3].options == std::vector<std::string>{"dev", "prod"});
  CHECK(in[3].required);
  CHECK(in[4].default_value == Value("1.20"));  // a string input keeps the text
  CHECK(in[5].default_value.is_null());
}

TEST_CASE("inputs: a default of the wrong type, unknown types and keys, choices without options", "[model]") {
  CHECK(errors_of(R"Y(inputs:
  smoke: { type: boolean, default: "true" }
  count: { type: number, default: many }
  kind: { type: bool }
  env: { type: choice }
  size: { type: choice, options: [s, m], default: xl }
  name: { options: [a] , descripton: x }
  list: { default: [a] }
steps: {a: {run: x}}
)Y") == Errors{
            "2:36: 'default' of input 'smoke' must be a boolean (true or false), got the quoted string 'true'",
            "3:35: 'default' of input 'count' must be a number, got 'many'",
            "4:17: unknown type 'bool' of input 'kind' (one of: string, boolean, number, choice)",
            "5:3: input 'env' of type choice needs 'options'",
            "6:51: 'default' of input 'size' is not one of its options (s, m)",
            "7:11: 'options' only applies to inputs of type choice",
            "7:26: unknown key 'descripton' in input 'name'; did you mean 'description'?",
            "8:20: 'default' of input 'list' must be a string, got a list",
        });
}

TEST_CASE("secrets: exactly one of env and file", "[model]") {
  auto r = load(R"Y(secrets:
  token: { env: GITHUB_TOKEN }
  password: { file: ~/.config/pw, required: false }
steps: {a: {run: x}}
)Y");
  REQUIRE(errors(r).empty());
  const auto& s = r.workflow->secrets;
  REQUIRE(s.size() == 2);
  CHECK(s[0].env == "GITHUB_TOKEN");
  CHECK_FALSE(s[0].file);
  CHECK(s[0].required);
  CHECK(s[1].file == "~/.config/pw");
  CHECK_FALSE(s[1].required);
  CHECK(errors_of(R"Y(secrets:
  both: { env: A, file: b }
  neither: { required: true }
  typo: { evn: A }
  scalar: A
steps: {a: {run: x}}
)Y") == Errors{"2:3: secret 'both' has both 'env' and 'file'; use one",
               "3:3: secret 'neither' needs 'env' (a variable name) or 'file' (a path)",
               "4:3: secret 'typo' needs 'env' (a variable name) or 'file' (a path)",
               "4:11: unknown key 'evn' in secret 'typo'; did you mean 'env'?",
               "5:11: secret 'scalar' must be a mapping, got 'A'"});
}

TEST_CASE("defaults: applied to every step that does not set the key itself", "[model]") {
  auto r = load(R"Y(defaults:
  timeout: 30m
  timeout-total: 1h
  retry: { limit: 2, backoff: { delay: 10s, factor: 3, max-delay: 2m } }
  shell: bash
  working-directory: infra
steps:
  a:
    run: x
  b:
    run: y
    timeout: 5m
    retry: 0
    shell: sh
    working-directory: other
  c:
    uses: deploy
    with: { image: x }
)Y");
  REQUIRE(errors(r).empty());
  const auto& steps = r.workflow->steps;
  CHECK(steps[0].timeout == std::chrono::minutes(30));
  CHECK(steps[0].timeout_total == std::chrono::hours(1));
  CHECK(steps[0].retry.limit == 2);
  CHECK(steps[0].retry.backoff.delay == std::chrono::seconds(10));
  CHECK(steps[0].retry.backoff.factor == 3);
  CHECK(steps[0].retry.backoff.max_delay == std::chrono::minutes(2));
  CHECK(steps[0].shell == "bash");
  REQUIRE(steps[0].param("shell"));  // a run step's shell reaches its step type
  CHECK(steps[0].param("shell")->value == Value("bash"));
  CHECK(steps[0].working_directory == "infra");
  CHECK(steps[1].timeout == std::chrono::minutes(5));
  CHECK(steps[1].timeout_total == std::chrono::hours(1));
  CHECK(steps[1].retry.limit == 0);
  CHECK(steps[1].shell == "sh");
  CHECK(steps[1].param("shell")->value == Value("sh"));
  CHECK(steps[1].working_directory == "other");
  CHECK(steps[2].param("shell") == nullptr);
  CHECK(steps[2].timeout == std::chrono::minutes(30));
}

TEST_CASE("defaults: unknown keys and bad values", "[model]") {
  CHECK(errors_of(R"Y(defaults:
  timout: 30m
  timeout: 10 minutes
  retry: many
  env: {}
steps: {a: {run: x}}
)Y") == Errors{
            "2:3: unknown key 'timout' in 'defaults'; did you mean 'timeout'?",
            "3:12: invalid duration '10 minutes' (use forms like 90s, 10m, 1h30m)",
            "4:10: 'retry' of 'defaults' must be a number of retries or a mapping {limit, when, backoff}, got 'many'",
            "5:3: unknown key 'env' in 'defaults'"});
}

TEST_CASE("retry: a count or a policy with classes and backoff", "[model]") {
  auto r = load(R"Y(steps:
  a:
    run: x
    retry: 3
  b:
    run: x
    retry: { limit: 1, when: [transient, rate-limited] }
  c:
    run: x
    retry: { limit: 5, when: [failure], backoff: { delay: 1s } }
  d:
    run: x
    retry: { limit: 1, when: lock }
)Y");
  REQUIRE(errors(r).empty());
  const auto& s = r.workflow->steps;
  CHECK(s[0].retry.limit == 3);
  CHECK(s[0].retry.loc.line == 4);
  CHECK(s[1].retry.when == std::vector<FailureClass>{FailureClass::kTransient, FailureClass::kRateLimited});
  CHECK_FALSE(s[1].retry.when_any_failure);
  CHECK(s[2].retry.when_any_failure);
  CHECK(s[2].retry.backoff.delay == std::chrono::seconds(1));
  CHECK(s[2].retry.backoff.factor == 2.0);
  CHECK(s[3].retry.when == std::vector<FailureClass>{FailureClass::kLock});
}

TEST_CASE("retry: bad limits, classes and backoffs", "[model]") {
  CHECK(errors_of(R"Y(steps:
  a:
    run: x
    retry: { limit: -1, when: [transiant, banana, {x: 1}] }
  b:
    run: x
    retry: { when: [transient], backof: {} }
  c:
    run: x
    retry: { limit: 1, backoff: { delay: soon, factor: 0.5, max: 1m } }
  d:
    run: x
    retry: [1]
)Y") == Errors{
            "4:21: 'limit' in 'retry' of step 'a' must be a non-negative integer, got '-1'",
            "4:32: unknown failure class 'transiant' in 'retry' of step 'a'; did you mean 'transient'?",
            "4:43: unknown failure class 'banana' in 'retry' of step 'a' (one of: permanent, transient, "
            "rate-limited, lock, timeout, cancelled, failure)",
            "4:51: each item of 'when' in 'retry' of step 'a' must be a failure class, got a mapping",
            "7:12: 'retry' of step 'b' needs 'limit' (the number of retries)",
            "7:33: unknown key 'backof' in 'retry' of step 'b'; did you mean 'backoff'?",
            "10:42: invalid duration 'soon' (use forms like 90s, 10m, 1h30m)",
            "10:56: 'factor' in 'backoff' in 'retry' of step 'c' must be a number >= 1, got '0.5'",
            "10:61: unknown key 'max' in 'backoff' in 'retry' of step 'c'",
            "13:12: 'retry' of step 'd' must be a number of retries or a mapping {limit, when, backoff}, got a list",
        });
}

TEST_CASE("env: variable names are checked, values must be strings", "[model]") {
  CHECK(errors_of(R"Y(env:
  GOOD_1: x
  bad-name: x
  1BAD: x
  LIST: [a]
  EMPTY:
steps: {a: {run: x}}
)Y") == Errors{"3:3: invalid environment variable name 'bad-name' in 'env'",
               "4:3: invalid environment variable name '1BAD' in 'env'",
               "5:9: 'LIST' in 'env' must be a string, got a list",
               "6:3: 'EMPTY' in 'env' must be a string, got nothing"});
}

TEST_CASE("outputs: strings that may read steps, env and inputs", "[model]") {
  auto r = load(R"Y(inputs: { who: {} }
steps: {build: {run: x}}
outputs:
  digest: ${{ steps.build.outputs.digest }}
  text: "for ${{ inputs.who }} in ${{ env.HOME }}"
)Y");
  REQUIRE(errors(r).empty());
  const auto& out = r.workflow->outputs;
  REQUIRE(out.size() == 2);
  CHECK(out[0].first == "digest");
  CHECK(out[0].second.templates.at("").is_single_expression());
  CHECK(out[1].second.value == Value("for ${{ inputs.who }} in ${{ env.HOME }}"));
  CHECK(errors_of("steps: {build: {run: x}}\noutputs:\n  d: ${{ steps.biuld.outputs.x }}\n  e: [x]\n") ==
        Errors{"3:16: unknown step 'biuld'; did you mean 'build'?", "4:6: output 'e' must be a string, got a list"});
}

TEST_CASE("loader: several errors are all reported, sorted by position", "[model]") {
  auto r = load(R"Y(steps:
  b:
    run: x
    needs: [zzz]
    timeout: 5 min
  a:
    uses: deploi
  c:
    run: x
    continue-on-error: maybe
nmae: x
)Y");
  CHECK_FALSE(r.workflow);
  CHECK(errors(r) == Errors{
                         "4:13: step 'b' needs unknown step 'zzz'",
                         "5:14: invalid duration '5 min' (use forms like 90s, 10m, 1h30m)",
                         "7:11: unknown step type 'deploi'; did you mean 'deploy'?",
                         "10:24: 'continue-on-error' of step 'c' must be a boolean (true or false), got 'maybe'",
                         "11:1: unknown key 'nmae' at the top level; did you mean 'name'?",
                     });
}

TEST_CASE("inputs: an unknown type is one error, not one more per dependent key", "[model]") {
  CHECK(errors_of("inputs:\n  env: { type: choise, options: [a], default: a }\nsteps: {a: {run: x}}\n") ==
        Errors{"2:16: unknown type 'choise' of input 'env' (one of: string, boolean, number, choice); did you mean "
               "'choice'?"});
}
