// The terraform step with the real terraform, run directly (no wf binary):
// plan's `changes`, destroy, workspaces, var files, targets and backend
// settings, each checked in terraform's own state afterwards.

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/steps/terraform/tf_fixture.h"

namespace {

namespace fs = std::filesystem;
using namespace wf;
using namespace wf::tftest;
using Catch::Matchers::Contains;

std::vector<std::string> state_list(const std::string& dir, const std::map<std::string, std::string>& env = {}) {
  auto r = terraform({"state", "list", "-no-color"}, dir, env);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return test::split_lines(r.out);
}

}  // namespace

TEST_CASE("terraform (real): plan reports changes=true and saves a plan that applies, then changes=false",
          "[terraform][real]") {
  test::TempDir w;
  w.write("infra/main.tf", kTypedConfig);
  const std::string with = R"({"dir": "infra", "action": "plan", "vars": {"name": "alpha"}})";

  auto first = run_step(with, w.path(), w.path() + "/steps/tf/1");
  INFO(first.log);
  REQUIRE(first.result.ok);
  CHECK(output_of(first.result, "changes") == "true");
  CHECK_THAT(first.result.summary, Contains("Plan: 2 to add, 0 to change, 0 to destroy."));
  CHECK_THAT(first.log, Contains("terraform plan -input=false -no-color -detailed-exitcode"));
  // The plan outlives the attempt's scratch directory, private to its owner.
  std::string plan_file = output_of(first.result, "plan-file");
  CHECK(plan_file == w.path() + "/steps/tf/plan.tfplan");
  REQUIRE(fs::is_regular_file(plan_file));
  CHECK((fs::status(plan_file).permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
  CHECK(fs::directory_iterator(w.path() + "/infra") != fs::directory_iterator());
  CHECK_FALSE(fs::exists(w.path() + "/infra/terraform.tfstate"));  // planning changed nothing

  auto applied = terraform({"apply", "-input=false", "-no-color", plan_file}, w.path() + "/infra");
  INFO(applied.out << applied.err);
  REQUIRE(applied.exit_code == 0);

  auto again = run_step(with, w.path(), w.path() + "/steps/tf/2");
  INFO(again.log);
  REQUIRE(again.result.ok);
  CHECK(output_of(again.result, "changes") == "false");
  CHECK(again.result.summary == "no changes");
}

TEST_CASE("terraform (real): apply applies the plan it made, removes it, and returns the outputs",
          "[terraform][real]") {
  test::TempDir w;
  w.write("infra/main.tf", kTypedConfig);
  auto created = run_step(R"({"dir": "infra", "vars": {"name": "alpha"}})", w.path(), w.path() + "/a1");
  INFO(created.log);
  REQUIRE(created.result.ok);
  CHECK(created.result.summary == "Apply complete! Resources: 2 added, 0 changed, 0 destroyed.");
  CHECK(output_of(created.result, "name") == "alpha");

  auto changed = run_step(R"({"dir": "infra", "vars": {"name": "beta"}})", w.path(), w.path() + "/a2");
  INFO(changed.log);
  REQUIRE(changed.result.ok);
  CHECK(changed.result.summary == "Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
  CHECK(output_of(changed.result, "name") == "beta");
  CHECK_THAT(changed.log, Contains("terraform apply -input=false -no-color " + w.path() + "/a2/tfplan"));
  CHECK_FALSE(fs::exists(w.path() + "/a2/tfplan"));  // it holds variable values: removed once applied
  CHECK(output_of(changed.result, "token") == "tok-beta-Sensitive-77");
  CHECK(std::find(changed.secrets.begin(), changed.secrets.end(), "tok-beta-Sensitive-77") != changed.secrets.end());
}

TEST_CASE("terraform (real): a failing plan is a permanent failure with terraform's message", "[terraform][real]") {
  test::TempDir w;
  w.write("infra/main.tf", kTypedConfig);
  auto r = run_step(R"({"dir": "infra", "action": "plan"})", w.path(), w.path() + "/a1");  // `name` is not set
  REQUIRE_FALSE(r.result.ok);
  CHECK(r.result.failure_class == core::FailureClass::kPermanent);
  CHECK(r.result.summary == "terraform plan failed (exit code 1): No value for required variable");
}

TEST_CASE("terraform (real): destroy removes every resource", "[terraform][real]") {
  test::TempDir w;
  w.write("infra/main.tf", kTypedConfig);
  REQUIRE(run_step(R"({"dir": "infra", "vars": {"name": "x"}})", w.path(), w.path() + "/a1").result.ok);
  CHECK(state_list(w.path() + "/infra").size() == 2);
  auto d = run_step(R"({"dir": "infra", "action": "destroy", "vars": {"name": "x"}})", w.path(), w.path() + "/a2");
  INFO(d.log);
  REQUIRE(d.result.ok);
  CHECK(d.result.summary == "Destroy complete! Resources: 2 destroyed.");
  CHECK(state_list(w.path() + "/infra").empty());
}

TEST_CASE("terraform (real): a workspace is created when missing and selected when it exists", "[terraform][real]") {
  test::TempDir w;
  w.write("infra/main.tf", kTypedConfig);
  const std::string with = R"({"dir": "infra", "workspace": "testnet", "vars": {"name": "x"}})";
  auto first = run_step(with, w.path(), w.path() + "/a1");
  INFO(first.log);
  REQUIRE(first.result.ok);
  CHECK(output_of(first.result, "workspace") == "testnet");
  CHECK(fs::is_regular_file(w.path() + "/infra/terraform.tfstate.d/testnet/terraform.tfstate"));
  CHECK_FALSE(fs::exists(w.path() + "/infra/terraform.tfstate"));  // default workspace untouched

  auto second = run_step(with, w.path(), w.path() + "/a2");
  INFO(second.log);
  REQUIRE(second.result.ok);
  CHECK(second.result.summary == "no changes");
  CHECK(state_list(w.path() + "/infra", {{"TF_WORKSPACE", "testnet"}}).size() == 2);
}

TEST_CASE("terraform (real): var files are read in order, later files win", "[terraform][real]") {
  test::TempDir w;
  w.write("infra/main.tf", kTypedConfig);
  w.write("env/base.tfvars", "name  = \"from-base\"\nnodes = 5\n");
  w.write("env/testnet.tfvars", "name = \"from-testnet\"\n");
  auto r = run_step(R"({"dir": "infra", "var-files": ["env/base.tfvars", "env/testnet.tfvars"]})", w.path(),
                    w.path() + "/a1");
  INFO(r.log);
  REQUIRE(r.result.ok);
  CHECK(output_of(r.result, "name") == "from-testnet");
  CHECK(output_of(r.result, "nodes") == "5");
}

TEST_CASE("terraform (real): targets limit the apply to those resources", "[terraform][real]") {
  test::TempDir w;
  w.write("infra/main.tf", kTypedConfig);
  auto r = run_step(R"({"dir": "infra", "vars": {"name": "x"}, "targets": ["terraform_data.name"]})", w.path(),
                    w.path() + "/a1");
  INFO(r.log);
  REQUIRE(r.result.ok);
  CHECK(state_list(w.path() + "/infra") == std::vector<std::string>{"terraform_data.name"});
}

TEST_CASE("terraform (real): a backend-config map configures the backend through a file", "[terraform][real]") {
  test::TempDir w;
  w.write("infra/main.tf", std::string("terraform {\n  backend \"local\" {}\n}\n") + kTypedConfig);
  auto r = run_step(R"({"dir": "infra", "vars": {"name": "x"}, "backend-config": {"path": "custom-dir/custom.tfstate"}})",
                    w.path(), w.path() + "/a1");
  INFO(r.log);
  REQUIRE(r.result.ok);
  CHECK(fs::is_regular_file(w.path() + "/infra/custom-dir/custom.tfstate"));
  CHECK_FALSE(fs::exists(w.path() + "/infra/terraform.tfstate"));
  CHECK_THAT(r.log, Contains("-backend-config=" + w.path() + "/a1/backend-config.tfbackend"));

  // A list: backend config files, relative to the working directory.
  w.write("infra2/main.tf", std::string("terraform {\n  backend \"local\" {}\n}\n") + kTypedConfig);
  w.write("backend/other.hcl", "path = \"other.tfstate\"\n");
  auto files = run_step(R"({"dir": "infra2", "vars": {"name": "x"}, "backend-config": ["backend/other.hcl"]})",
                        w.path(), w.path() + "/a2");
  INFO(files.log);
  REQUIRE(files.result.ok);
  CHECK(fs::is_regular_file(w.path() + "/infra2/other.tfstate"));
  CHECK_THAT(files.log, Contains("-backend-config=" + w.path() + "/backend/other.hcl"));
}

TEST_CASE("terraform (real): preview plans without changing anything", "[terraform][real][preview]") {
  test::TempDir w;
  w.write("infra/main.tf", kTypedConfig);
  auto p = run_step(R"({"dir": "infra", "workspace": "fresh", "vars": {"name": "x"}})", w.path(), w.path() + "/p1", true);
  REQUIRE(p.preview);
  CHECK(p.preview->changes);
  CHECK_THAT(p.preview->text, Contains("terraform_data.name will be created"));
  CHECK_THAT(p.preview->text, Contains("Plan: 2 to add"));
  CHECK_FALSE(fs::exists(w.path() + "/infra/terraform.tfstate"));
  CHECK_FALSE(fs::exists(w.path() + "/infra/terraform.tfstate.d/fresh/terraform.tfstate"));
}
