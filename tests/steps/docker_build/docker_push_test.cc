// The docker-build step's login and push through the wf binary against a
// real dockerd 20.10 and Debian's docker-registry with htpasswd auth: the
// digest equals the registry's Docker-Content-Digest, credentials never stay
// on disk, refused logins are permanent, an unreachable registry is retried
// without rebuilding.

#include <catch2/catch.hpp>
#include <thread>

#include "tests/fixtures/docker/fault_proxy.h"
#include "tests/steps/docker_build/docker_test_support.h"

namespace {

namespace fs = std::filesystem;
using namespace wf::test;
using Catch::Matchers::Contains;

const char* kUser = "ci-user";
const char* kPassword = "Reg-pass-9f2c41";  // never printed, never left on disk
const char* kSimple = "FROM scratch\nCOPY busybox /bin/busybox\nLABEL purpose=push-test\n";

std::string push_workflow(const std::string& registry, const std::string& repo, bool login, const std::string& retry) {
  std::string w = "name: docker-push-test\n"
                  "secrets:\n  registry-password: { env: REGISTRY_PASSWORD }\n"
                  "steps:\n"
                  "  image:\n"
                  "    uses: docker-build\n" + retry +
                  "    with:\n"
                  "      context: ctx\n"
                  "      tags: [\"" + registry + "/" + repo + ":v1\", \"" + registry + "/" + repo + ":latest\"]\n"
                  "      push: true\n";
  if (login)
    w += "      username: " + std::string(kUser) + "\n"
         "      password: ${{ secrets.registry-password }}\n";
  w += "  show:\n    needs: [image]\n    run: echo \"digest=${{ steps.image.outputs.digest }}\"\n";
  return w;
}

// Neither the password nor the base64 "user:password" docker writes.
void check_no_credentials(const TempDir& dir, const WfRun& w) {
  std::string auth_b64 = R"(Y2ktdXNlcjpSZWctcGFzcy05ZjJjNDE=)";  // base64("ci-user:Reg-pass-9f2c41")
  for (const auto& needle : {std::string(kPassword), auth_b64}) {
    CHECK_THAT(w.all(), !Contains(needle));
    CHECK(files_containing(dir.path() + "/home", needle).empty());
    CHECK(files_containing(dir.path() + "/.wf", needle).empty());
  }
  CHECK_FALSE(fs::exists(dir.path() + "/home/.docker/config.json"));
  // No DOCKER_CONFIG folder of the step is left in the run folder.
  for (const auto& f : files_under(dir.path() + "/.wf")) CHECK_THAT(f, !Contains("docker-config"));
}

}  // namespace

TEST_CASE("docker-build: login with htpasswd auth, push of two tags, digest = Docker-Content-Digest",
          "[docker-build][docker][push]") {
  Registry registry(kUser, kPassword);
  TempDir dir;
  write_context(dir, kSimple);
  std::string repo = unique_repo("wf-push");
  dir.write("wf.yaml", push_workflow(registry.address(), repo, true, ""));
  auto w = wf_run(dir, {"run", "wf.yaml"}, {{"REGISTRY_PASSWORD", kPassword}});
  INFO(w.all() << w.logs());
  REQUIRE(w.r.exit_code == 0);
  auto step = w.step("image");
  REQUIRE(step.is_object());
  std::string digest = step["outputs"]["digest"];
  CHECK(digest.rfind("sha256:", 0) == 0);
  CHECK(registry.manifest_digest(repo, "v1") == digest);
  CHECK(registry.manifest_digest(repo, "latest") == digest);
  auto [status, tags] = registry.get("/v2/" + repo + "/tags/list");
  CHECK(status == 200);
  CHECK(json::parse(tags)["tags"].size() == 2);
  CHECK_THAT(w.logs(), Contains("digest=" + digest));
  CHECK_THAT(w.logs(), Contains("login --username ci-user --password-stdin " + registry.address()));
  CHECK_THAT(w.logs(), Contains("removed the private docker config"));
  check_no_credentials(dir, w);
}

TEST_CASE("docker-build: a wrong password is permanent, not retried, never printed", "[docker-build][docker][push]") {
  Registry registry(kUser, kPassword);
  TempDir dir;
  write_context(dir, kSimple);
  std::string repo = unique_repo("wf-wrong");
  dir.write("wf.yaml", push_workflow(registry.address(), repo, true, "    retry: { limit: 3, backoff: { delay: 1s } }\n"));
  const std::string wrong = "Wrong-pass-77aa01";
  auto w = wf_run(dir, {"run", "wf.yaml"}, {{"REGISTRY_PASSWORD", wrong}});
  INFO(w.all() << w.logs());
  CHECK(w.r.exit_code == 1);
  auto step = w.step("image");
  REQUIRE(step.is_object());
  REQUIRE(step["attempts"].size() == 1);
  CHECK(step["attempts"][0]["class"] == "permanent");
  CHECK_THAT(w.all(), Contains("login to " + registry.address() + " failed: the registry refused the username or password"));
  CHECK_THAT(w.all() + w.logs(), !Contains(wrong));
  CHECK(files_containing(dir.path(), wrong).empty());
  CHECK(registry.manifest_digest(repo, "v1").empty());
  check_no_credentials(dir, w);
}

TEST_CASE("docker-build: a registry down at the first push and back later: retried, one build, pushed",
          "[docker-build][docker][push]") {
  Registry registry("", "", false);  // its port is chosen; it is not up yet
  TempDir dir;
  write_context(dir, kSimple);
  std::string repo = unique_repo("wf-later");
  dir.write("wf.yaml", push_workflow(registry.address(), repo, false,
                                     "    retry: { limit: 20, backoff: { delay: 1s, factor: 1 } }\n"));
  auto env = docker_env(dir);
  env["REGISTRY_PASSWORD"] = "unused";
  auto wf = start_wf({"run", "wf.yaml"}, {dir.path(), env});
  // Once the first push has failed, the registry comes up.
  bool failed_once = false;
  for (int i = 0; i < 600 && !failed_once && wf->running(); ++i) {
    for (const auto& f : files_containing(dir.path() + "/.wf", "connection refused")) failed_once = !f.empty();
    if (!failed_once) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(wf->out() << wf->err());
  REQUIRE(failed_once);
  registry.start();
  int code = wf->wait(120);
  WfRun w;
  w.r.exit_code = code;
  w.r.out = wf->out();
  w.r.err = wf->err();
  read_run(dir, w);
  INFO(w.all() << w.logs());
  REQUIRE(code == 0);
  auto step = w.step("image");
  REQUIRE(step.is_object());
  REQUIRE(step["attempts"].size() >= 2);
  CHECK(step["attempts"][0]["class"] == "transient");
  std::string logs = w.logs();
  size_t builds = 0;
  for (size_t at = logs.find("docker build --iidfile"); at != std::string::npos; at = logs.find("docker build --iidfile", at + 1))
    ++builds;
  CHECK(builds == 1);
  CHECK_THAT(logs, Contains("reusing image sha256:"));
  CHECK(registry.manifest_digest(repo, "v1") == step["outputs"]["digest"]);
}

TEST_CASE("docker-build: a registry behind faults (a 5xx storm, a reset after the manifest, a stall): bounded, "
          "classified, built once, pushed",
          "[docker-build][docker][push][faults]") {
  Registry registry;
  const std::string addr = registry.address();
  FaultProxy proxy(std::stoi(addr.substr(addr.rfind(':') + 1)));
  using K = ProxyFault::Kind;
  using std::chrono::milliseconds;
  // dockerd retries a layer's upload itself; a manifest's PUT ends `docker
  // push`: these are the executor's to retry.
  proxy.add({K::kStatus, "PUT", "/manifests/", 503, milliseconds(0), 3});     // a 5xx storm
  proxy.add({K::kResetAfter, "PUT", "/manifests/", 0, milliseconds(0), 1});   // stored, answer lost
  proxy.add({K::kStall, "PUT", "/manifests/", 0, milliseconds(90000), 1});    // past the step's timeout
  TempDir dir;
  write_context(dir, kSimple);
  std::string repo = unique_repo("wf-faults");
  dir.write("wf.yaml", push_workflow(proxy.address(), repo, false,
                                     "    timeout: 20s\n"
                                     "    retry: { limit: 8, when: [transient, timeout], backoff: { delay: 1s, factor: 1 } }\n"));
  auto env = docker_env(dir);
  env["REGISTRY_PASSWORD"] = "unused";
  auto start = std::chrono::steady_clock::now();
  WfRun w = wf_run(dir, {"run", "wf.yaml"}, env, 300);
  double seconds = seconds_since(start);
  INFO(w.all() << w.logs());
  REQUIRE(w.r.exit_code == 0);
  CHECK(proxy.faults_hit() == 5);
  auto step = w.step("image");
  REQUIRE(step.is_object());
  std::vector<std::string> classes;
  for (const auto& a : step["attempts"])
    if (a.contains("class") && a["class"].is_string()) classes.push_back(a["class"]);
  CAPTURE(classes);
  CHECK(std::count(classes.begin(), classes.end(), "transient") == 4);  // three 503s and the reset
  CHECK(std::count(classes.begin(), classes.end(), "timeout") == 1);    // the stall, at the step's 20 s
  CHECK(seconds < 150);  // bounded: 20 s of stall, backoffs of 1 s, pushes of layers already there
  std::string logs = w.logs();
  size_t builds = 0;
  for (size_t at = logs.find("docker build --iidfile"); at != std::string::npos;
       at = logs.find("docker build --iidfile", at + 1))
    ++builds;
  CHECK(builds == 1);
  CHECK(registry.manifest_digest(repo, "v1") == step["outputs"]["digest"]);
  CHECK(registry.manifest_digest(repo, "latest") == step["outputs"]["digest"]);
}

TEST_CASE("docker-build: push false leaves the registry empty", "[docker-build][docker][push]") {
  Registry registry(kUser, kPassword);
  TempDir dir;
  write_context(dir, kSimple);
  std::string repo = unique_repo("wf-local");
  std::string tag = registry.address() + "/" + repo + ":v1";
  dir.write("wf.yaml", "name: local\nsteps:\n  image:\n    uses: docker-build\n"
                       "    with: { context: ctx, tags: [\"" + tag + "\"], push: false }\n");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all() << w.logs());
  REQUIRE(w.r.exit_code == 0);
  CHECK(DockerEngine::shared().docker({"image", "inspect", tag}).exit_code == 0);
  auto [status, catalog] = registry.get("/v2/_catalog");
  CHECK(status == 200);
  CHECK(json::parse(catalog)["repositories"].empty());
  CHECK(w.step("image")["outputs"]["digest"] == "");
  CHECK_THAT(w.logs(), !Contains("docker push"));
}
