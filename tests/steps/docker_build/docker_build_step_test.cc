// The docker-build step through its public contract, against a fake process
// runner that plays docker: the order of commands, the password only on
// stdin, build-arg values only by environment, the private DOCKER_CONFIG
// present during login and push and gone afterwards (also on failure), and a
// retried push that does not rebuild.

#include "steps/docker_build/docker_build_step.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>

#include "tests/support/command.h"

namespace {

namespace fs = std::filesystem;
using namespace wf;
using Catch::Matchers::Contains;
using services::ProcessResult;
using services::ProcessSpec;

const char* kDigest = "sha256:6bf4371f36137968c0fbb89693b146e9c847cb334c4e75e27bb37b4d7945c70e";
const char* kImage = "sha256:64746c446d476ad3cb1c2c33318cf21e01d58446f65dca79e03ab518a93052d4";

ProcessResult exited(int code) {
  ProcessResult r;
  r.started = true;
  r.exit_code = code;
  return r;
}

std::string arg_after(const ProcessSpec& s, const std::string& flag) {
  auto it = std::find(s.argv.begin(), s.argv.end(), flag);
  return it != s.argv.end() && it + 1 != s.argv.end() ? *(it + 1) : "";
}

/// Plays docker: version, login, build (writes the iidfile), push (prints
/// the digest), image inspect, tag. `push_fails` makes push refused by a
/// registry that is down.
class FakeDocker : public services::ProcessRunner {
 public:
  std::vector<ProcessSpec> specs;
  bool push_fails = false;
  std::vector<bool> config_present;  // at each command: did DOCKER_CONFIG exist?

  ProcessResult run(const ProcessSpec& spec, const core::CancelToken&) override {
    specs.push_back(spec);
    auto cfg = spec.env.find("DOCKER_CONFIG");
    config_present.push_back(cfg != spec.env.end() && fs::is_directory(cfg->second));
    const std::string cmd = spec.argv.size() > 1 ? spec.argv[1] : "";
    auto say = [&](const std::string& text) { spec.on_stdout(text); };
    if (cmd == "version") say("20.10.24\n");
    if (cmd == "login" && cfg != spec.env.end()) std::ofstream(cfg->second + "/config.json") << "{\"auths\":{\"r\":{}}}";
    if (cmd == "build") {
      std::ofstream(arg_after(spec, "--iidfile")) << kImage;
      say("Successfully built 64746c446d47\n");
    }
    if (cmd == "push") {
      if (push_fails) {
        spec.on_stderr("Get \"http://127.0.0.1:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused\n");
        return exited(1);
      }
      say(spec.argv[2].substr(spec.argv[2].rfind(':') + 1) + ": digest: " + kDigest + " size: 735\n");
    }
    if (cmd == "image") say(arg_after(spec, "--format") == "{{.Size}}" ? "1985000\n" : std::string(kImage) + "\n");
    return exited(0);
  }
};

class RecordingLog : public step_api::StepLog {
 public:
  std::string text;
  void line(Stream, std::string_view l) override { text += std::string(l) + "\n"; }
  void add_secret(std::string_view) override {}
};

struct Harness {
  test::TempDir tmp;
  FakeDocker docker;
  RecordingLog log;
  core::CancelToken cancel;
  step_api::StepContext ctx;
  steps::DockerBuildStep step;

  explicit Harness(core::Value with, int attempt = 1) {
    tmp.write("ctx/Dockerfile", "FROM scratch\n");
    std::string fake = tmp.write("bin/docker", "#!/bin/sh\nexit 0\n");
    fs::permissions(fake, fs::perms::owner_all);
    ctx.with = std::move(with);
    ctx.working_directory = tmp.path();
    ctx.env = {{"PATH", tmp.path() + "/bin"}, {"HOME", tmp.path() + "/home"}};
    ctx.log = &log;
    ctx.processes = &docker;
    ctx.cancel = &cancel;
    set_attempt(attempt);
  }
  void set_attempt(int attempt) {
    ctx.attempt = attempt;
    ctx.attempt_dir = tmp.path() + "/steps/image/" + std::to_string(attempt);
    fs::create_directories(ctx.attempt_dir);
  }
  std::vector<std::string> commands() const {
    std::vector<std::string> out;
    for (const auto& s : docker.specs) out.push_back(s.argv.size() > 1 ? s.argv[1] : "");
    return out;
  }
  std::string output(const step_api::StepResult& r, const std::string& name) const {
    for (const auto& [k, v] : r.outputs)
      if (k == name) return v.as_string();
    return "<absent>";
  }
};

core::Value login_push_with() {
  return core::Value(core::Value::Object{
      {"context", "ctx"},
      {"tags", core::Value(core::Value::Array{"127.0.0.1:5000/app:v1", "127.0.0.1:5000/app:latest"})},
      {"build-args", core::Value(core::Value::Object{{"TOKEN", "build-arg-secret"}})},
      {"push", true},
      {"username", "ci"},
      {"password", "pw-on-stdin-only"}});
}

}  // namespace

TEST_CASE("docker-build step: login on stdin, build, push, and the private config gone afterwards", "[docker-build]") {
  Harness h(login_push_with());
  auto r = h.step.run(h.ctx);
  INFO(r.summary << "\n" << h.log.text);
  REQUIRE(r.ok);
  CHECK(h.commands() == std::vector<std::string>{"version", "login", "build", "push", "push", "image"});
  const auto& login = h.docker.specs[1];
  CHECK(login.stdin_data == std::optional<std::string>("pw-on-stdin-only"));
  for (const auto& s : h.docker.specs) {
    for (const auto& a : s.argv) {
      CHECK_THAT(a, !Contains("pw-on-stdin-only"));
      CHECK_THAT(a, !Contains("build-arg-secret"));
    }
  }
  CHECK(h.docker.specs[2].env.at("TOKEN") == "build-arg-secret");
  // DOCKER_CONFIG: there for login, build and push; then removed.
  CHECK(h.docker.config_present[1]);
  CHECK(h.docker.config_present[3]);
  std::string config = h.docker.specs[1].env.at("DOCKER_CONFIG");
  CHECK_THAT(config, Contains(h.ctx.attempt_dir));
  CHECK_FALSE(fs::exists(config));
  CHECK_FALSE(fs::exists(h.tmp.path() + "/home/.docker"));
  CHECK(h.output(r, "digest") == kDigest);
  CHECK(h.output(r, "image-id") == kImage);
  CHECK(h.output(r, "tags") == R"(["127.0.0.1:5000/app:v1","127.0.0.1:5000/app:latest"])");
  CHECK(h.output(r, "size") == "1985000");
}

TEST_CASE("docker-build step: a push to a registry that is down is transient, and the retry does not rebuild",
          "[docker-build]") {
  Harness h(login_push_with());
  h.docker.push_fails = true;
  auto first = h.step.run(h.ctx);
  REQUIRE_FALSE(first.ok);
  CHECK(first.failure_class == core::FailureClass::kTransient);
  CHECK_THAT(first.summary, Contains("docker push 127.0.0.1:5000/app:v1 failed"));
  CHECK_FALSE(fs::exists(h.docker.specs[1].env.at("DOCKER_CONFIG")));  // removed on failure too

  h.docker.push_fails = false;
  h.docker.specs.clear();
  h.set_attempt(2);
  auto second = h.step.run(h.ctx);
  INFO(second.summary << "\n" << h.log.text);
  REQUIRE(second.ok);
  auto cmds = h.commands();
  CHECK(std::count(cmds.begin(), cmds.end(), "build") == 0);
  CHECK(std::count(cmds.begin(), cmds.end(), "tag") == 2);
  CHECK_THAT(h.log.text, Contains("reusing image " + std::string(kImage)));
}

TEST_CASE("docker-build step: changed build args rebuild on the next attempt", "[docker-build]") {
  Harness h(login_push_with());
  h.docker.push_fails = true;
  (void)h.step.run(h.ctx);
  h.ctx.with = h.ctx.with.with("build-args", core::Value(core::Value::Object{{"TOKEN", "other"}}));
  h.docker.specs.clear();
  h.set_attempt(2);
  (void)h.step.run(h.ctx);
  auto cmds = h.commands();
  CHECK(std::count(cmds.begin(), cmds.end(), "build") == 1);
}

TEST_CASE("docker-build step: docker missing from PATH says how to install it", "[docker-build]") {
  Harness h(core::Value(core::Value::Object{{"context", "ctx"}}));
  fs::remove(h.tmp.path() + "/bin/docker");
  struct NotFound : services::ProcessRunner {
    ProcessResult run(const ProcessSpec&, const core::CancelToken&) override {
      ProcessResult r;
      r.error = "docker: command not found";
      return r;
    }
  } runner;
  h.ctx.processes = &runner;
  auto r = h.step.run(h.ctx);
  CHECK_FALSE(r.ok);
  CHECK(r.failure_class == core::FailureClass::kPermanent);
  CHECK_THAT(r.summary, Contains("docker not found on PATH (install: apt-get install docker.io"));
}
