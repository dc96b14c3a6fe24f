// The docker-build step through the wf binary against a real dockerd 20.10:
// builds with the legacy builder (the 28.x client without buildx) and with
// BuildKit (the 20.10 client), failures and their classes, `wf plan`.

#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/steps/docker_build/docker_test_support.h"

namespace {

namespace fs = std::filesystem;
using namespace wf::test;
using Catch::Matchers::Contains;

std::string build_workflow(const std::string& tag, const std::string& extra = "") {
  return "name: docker-build-test\n"
         "steps:\n"
         "  image:\n"
         "    uses: docker-build\n"
         "    retry: { limit: 2, backoff: { delay: 1s } }\n"
         "    with:\n"
         "      context: ctx\n"
         "      target: base\n"
         "      network: none\n"
         "      tags: [\"" + tag + "\"]\n"
         "      build-args: { GREETING: \"hi from wf\" }\n"
         "      labels: { team: infra, org.example.revision: \"abc123\" }\n" +
         extra;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The image built from kMultiStage: its labels, its greeting, its id.
void check_image(const WfRun& w, const std::string& tag) {
  auto& engine = DockerEngine::shared();
  auto step = w.step("image");
  REQUIRE(step.is_object());
  CHECK(step["outcome"] == "success");
  auto id = engine.docker({"image", "inspect", "--format", "{{.Id}}", tag});
  REQUIRE(id.exit_code == 0);
  CHECK(step["outputs"]["image-id"] == trimmed(id.out));
  auto labels = json::parse(engine.docker({"image", "inspect", "--format", "{{json .Config.Labels}}", tag}).out);
  CHECK(labels["team"] == "infra");
  CHECK(labels["org.example.revision"] == "abc123");
  auto run = engine.docker({"run", "--rm", "--network", "none", tag, "/bin/busybox", "cat", "/greeting"});
  INFO(run.err);
  CHECK(run.out == "hi from wf\n");
  CHECK(step["outputs"]["tags"] == "[\"" + tag + "\"]");
  CHECK(std::stoll(step["outputs"]["size"].get<std::string>()) > 500000);  // busybox is in it
  CHECK(step["outputs"]["digest"] == "");                                 // not pushed
}

}  // namespace

TEST_CASE("docker-build: multi-stage build with target, build args and labels (legacy builder)", "[docker-build][docker]") {
  TempDir dir;
  write_context(dir, kMultiStage);
  std::string tag = unique_repo("wf-legacy") + ":v1";
  dir.write("wf.yaml", build_workflow(tag));
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all() << w.logs());
  REQUIRE(w.r.exit_code == 0);
  check_image(w, tag);
  std::string logs = w.logs();
  CHECK_THAT(logs, Contains("Step 4/"));  // the legacy builder
  CHECK_THAT(logs, !Contains("FROM base AS final"));  // stopped at `base`
  CHECK_THAT(logs, Contains("--build-arg GREETING "));
  CHECK_THAT(logs, !Contains("hi from wf --"));
}

TEST_CASE("docker-build: the same build with BuildKit (the 20.10 client, DOCKER_BUILDKIT=1)", "[docker-build][docker]") {
  if (access("/usr/bin/docker", X_OK) != 0) FAIL("no /usr/bin/docker: run scripts/tools/docker.sh (docker.io)");
  TempDir dir;
  write_context(dir, kMultiStage);
  fs::create_directories(dir.path() + "/bin");
  fs::create_symlink("/usr/bin/docker", dir.path() + "/bin/docker");
  std::string tag = unique_repo("wf-buildkit") + ":v1";
  dir.write("wf.yaml", build_workflow(tag));
  const char* path = std::getenv("PATH");
  auto w = wf_run(dir, {"run", "wf.yaml"},
                  {{"DOCKER_BUILDKIT", "1"}, {"PATH", dir.path() + "/bin:" + (path ? path : "/usr/bin:/bin")}});
  INFO(w.all() << w.logs());
  REQUIRE(w.r.exit_code == 0);
  check_image(w, tag);
  CHECK_THAT(w.logs(), Contains("[internal] load build definition from Dockerfile"));
}

TEST_CASE("docker-build: a failing RUN is permanent, not retried, and names the Dockerfile line", "[docker-build][docker]") {
  TempDir dir;
  write_context(dir, kMultiStage);
  std::string tag = unique_repo("wf-fails") + ":v1";
  dir.write("wf.yaml", "name: fails\nsteps:\n  image:\n    uses: docker-build\n"
                       "    retry: { limit: 2, backoff: { delay: 1s } }\n"
                       "    with: { context: ctx, network: none, tags: [\"" + tag + "\"] }\n");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all() << w.logs());
  CHECK(w.r.exit_code == 1);
  auto step = w.step("image");
  REQUIRE(step.is_object());
  REQUIRE(step["attempts"].size() == 1);
  CHECK(step["attempts"][0]["class"] == "permanent");
  CHECK_THAT(w.all(), Contains("docker build failed at ctx/Dockerfile:8: The command '/bin/busybox false' "
                               "returned a non-zero code: 1"));
}

TEST_CASE("docker-build: a secret build arg reaches RUN by environment and is masked in the log",
          "[docker-build][docker]") {
  TempDir dir;
  write_context(dir, "FROM scratch\nCOPY busybox /bin/busybox\nARG TOKEN\n"
                     "RUN [\"/bin/busybox\", \"sh\", \"-c\", \"echo token=$TOKEN\"]\n");
  const std::string secret = "Build-secret-5e1a9";
  dir.write("wf.yaml", "name: secret-arg\nsecrets:\n  token: { env: BUILD_TOKEN }\nsteps:\n  image:\n"
                       "    uses: docker-build\n"
                       "    with: { context: ctx, network: none, no-cache: true, build-args: { TOKEN: \"${{ secrets.token }}\" } }\n");
  auto w = wf_run(dir, {"run", "wf.yaml"}, {{"BUILD_TOKEN", secret}});
  INFO(w.all() << w.logs());
  REQUIRE(w.r.exit_code == 0);
  CHECK_THAT(w.logs(), Contains("token=***"));
  CHECK_THAT(w.all() + w.logs(), !Contains(secret));
  CHECK(files_containing(dir.path() + "/.wf", secret).empty());
}

TEST_CASE("docker-build: no engine reachable says so plainly", "[docker-build][docker]") {
  TempDir dir;
  write_context(dir, kMultiStage);
  dir.write("wf.yaml", "name: no-engine\nsteps:\n  image:\n    uses: docker-build\n    with: { context: ctx }\n");
  auto w = wf_run(dir, {"run", "wf.yaml"}, {{"DOCKER_HOST", "unix://" + dir.path() + "/nothing.sock"}});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK_THAT(w.all(), Contains("no Docker engine reachable at unix://" + dir.path() + "/nothing.sock"));
  auto step = w.step("image");
  REQUIRE(step.is_object());
  CHECK(step["attempts"][0]["class"] == "transient");
}

TEST_CASE("docker-build: wf plan shows the build and whether it pushes, and builds nothing", "[docker-build][docker]") {
  TempDir dir;
  write_context(dir, kMultiStage);
  std::string tag = unique_repo("wf-plan") + ":v1";
  dir.write("wf.yaml", build_workflow("127.0.0.1:5999/" + tag,
                                      "      push: true\n      username: ci\n      password: ${{ secrets.pw }}\n") +
                           "secrets:\n  pw: { env: PW }\n");
  auto w = wf_run(dir, {"plan", "wf.yaml"}, {{"PW", "plan-secret-1"}});
  INFO(w.all());
  CHECK(w.r.exit_code == 2);
  CHECK_THAT(w.all(), Contains("docker build " + dir.path() + "/ctx"));
  CHECK_THAT(w.all(), Contains("target: base"));
  CHECK_THAT(w.all(), Contains("build-args: GREETING"));
  CHECK_THAT(w.all(), Contains("would push 127.0.0.1:5999/" + tag + " after logging in to 127.0.0.1:5999 as ci"));
  CHECK_THAT(w.all(), !Contains("plan-secret-1"));
  CHECK(DockerEngine::shared().docker({"image", "inspect", "127.0.0.1:5999/" + tag}).exit_code != 0);
}

TEST_CASE("docker-build: wf validate reports push without tags and a username without password", "[docker-build]") {
  TempDir dir;
  dir.write("ctx/Dockerfile", "FROM scratch\n");
  dir.write("wf.yaml", "name: invalid\nsteps:\n  image:\n    uses: docker-build\n"
                       "    with:\n      context: ctx\n      push: true\n      username: ci\n");
  auto r = run_wf({"validate", "wf.yaml"}, dir.path());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out + r.err, Contains("wf.yaml:7:13: parameter 'push' of step 'image': push needs `tags`"));
  CHECK_THAT(r.out + r.err, Contains("wf.yaml:8:17: parameter 'username' of step 'image': username needs a password"));
}
