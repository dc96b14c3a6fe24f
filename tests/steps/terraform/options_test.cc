// The terraform step's parameters: reading `with:`, encoding variables and
// backend settings, and the command line of each terraform command.

#include "steps/terraform/options.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "runner/core/json.h"

namespace {

using namespace wf::steps::terraform;
using wf::core::Value;
using Catch::Matchers::Contains;

Value json(const char* text) {
  auto v = wf::core::parse_json(text);
  REQUIRE(v);
  return *v;
}

bool has(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

}  // namespace

TEST_CASE("options: vars are strings as they are, numbers and booleans as text, lists and maps as JSON",
          "[terraform][options]") {
  CHECK(encode_var(Value("eu-west-1")) == "eu-west-1");
  CHECK(encode_var(Value("[not json]")) == "[not json]");
  CHECK(encode_var(Value(3)) == "3");
  CHECK(encode_var(Value(2.5)) == "2.5");
  CHECK(encode_var(Value(true)) == "true");
  CHECK(encode_var(json(R"(["a","b"])")) == R"(["a","b"])");
  CHECK(encode_var(json(R"({"team":"infra","n":1,"nested":{"x":[1,2]}})")) ==
        R"({"team":"infra","n":1,"nested":{"x":[1,2]}})");
}

TEST_CASE("options: read_options reads every parameter, paths relative to the working directory",
          "[terraform][options]") {
  auto o = read_options(json(R"({
      "dir": "infra", "action": "plan",
      "vars": {"name": "x", "count": 2, "tags": ["a"], "unset": null},
      "var-files": ["env/a.tfvars", "/abs/b.tfvars"],
      "backend-config": ["backend.hcl"],
      "workspace": "testnet", "lock-timeout": "1m30s", "parallelism": 4,
      "targets": ["terraform_data.a"], "args": ["-refresh=false"]})"),
                        "/work/repo");
  REQUIRE(o);
  CHECK(o->action == Action::kPlan);
  CHECK(o->dir == "/work/repo/infra");
  REQUIRE(o->vars.size() == 3);
  CHECK(o->vars[0] == std::pair<std::string, std::string>{"name", "x"});
  CHECK(o->vars[1] == std::pair<std::string, std::string>{"count", "2"});
  CHECK(o->vars[2] == std::pair<std::string, std::string>{"tags", R"(["a"])"});
  CHECK(o->var_files == std::vector<std::string>{"/work/repo/env/a.tfvars", "/abs/b.tfvars"});
  CHECK(o->backend_config_files == std::vector<std::string>{"/work/repo/backend.hcl"});
  CHECK(o->workspace == "testnet");
  CHECK(o->lock_timeout == wf::core::Millis(90000));
  CHECK(o->parallelism == 4);
  CHECK(o->targets == std::vector<std::string>{"terraform_data.a"});
  CHECK(o->args == std::vector<std::string>{"-refresh=false"});
}

TEST_CASE("options: the default action is apply", "[terraform][options]") {
  auto o = read_options(json(R"({"dir": "."})"), "/w");
  REQUIRE(o);
  CHECK(o->action == Action::kApply);
  CHECK(o->dir == "/w/");
}

TEST_CASE("options: bad values are errors naming the parameter", "[terraform][options]") {
  struct Bad {
    const char* with;
    const char* message;
  };
  const Bad cases[] = {
      {R"({})", "dir: the configuration directory is required"},
      {R"({"dir": "d", "action": "aply"})", "action: 'aply' is not one of"},
      {R"({"dir": "d", "vars": {"my var": 1}})", "vars: 'my var' is not a valid variable name"},
      {R"({"dir": "d", "vars": ["a"]})", "vars: expected a map"},
      {R"({"dir": "d", "backend-config": {"bad key": "v"}})", "backend-config: 'bad key'"},
      {R"({"dir": "d", "backend-config": 3})", "backend-config: expected a map, or a list of files"},
      {R"({"dir": "d", "backend-config": ["a=b.hcl"]})", "contains '='"},
      {R"({"dir": "d", "lock-timeout": "soon"})", "lock-timeout: 'soon' is not a duration"},
      {R"({"dir": "d", "parallelism": 0})", "parallelism: expected a positive whole number"},
      {R"({"dir": "d", "parallelism": 2.5})", "parallelism: expected a positive whole number"},
  };
  for (const auto& c : cases) {
    INFO(c.with);
    auto o = read_options(json(c.with), "/w");
    REQUIRE_FALSE(o);
    CHECK_THAT(o.error(), Contains(c.message));
  }
}

TEST_CASE("options: a backend-config map becomes an HCL file that no value escapes from", "[terraform][options]") {
  auto text = backend_config_hcl(json(R"({
      "bucket": "my-state", "key": "a\"b\\c\nd", "template": "${var.x} %{if}",
      "retries": 3, "encrypt": true, "skip": null, "endpoints": ["a", "b"], "tags": {"k": "v"}})"));
  REQUIRE(text);
  CHECK(*text ==
        "bucket = \"my-state\"\n"
        "key = \"a\\\"b\\\\c\\nd\"\n"
        "template = \"$${var.x} %%{if}\"\n"
        "retries = 3\n"
        "encrypt = true\n"
        "endpoints = [\"a\", \"b\"]\n"
        "tags = { \"k\" = \"v\" }\n");
  auto control = backend_config_hcl(json(R"({"k": "a\u0001b"})"));
  REQUIRE(control);
  CHECK(*control == "k = \"a\\u0001b\"\n");
}

TEST_CASE("options: durations in terraform's syntax", "[terraform][options]") {
  CHECK(go_duration(wf::core::Millis(90000)) == "90s");
  CHECK(go_duration(wf::core::Millis(1500)) == "1500ms");
  CHECK(go_duration(wf::core::Millis(0)) == "0s");
}

TEST_CASE("options: each command gets its own flags and apply only applies the saved plan", "[terraform][options]") {
  auto o = read_options(json(R"({
      "dir": "d", "var-files": ["v.tfvars"], "backend-config": ["b.hcl"], "workspace": "ws",
      "lock-timeout": "30s", "parallelism": 2, "targets": ["terraform_data.a"], "args": ["-refresh=false"]})"),
                        "/w");
  REQUIRE(o);

  auto init = init_args(*o, "/run/backend-config.tfbackend");
  CHECK(init == std::vector<std::string>{"init", "-input=false", "-no-color",
                                         "-backend-config=/run/backend-config.tfbackend", "-backend-config=/w/b.hcl",
                                         "-lock-timeout=30s"});

  CHECK(workspace_args(*o) == std::vector<std::string>{"workspace", "select", "-or-create", "-no-color", "ws"});

  auto plan = plan_args(*o, "/run/tfplan", false);
  CHECK(plan == std::vector<std::string>{"plan", "-input=false", "-no-color", "-detailed-exitcode",
                                         "-out=/run/tfplan", "-var-file=/w/v.tfvars", "-target=terraform_data.a",
                                         "-lock-timeout=30s", "-parallelism=2", "-refresh=false"});
  CHECK(has(plan_args(*o, "/run/tfplan", true), "-destroy"));

  auto apply = apply_args(*o, "/run/tfplan");
  CHECK(apply == std::vector<std::string>{"apply", "-input=false", "-no-color", "-lock-timeout=30s",
                                          "-parallelism=2", "/run/tfplan"});

  auto destroy = destroy_args(*o);
  CHECK(destroy == std::vector<std::string>{"destroy", "-input=false", "-no-color", "-auto-approve",
                                            "-var-file=/w/v.tfvars", "-target=terraform_data.a",
                                            "-lock-timeout=30s", "-parallelism=2", "-refresh=false"});

  CHECK(output_args(*o) == std::vector<std::string>{"output", "-json", "-no-color"});
}

TEST_CASE("options: args go to init for action init", "[terraform][options]") {
  auto o = read_options(json(R"({"dir": "d", "action": "init", "args": ["-upgrade"]})"), "/w");
  REQUIRE(o);
  CHECK(has(init_args(*o, ""), "-upgrade"));
  auto apply = read_options(json(R"({"dir": "d", "args": ["-upgrade"]})"), "/w");
  REQUIRE(apply);
  CHECK_FALSE(has(init_args(*apply, ""), "-upgrade"));
}
