// Reading docker's output: real messages of the 20.10 engine with the 28.x
// client (legacy builder) and the 20.10 client (BuildKit), and of Debian's
// registry.

#include <catch2/catch.hpp>

#include "steps/docker_build/classify.h"
#include "steps/docker_build/dockerfile.h"

using namespace wf::steps::docker_build;
using wf::core::FailureClass;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const char* kDockerfile = R"(# syntax comment
FROM scratch AS base
COPY busybox /bin/busybox
ARG GREETING=hi
RUN ["/bin/busybox", "sh", "-c", \
     "echo $GREETING > /greeting"]

FROM base AS final
LABEL a=b
RUN ["/bin/busybox", "false"]
)";

}  // namespace

TEST_CASE("dockerfile: instructions with their lines and stages, continuations skipped", "[docker-build]") {
  auto all = parse_instructions(kDockerfile);
  REQUIRE(all.size() == 7);
  CHECK(all[0].line == 2);
  CHECK(all[0].stage_name == "base");
  CHECK(all[3].keyword == "RUN");
  CHECK(all[3].line == 5);
  CHECK(all[4].line == 8);
  CHECK(all[4].stage == 1);
  CHECK(all[6].line == 10);
  CHECK(legacy_step(all, 7)->line == 10);
  CHECK(legacy_step(all, 8) == nullptr);
  CHECK(buildkit_step(all, "base", 2)->line == 5);    // FROM scratch and ARG make no vertex
  CHECK(buildkit_step(all, "final", 2)->line == 10);  // FROM base is one
  CHECK(buildkit_step(all, "stage-1", 2)->line == 10);
  CHECK(buildkit_step(all, "", 1) == nullptr);        // two stages: which one?
}

TEST_CASE("dockerfile: a backtick escape directive", "[docker-build]") {
  auto all = parse_instructions("# escape=`\nFROM scratch\nCOPY a `\n  /a\nCOPY b /b\n");
  REQUIRE(all.size() == 3);
  CHECK(all[2].line == 5);
}

TEST_CASE("classify: a failing RUN (legacy builder) is permanent and names the Dockerfile line", "[docker-build]") {
  const char* out =
      "Step 6/7 : LABEL a=b\n ---> fc1d504c3689\nStep 7/7 : RUN [\"/bin/busybox\", \"false\"]\n"
      " ---> Running in 226cb58e3546\nDEPRECATED: The legacy builder is deprecated and will be removed in a future release.\n"
      "            Install the buildx component to build images with BuildKit:\n"
      "            https://docs.docker.com/go/buildx/\n\n"
      "The command '/bin/busybox false' returned a non-zero code: 1\n";
  Diagnosis d = classify_build(out, kDockerfile, "Dockerfile");
  CHECK(d.failure_class == FailureClass::kPermanent);
  CHECK(d.message == "docker build failed at Dockerfile:10: The command '/bin/busybox false' returned a non-zero code: 1");
}

TEST_CASE("classify: a failing RUN (BuildKit) names the line from [stage i/n]", "[docker-build]") {
  const char* out =
      "#4 [base 2/2] RUN [\"/bin/busybox\", \"sh\", \"-c\", \"echo hi > /greeting\"]\n"
      "#4 ERROR: executor failed running [/bin/busybox sh -c echo $GREETING > /greeting]: exit code: 1\n"
      "------\n > [base 2/2] RUN [\"/bin/busybox\", \"sh\", \"-c\", \"echo hi > /greeting\"]:\n------\n"
      "executor failed running [/bin/busybox sh -c echo $GREETING > /greeting]: exit code: 1\n";
  Diagnosis d = classify_build(out, kDockerfile, "ctx/Dockerfile");
  CHECK(d.failure_class == FailureClass::kPermanent);
  CHECK_THAT(d.message, Contains("at ctx/Dockerfile:5: executor failed running"));
}

TEST_CASE("classify: syntax errors and missing files are permanent with their line", "[docker-build]") {
  Diagnosis legacy = classify_build("Sending build context to Docker daemon  1.987MB\n"
                                    "Error response from daemon: dockerfile parse error line 2: unknown instruction: FOO\n",
                                    "FROM scratch\nFOO bar\n", "Dockerfile");
  CHECK(legacy.failure_class == FailureClass::kPermanent);
  CHECK_THAT(legacy.message, Contains("Dockerfile:2: Error response from daemon: dockerfile parse error line 2"));
  Diagnosis bk = classify_build("failed to solve with frontend dockerfile.v0: failed to create LLB definition: "
                                "dockerfile parse error line 2: unknown instruction: FOO\n",
                                "FROM scratch\nFOO bar\n", "Dockerfile");
  CHECK_THAT(bk.message, Contains("Dockerfile:2"));
  Diagnosis missing = classify_build(" ---> \nStep 2/2 : COPY nope /x\nCOPY failed: file not found in build context or "
                                     "excluded by .dockerignore: stat nope: file does not exist\n",
                                     "FROM scratch\nCOPY nope /x\n", "Dockerfile");
  CHECK(missing.failure_class == FailureClass::kPermanent);
  CHECK_THAT(missing.message, Contains("Dockerfile:2: COPY failed: file not found in build context"));
  Diagnosis newer = classify_build("Dockerfile:3\n--------------------\n   3 | >>> RUN false\n--------------------\n"
                                   "ERROR: failed to solve: process \"/bin/sh -c false\" did not complete successfully: exit code: 1\n",
                                   "", "Dockerfile");
  CHECK_THAT(newer.message, Contains("Dockerfile:3: ERROR: failed to solve"));
}

TEST_CASE("classify: a base image that cannot be pulled for network reasons is transient", "[docker-build]") {
  Diagnosis d = classify_build("Step 1/2 : FROM debian:12\nError response from daemon: Get \"https://registry-1.docker.io/v2/\": "
                               "dial tcp: lookup registry-1.docker.io: no such host\n",
                               "FROM debian:12\nRUN true\n", "Dockerfile");
  CHECK(d.failure_class == FailureClass::kTransient);
  Diagnosis run = classify_build("Step 2/2 : RUN curl http://x\ncurl: (7) connection refused\n"
                                 "The command '/bin/sh -c curl http://x' returned a non-zero code: 7\n",
                                 "FROM debian:12\nRUN curl http://x\n", "Dockerfile");
  CHECK(run.failure_class == FailureClass::kPermanent);
}

TEST_CASE("classify: no engine is transient and says so", "[docker-build]") {
  const char* out = "Cannot connect to the Docker daemon at unix:///nowhere.sock. Is the docker daemon running?\n";
  CHECK(engine_unreachable(out));
  Diagnosis d = classify_build(out, "", "Dockerfile");
  CHECK(d.failure_class == FailureClass::kTransient);
  CHECK_THAT(d.message, Contains("no Docker engine reachable"));
}

TEST_CASE("classify: login refused is permanent, registry unreachable transient", "[docker-build]") {
  Diagnosis refused = classify_login("Error response from daemon: login attempt to http://127.0.0.1:5055/v2/ failed with "
                                     "status: 401 Unauthorized\n",
                                     "127.0.0.1:5055");
  CHECK(refused.failure_class == FailureClass::kPermanent);
  CHECK_THAT(refused.message, StartsWith("login to 127.0.0.1:5055 failed: the registry refused"));
  Diagnosis down = classify_login("Error response from daemon: Get \"http://127.0.0.1:5056/v2/\": dial tcp "
                                  "127.0.0.1:5056: connect: connection refused\n",
                                  "127.0.0.1:5056");
  CHECK(down.failure_class == FailureClass::kTransient);
  Diagnosis five = classify_login("Error response from daemon: login attempt to https://r.example/v2/ failed with status: "
                                  "503 Service Unavailable\n",
                                  "r.example");
  CHECK(five.failure_class == FailureClass::kTransient);
}

TEST_CASE("classify: push failures", "[docker-build]") {
  auto push = [](const char* out) { return classify_push(out, "127.0.0.1:5056/app:v1"); };
  CHECK(push("The push refers to repository [127.0.0.1:5056/app]\nGet \"http://127.0.0.1:5056/v2/\": dial tcp "
             "127.0.0.1:5056: connect: connection refused\n")
            .failure_class == FailureClass::kTransient);
  CHECK(push("9815a92aab84: Preparing\nno basic auth credentials\n").failure_class == FailureClass::kPermanent);
  CHECK(push("denied: requested access to the resource is denied\n").failure_class == FailureClass::kPermanent);
  CHECK(push("An image does not exist locally with the tag: 127.0.0.1:5056/app\n").failure_class ==
        FailureClass::kPermanent);
  CHECK(push("9815a92aab84: Retrying in 5 seconds\nreceived unexpected HTTP status: 502 Bad Gateway\n").failure_class ==
        FailureClass::kTransient);
  CHECK(push("toomanyrequests: You have reached your pull rate limit.\n").failure_class == FailureClass::kRateLimited);
  // A layer id with "401" in it is not a 401.
  CHECK(push("e401a92aab84: Preparing\nread tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer\n")
            .failure_class == FailureClass::kTransient);
}

TEST_CASE("push_digest: the digest docker push printed", "[docker-build]") {
  const char* out =
      "The push refers to repository [127.0.0.1:5055/app]\n9815a92aab84: Pushed\n"
      "v1: digest: sha256:6bf4371f36137968c0fbb89693b146e9c847cb334c4e75e27bb37b4d7945c70e size: 735\n";
  CHECK(push_digest(out) == "sha256:6bf4371f36137968c0fbb89693b146e9c847cb334c4e75e27bb37b4d7945c70e");
  CHECK_FALSE(push_digest("nothing\n"));
}
