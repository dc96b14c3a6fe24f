// The terraform step through the real wf binary: typed variables and
// outputs (sensitive ones masked in every sink), `wf plan`'s preview and exit
// codes, `wf validate` errors, a missing terraform, `wf steps terraform`.

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/steps/terraform/tf_fixture.h"

namespace {

namespace fs = std::filesystem;
using namespace wf;
using namespace wf::tftest;
using Catch::Matchers::Contains;

const char* kSecretOutput = "tok-alpha-Sensitive-77";

}  // namespace

TEST_CASE("wf + terraform: vars of every type in, outputs out, the sensitive one masked everywhere",
          "[terraform][wf]") {
  test::TempDir dir;
  dir.write("infra/main.tf", kTypedConfig);
  dir.write("wf.yaml", R"(name: tf-apply
steps:
  infra:
    uses: terraform
    with:
      dir: infra
      vars:
        name: alpha
        nodes: 3
        zones: [a, b]
        tags: { team: infra, env: test }
  show:
    needs: [infra]
    run: |
      echo "name=${{ steps.infra.outputs.name }} nodes=${{ steps.infra.outputs.nodes }}"
      echo "second-zone=${{ fromJSON(steps.infra.outputs.zones)[1] }} team=${{ fromJSON(steps.infra.outputs.tags).team }}"
      echo "token=${{ steps.infra.outputs.token }}"
)");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all() << w.logs());
  REQUIRE(w.r.exit_code == 0);
  auto infra = w.step("infra");
  REQUIRE(infra.is_object());
  CHECK(infra["outcome"] == "success");
  CHECK(infra["outputs"]["name"] == "alpha");
  CHECK(infra["outputs"]["nodes"] == "3");
  CHECK(infra["outputs"]["zones"] == R"(["a","b"])");
  CHECK(infra["outputs"]["tags"] == R"({"env":"test","team":"infra"})");
  CHECK(infra["outputs"]["workspace"] == "default");
  CHECK(infra["outputs"]["token"] == "***");

  std::string logs = w.logs();
  CHECK_THAT(logs, Contains("name=alpha nodes=3"));
  CHECK_THAT(logs, Contains("second-zone=b team=infra"));
  CHECK_THAT(logs, Contains("token=***"));
  CHECK_THAT(logs, Contains("terraform apply -input=false -no-color"));
  CHECK_THAT(logs, Contains("Apply complete! Resources: 2 added, 0 changed, 0 destroyed."));

  // The sensitive value is in no sink: console, logs, journal, report.
  CHECK_THAT(w.all(), !Contains(kSecretOutput));
  CHECK_THAT(logs, !Contains(kSecretOutput));
  CHECK_THAT(test::read_file(w.run_dir + "/journal.jsonl"), !Contains(kSecretOutput));
  CHECK_THAT(test::read_file(w.run_dir + "/report.json"), !Contains(kSecretOutput));
  // And it was real: terraform's state holds it.
  CHECK_THAT(test::read_file(dir.path() + "/infra/terraform.tfstate"), Contains(kSecretOutput));
}

TEST_CASE("wf plan + terraform: exit 2 with the plan shown, then 0 once applied", "[terraform][wf][preview]") {
  test::TempDir dir;
  dir.write("infra/main.tf", kTypedConfig);
  dir.write("wf.yaml", R"(name: tf-plan
steps:
  infra:
    uses: terraform
    with: { dir: infra, vars: { name: alpha } }
)");
  auto before = wf_run(dir, {"plan", "wf.yaml"});
  INFO(before.all());
  CHECK(before.r.exit_code == 2);
  CHECK_THAT(before.r.out, Contains("preview:"));
  CHECK_THAT(before.r.out, Contains("terraform_data.name will be created"));
  CHECK_THAT(before.r.out, Contains("Plan: 2 to add, 0 to change, 0 to destroy."));
  CHECK_FALSE(fs::exists(dir.path() + "/infra/terraform.tfstate"));  // wf plan changed nothing

  auto run = wf_run(dir, {"run", "wf.yaml"});
  INFO(run.all());
  REQUIRE(run.r.exit_code == 0);

  auto after = wf_run(dir, {"plan", "wf.yaml"});
  INFO(after.all());
  CHECK(after.r.exit_code == 0);
  CHECK_THAT(after.r.out, Contains("preview (no changes):"));
  CHECK_THAT(after.r.out, Contains("No changes. Your infrastructure matches the configuration."));

  // A plan terraform cannot make is shown as such (and wf plan does not say "no changes").
  dir.write("broken.yaml", R"(name: tf-plan-broken
steps:
  infra:
    uses: terraform
    with: { dir: infra }
)");
  auto broken = wf_run(dir, {"plan", "broken.yaml"});
  INFO(broken.all());
  CHECK(broken.r.exit_code == 1);  // an error, not "changes"
  CHECK_THAT(broken.all(), Contains("terraform plan failed (exit code 1): No value for required variable"));
}

TEST_CASE("wf validate + terraform: a missing dir and an unknown action are reported before anything runs",
          "[terraform][wf]") {
  test::TempDir dir;
  dir.write("infra/main.tf", kTypedConfig);
  dir.write("wf.yaml", R"(name: tf-bad
steps:
  missing-dir:
    uses: terraform
    with: { dir: infra-typo }
  bad-action:
    uses: terraform
    with: { dir: infra, action: aply }
)");
  auto v = wf_run(dir, {"validate", "wf.yaml"});
  INFO(v.all());
  CHECK(v.r.exit_code == 2);
  CHECK_THAT(v.all(), Contains("wf.yaml:5:") && Contains("directory 'infra-typo' does not exist"));
  CHECK_THAT(v.all(), Contains("wf.yaml:8:") && Contains("'aply'") && Contains("did you mean 'apply'?"));

  auto r = wf_run(dir, {"run", "wf.yaml"});
  CHECK(r.r.exit_code == 2);
  CHECK_FALSE(fs::exists(dir.path() + "/infra/terraform.tfstate"));
}

TEST_CASE("wf + terraform: without terraform on PATH the step fails permanently with an install hint",
          "[terraform][wf]") {
  test::TempDir dir;
  dir.write("infra/main.tf", kTypedConfig);
  dir.write("wf.yaml", R"(name: tf-missing
steps:
  infra:
    uses: terraform
    with: { dir: infra, vars: { name: x } }
    retry: { limit: 3, backoff: { delay: 1s } }
)");
  auto w = wf_run(dir, {"run", "wf.yaml"}, {{"PATH", "/usr/bin:/bin"}});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  auto infra = w.step("infra");
  REQUIRE(infra.is_object());
  REQUIRE(infra["attempts"].size() == 1);  // permanent: not retried
  CHECK(infra["attempts"][0]["class"] == "permanent");
  CHECK_THAT(w.all(), Contains("terraform not found in PATH; install it "
                               "(https://developer.hashicorp.com/terraform/install) or put it on PATH"));
}

TEST_CASE("wf steps terraform documents every parameter with an example", "[terraform][wf]") {
  auto r = test::run_wf({"steps", "terraform"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  for (const char* p : {"dir", "action", "vars", "var-files", "backend-config", "workspace", "lock-timeout",
                        "parallelism", "targets", "args"}) {
    CHECK_THAT(r.out, Contains(std::string("\n  ") + p + "  ("));
    CHECK_THAT(r.out, Contains(std::string("example: ") + p + ": "));
  }
  CHECK_THAT(r.out, Contains("one of: apply, plan, destroy, init, output"));
  CHECK_THAT(r.out, Contains("changes") && Contains("plan-file"));
  auto list = test::run_wf({"steps"});
  CHECK_THAT(list.out, Contains("terraform"));
}
