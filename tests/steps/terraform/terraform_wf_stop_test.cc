// The terraform step and terraform's state lock, with the real wf binary:
// a lock held by another apply is class `lock` and `retry: { when: [lock] }`
// waits it out; a timeout or Ctrl-C during apply stops terraform with SIGINT
// so that it releases the lock (the next apply needs no force-unlock).

#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>

#include "tests/steps/terraform/tf_fixture.h"

namespace {

namespace fs = std::filesystem;
using namespace wf;
using namespace wf::tftest;
using Catch::Matchers::Contains;

std::string hostname() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

/// A plain `terraform apply` right away must find the state unlocked
/// (-lock-timeout=0s: fail at once if it is not) and finish the work.
void check_unlocked(const std::string& infra) {
  auto again = terraform({"apply", "-input=false", "-no-color", "-auto-approve", "-lock-timeout=0s"}, infra,
                         {{"TF_VAR_delay", "0"}});
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out + again.err, !Contains("Error acquiring the state lock"));
  CHECK_THAT(again.out, Contains("Apply complete!"));
}

}  // namespace

TEST_CASE("wf + terraform: a state lock held by another apply is class lock and retry when lock waits it out",
          "[terraform][wf][lock]") {
  test::TempDir dir;
  dir.write("infra/main.tf", slow_config("4"));
  std::string infra = dir.path() + "/infra";
  REQUIRE(terraform({"init", "-input=false", "-no-color"}, infra).exit_code == 0);
  dir.write("wf.yaml", R"(name: tf-lock
steps:
  infra:
    uses: terraform
    with: { dir: infra, vars: { delay: 0 } }
    retry: { limit: 8, when: [lock], backoff: { delay: 1s } }
)");

  // Someone else's apply, started outside wf, holds the lock while its provisioner sleeps.
  test::Background::Options options;
  options.cwd = infra;
  options.env = tf_env();
  test::Background holder({require_terraform(), "apply", "-input=false", "-no-color", "-auto-approve"}, options);
  REQUIRE(holder.wait_for_out("Provisioning with 'local-exec'", 30));

  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all() << w.logs());
  CHECK(holder.wait(30) == 0);
  REQUIRE(w.r.exit_code == 0);
  auto step = w.step("infra");
  REQUIRE(step.is_object());
  REQUIRE(step["attempts"].size() >= 2);
  const auto& first = step["attempts"][0];
  CHECK(first["ok"] == false);
  CHECK(first["class"] == "lock");
  std::string summary = first.value("summary", "");
  CHECK_THAT(summary, Contains("terraform plan failed"));
  CHECK_THAT(summary, Contains("state lock held by ") && Contains("@" + hostname()));
  CHECK_THAT(summary, Contains("lock ID ") && Contains("OperationTypeApply since"));
  CHECK(step["attempts"][step["attempts"].size() - 1]["ok"] == true);
  CHECK(step["outcome"] == "success");
}

TEST_CASE("wf + terraform: a timeout during apply stops terraform with SIGINT and leaves the state unlocked",
          "[terraform][wf][stop]") {
  std::string marker = test::unique_marker();
  test::MarkerSweeper sweeper(marker);
  test::TempDir dir;
  dir.write("infra/main.tf", slow_config("30." + marker));
  dir.write("wf.yaml", R"(name: tf-timeout
steps:
  infra:
    uses: terraform
    with: { dir: infra }
    timeout: 2s
)");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all() << w.logs());
  CHECK(w.r.exit_code == 1);
  auto step = w.step("infra");
  REQUIRE(step.is_object());
  REQUIRE(step["attempts"].size() == 1);
  CHECK(step["attempts"][0]["class"] == "timeout");
  CHECK(step["attempts"][0].value("duration_ms", 1e9) < 6000);  // 2 s, then SIGINT ends it at once
  CHECK_THAT(w.logs(), Contains("Interrupt received"));         // terraform saw SIGINT, not SIGKILL
  CHECK(test::wait_until_no_marker(marker, 5).empty());        // the provisioner's sleep is gone too
  check_unlocked(dir.path() + "/infra");
}

TEST_CASE("wf + terraform: Ctrl-C during apply stops terraform cleanly and leaves the state unlocked",
          "[terraform][wf][stop]") {
  std::string marker = test::unique_marker();
  test::MarkerSweeper sweeper(marker);
  test::TempDir dir;
  dir.write("infra/main.tf", slow_config("30." + marker));
  dir.write("wf.yaml", R"(name: tf-ctrl-c
steps:
  infra:
    uses: terraform
    with: { dir: infra }
)");
  test::Background::Options options;
  options.cwd = dir.path();
  options.env = tf_env();
  auto run = test::start_wf({"run", "wf.yaml"}, options);
  REQUIRE(run->wait_for_out("Provisioning with 'local-exec'", 30));
  run->signal_group(SIGINT);  // as a terminal's Ctrl-C
  int code = run->wait(20);
  INFO(run->out() << run->err());
  CHECK(code == 130);
  auto runs = test::run_dirs(dir.path() + "/.wf");
  REQUIRE(runs.size() == 1);
  auto report = nlohmann::json::parse(test::read_file(runs[0] + "/report.json"), nullptr, false);
  REQUIRE(report.is_object());
  for (const auto& s : report["steps"])
    if (s.value("id", "") == "infra") CHECK(s["attempts"][0]["class"] == "cancelled");
  CHECK(test::wait_until_no_marker(marker, 5).empty());
  check_unlocked(dir.path() + "/infra");
}
