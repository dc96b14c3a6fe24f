// wf run writes report.html beside report.json: every step with its
// attempts, times, outputs and log tails, the critical path, and no form of
// a secret anywhere in the file.

#include <catch2/catch.hpp>
#include <csignal>

#include "tests/e2e/report_support.h"

namespace {

using json = nlohmann::json;
using namespace wf::test;
using namespace wf::test::report;

json step_in(const json& data, const std::string& id) {
  for (const auto& s : data["steps"])
    if (s["id"] == id) return s;
  return nullptr;
}

}  // namespace

TEST_CASE("report.html: no form of a secret reaches the page", "[e2e][report]") {
  TempDir dir;
  auto w = run_demo(dir);
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  std::string page = read_file(w.run_dir + "/report.html");
  REQUIRE_FALSE(page.empty());
  json data = page_data(page);
  REQUIRE(data.is_object());
  // The raw file and the decoded data both: an escape must not hide a secret.
  std::string decoded = data.dump();
  for (const auto& form : secret_forms()) {
    INFO("secret form: " << form);
    CHECK(page.find(form) == std::string::npos);
    CHECK(decoded.find(form) == std::string::npos);
  }
  // The masked places still hold their ***.
  json prepare = step_in(data, "prepare");
  CHECK(prepare["outputs"]["leak"] == "***");
  CHECK(prepare["attempts"][0]["log_tail"].get<std::string>().find("token is ***") != std::string::npos);
  CHECK(step_in(data, "broken")["attempts"][0]["log_tail"].get<std::string>().find("broken with ***") !=
        std::string::npos);
  CHECK(data["secrets"] == json::array({"tok"}));
  CHECK(data["inputs"]["target"] == "staging");
}

TEST_CASE("report.html: every step with its outcome, attempts, backoff and critical path", "[e2e][report]") {
  TempDir dir;
  auto w = run_demo(dir);
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  json data = page_data(read_file(w.run_dir + "/report.html"));
  REQUIRE(data.is_object());
  CHECK(data["run_id"] == w.report["run_id"]);
  CHECK(data["ok"] == true);
  REQUIRE(data["steps"].size() == kOutcomes.size());
  for (const auto& [id, outcome] : kOutcomes) CHECK(step_in(data, id)["outcome"] == outcome);

  json flaky = step_in(data, "flaky");
  REQUIRE(flaky["attempts"].size() == 2);
  json first = flaky["attempts"][0], second = flaky["attempts"][1];
  CHECK(first["ok"] == false);
  // Full jitter: the wait is uniform in [0, 300ms].
  CHECK(first["retry_delay_ms"].get<double>() <= 300);
  CHECK(second["ok"] == true);
  // The second attempt starts after the first one's end and its backoff.
  CHECK(second["start_ms"].get<double>() >= first["start_ms"].get<double>() + first["duration_ms"].get<double>() +
                                                 first["retry_delay_ms"].get<double>() - 1);
  CHECK(first["log"] == "logs/flaky.1.log");
  CHECK(second["log_tail"].get<std::string>().find("attempt 2 works") != std::string::npos);

  CHECK(step_in(data, "broken")["continue_on_error"] == true);
  // Settled without running: placed where it was decided, after the step it needs.
  CHECK(step_in(data, "never")["start_ms"].get<double>() >= step_in(data, "broken")["start_ms"].get<double>());
  CHECK(step_in(data, "never")["attempts"].empty());
  CHECK(step_in(data, "after")["needs"] == json::array({"flaky", "broken"}));

  // The run ended with `after`, which waited for flaky (retried, so last).
  for (const auto& [id, on_path] : std::vector<std::pair<std::string, bool>>{
           {"prepare", true}, {"flaky", true}, {"after", true}, {"broken", false}, {"never", false}}) {
    INFO(id);
    CHECK(step_in(data, id)["critical"] == on_path);
  }
  // The hostile output is data: the page holds no element of it.
  CHECK(step_in(data, "prepare")["outputs"]["html"] == "</script><img src=x onerror=alert(1)>");
}

TEST_CASE("report.html: a failed run and a cancelled one write the page too", "[e2e][report]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: fails
steps:
  bad:
    run: exit 1
  later:
    needs: [bad]
    run: echo never
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 1);
  json data = page_data(read_file(w.run_dir + "/report.html"));
  REQUIRE(data.is_object());
  CHECK(data["ok"] == false);
  CHECK(step_in(data, "bad")["outcome"] == "failure");
  CHECK(step_in(data, "later")["outcome"] == "skipped");

  TempDir dir2;
  dir2.write("wf.yaml", R"yaml(name: cancelled
steps:
  slow:
    run: echo started; sleep 30
)yaml");
  auto bg = start_wf({"run", "wf.yaml"}, {dir2.path(), {}, true});
  REQUIRE(bg->wait_for_out("started", 20));
  bg->signal_group(SIGINT);
  REQUIRE(bg->wait(20) == 130);
  auto runs = run_dirs(dir2.path() + "/.wf");
  REQUIRE(runs.size() == 1);
  json data2 = page_data(read_file(runs.back() + "/report.html"));
  REQUIRE(data2.is_object());
  CHECK(data2["cancelled"] == true);
  CHECK(step_in(data2, "slow")["outcome"] == "cancelled");
}
