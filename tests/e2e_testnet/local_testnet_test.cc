// The local testnet of issue 16, end to end: `bash examples/local-testnet/run.sh`
// brings up real stand-ins (kube-apiserver + etcd, dockerd + registry, a bare
// git origin, the GitHub API test server), runs the deploy-testnet DAG with wf
// from nothing to done, and leaves no process behind; with KEEP=1 the
// stand-ins stay up and the next run resumes and re-runs without changes.

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/command.h"

namespace {

using json = nlohmann::json;
using namespace wf::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

const std::string kRunSh = std::string(WF_SOURCE_DIR) + "/examples/local-testnet/run.sh";
const std::vector<std::string> kSteps = {"pushed", "cluster", "kubeconfig", "image", "bootstrap",
                                         "render", "network", "smoke", "report"};

// Live processes that run from, or name, a path under `dir` (this one excluded).
std::vector<std::string> processes_under(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  const std::string self = std::to_string(getpid());
  for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    std::string pid = it->path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos || pid == self) continue;
    std::string stat = read_file("/proc/" + pid + "/stat");
    auto paren = stat.rfind(')');
    if (paren == std::string::npos || stat.compare(paren + 2, 1, "Z") == 0) continue;
    std::string cmdline = read_file("/proc/" + pid + "/cmdline");
    for (char& c : cmdline)
      if (c == '\0') c = ' ';
    std::string cwd = fs::read_symlink("/proc/" + pid + "/cwd", ec).string();
    if (cmdline.find(dir) != std::string::npos || cwd.rfind(dir, 0) == 0) out.push_back(pid + ": " + cmdline);
  }
  return out;
}

std::vector<std::string> wait_until_none_under(const std::string& dir, double timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (true) {
    auto left = processes_under(dir);
    if (left.empty() || std::chrono::steady_clock::now() >= deadline) return left;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// The stand-ins' folder of one test, torn down (run.sh down, then SIGKILL of
// anything left) when the test ends, also when it fails.
class Testnet {
 public:
  Testnet() : state_(dir_.path() + "/net") {}
  ~Testnet() {
    run_command({"bash", kRunSh, "down"}, "", env(), 120);
    for (int i = 0; i < 20; ++i) {
      auto left = processes_under(state_);
      if (left.empty()) break;
      for (const auto& p : left) kill(std::stoi(p), SIGKILL);  // "PID: cmdline"
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  Testnet(const Testnet&) = delete;
  Testnet& operator=(const Testnet&) = delete;

  const std::string& state() const { return state_; }
  std::map<std::string, std::string> env(bool keep = false, const std::string& clusters = "") const {
    std::map<std::string, std::string> e{{"WF_TESTNET_DIR", state_}, {"WF_BUILD_DIR", WF_BUILD_DIR}, {"KEEP", keep ? "1" : "0"}};
    if (!clusters.empty()) e["CLUSTERS"] = clusters;
    return e;
  }
  CommandResult run(bool keep = false, const std::string& clusters = "") const {
    return run_command({"bash", kRunSh}, "", env(keep, clusters), 900);
  }

  // The reports of the runs in the workflow's .wf/, oldest first.
  std::vector<json> reports() const {
    std::vector<std::pair<std::string, json>> found;
    for (const auto& f : files_under(state_ + "/repo/.wf"))
      if (fs::path(f).filename() == "report.json")
        found.emplace_back(f, json::parse(read_file(f), nullptr, false));
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return a.second.value("run_id", std::string()) < b.second.value("run_id", std::string());
    });
    std::vector<json> out;
    for (auto& [path, report] : found) out.push_back(report);
    return out;
  }

 private:
  TempDir dir_;
  std::string state_;
};

json step_of(const json& report, const std::string& id) {
  if (report.is_object() && report.contains("steps"))
    for (const auto& s : report["steps"])
      if (s.value("id", "") == id) return s;
  return nullptr;
}

void check_all_succeeded(const json& report) {
  REQUIRE(report.is_object());
  CHECK(report["ok"] == true);
  for (const auto& id : kSteps) {
    INFO("step " << id);
    CHECK(step_of(report, id)["outcome"] == "success");
  }
}

void require_root() {
  if (geteuid() != 0) FAIL("the local testnet starts a dockerd of its own: run the e2e-testnet tests as root");
}

}  // namespace

TEST_CASE("local testnet: run.sh takes the network from nothing to done and leaves nothing running",
          "[e2e][testnet]") {
  require_root();
  Testnet net;
  CommandResult r = net.run();
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("$ wf run deploy-testnet.yaml"));
  CHECK_THAT(r.err, Contains("tearing down the stand-ins"));

  auto reports = net.reports();
  REQUIRE(reports.size() == 1);
  const json& report = reports[0];
  check_all_succeeded(report);
  // What the stand-ins did, as the steps' outputs say.
  json outputs = report.value("outputs", json::object());
  CHECK_THAT(outputs.value("image-digest", std::string()), Catch::Matchers::StartsWith("sha256:"));
  CHECK_THAT(outputs.value("smoke-run", std::string()), Contains("/octo-org/deploy-repo/actions/runs/"));
  CHECK_THAT(r.out, Contains("[smoke]"));
  CHECK_THAT(r.out, Contains("smoke    success success"));

  auto left = wait_until_none_under(net.state(), 10);
  INFO("still running:\n" << [&] { std::string s; for (auto& p : left) s += p + "\n"; return s; }());
  CHECK(left.empty());
  for (const char* standin : {"kube", "docker", "registry", "github", "origin.git"}) {
    INFO(standin);
    CHECK_FALSE(fs::exists(net.state() + "/" + standin));
  }
}

TEST_CASE("local testnet: with KEEP=1 the stand-ins stay up, and the next run resumes, re-runs without changes and "
          "tears down",
          "[e2e][testnet]") {
  require_root();
  Testnet net;
  CommandResult first = net.run(true);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.err, Contains("KEEP=1: the stand-ins stay up"));
  CHECK_FALSE(processes_under(net.state()).empty());
  // The two secrets reached the registry and the GitHub API, and nothing else.
  for (const char* file : {"/registry/password", "/github/token"}) {
    std::string secret = read_file(net.state() + file);
    while (!secret.empty() && secret.back() == '\n') secret.pop_back();
    INFO(file);
    REQUIRE(secret.size() >= 16);
    CHECK(first.out.find(secret) == std::string::npos);
    CHECK(first.err.find(secret) == std::string::npos);
    for (const auto& f : files_under(net.state() + "/repo/.wf")) {
      INFO(f);
      CHECK(read_file(f).find(secret) == std::string::npos);
    }
  }

  CommandResult second = net.run();
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  CHECK_THAT(second.err, Contains("reusing them"));
  CHECK_THAT(second.out, Contains("$ wf run deploy-testnet.yaml --resume"));

  auto reports = net.reports();
  REQUIRE(reports.size() == 3);
  for (const auto& report : reports) check_all_succeeded(report);
  // The resumed run ran nothing again; the re-run changed nothing.
  for (const auto& id : kSteps) {
    INFO("resumed step " << id);
    CHECK(step_of(reports[1], id).value("reused", false) == true);
  }
  CHECK(reports[2]["outputs"]["image-digest"] == reports[0]["outputs"]["image-digest"]);
  CHECK_THAT(second.out, Contains("No changes."));

  auto left = wait_until_none_under(net.state(), 10);
  INFO("still running:\n" << [&] { std::string s; for (auto& p : left) s += p + "\n"; return s; }());
  CHECK(left.empty());
}

TEST_CASE("local testnet: the network chart rendered and applied for each cluster of a list given as an input",
          "[e2e][testnet]") {
  require_root();
  Testnet net;
  CommandResult r = net.run(false, R"(["odin","heimdall"])");
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto reports = net.reports();
  REQUIRE(reports.size() == 1);
  check_all_succeeded(reports[0]);
  for (const char* id : {"render", "network"}) {
    INFO(id);
    json step = step_of(reports[0], id);
    REQUIRE(step["instances"].size() == 2);
    CHECK(step["instances"][0]["id"] == std::string(id) + " (odin)");
    CHECK(step["instances"][1]["id"] == std::string(id) + " (heimdall)");
    for (const auto& instance : step["instances"]) CHECK(instance["outcome"] == "success");
  }
  // Each cluster's release, in the namespace of its name, applied to the apiserver.
  for (const char* cluster : {"odin", "heimdall"}) {
    std::string manifest = read_file(net.state() + "/repo/build/network-" + cluster + ".yaml");
    CHECK_THAT(manifest, Contains(std::string("namespace: ") + cluster));
    CHECK_THAT(r.out, Contains(std::string("[network (") + cluster + ")] "));
  }
}

TEST_CASE("local testnet: its DAG is the DAG of workflows/deploy-testnet.yaml", "[e2e][testnet]") {
  auto graph = [](const std::string& file) {
    CommandResult g = run_wf({"graph", std::string(WF_SOURCE_DIR) + "/" + file, "--format", "mermaid"});
    INFO(g.out << g.err);
    REQUIRE(g.exit_code == 0);
    return g.out;
  };
  CHECK(graph("examples/local-testnet/deploy-testnet.yaml") == graph("workflows/deploy-testnet.yaml"));
  for (const char* file : {"examples/local-testnet/deploy-testnet.yaml", "workflows/deploy-testnet.yaml"}) {
    CommandResult v = run_wf({"validate", std::string(WF_SOURCE_DIR) + "/" + file});
    INFO(file << "\n" << v.out << v.err);
    CHECK(v.exit_code == 0);
  }
}
