#pragma once
// The wf image for the docker-labelled Argo tests: scripts/build-image.sh run
// once per test process against the shared test dockerd
// (tests/fixtures/docker), with the wf binary of this build.
#include <stdexcept>
#include <string>

#include "tests/fixtures/docker/docker_engine.h"
#include "tests/support/command.h"

namespace wf::test {

struct ImageBuild {
  std::string image;
  CommandResult result;
  double seconds = 0;
};

/// Runs scripts/build-image.sh TAG against `engine`; the image reference is
/// its last stdout line.
inline ImageBuild build_wf_image(const DockerEngine& engine, const std::string& tag) {
  ImageBuild b;
  auto start = std::chrono::steady_clock::now();
  b.result = run_command({"bash", std::string(WF_SOURCE_DIR) + "/scripts/build-image.sh", tag}, WF_SOURCE_DIR,
                         {{"DOCKER_HOST", engine.host()}, {"WF_BINARY", WF_BINARY}}, 1800);
  b.seconds = seconds_since(start);
  auto lines = split_lines(b.result.out);
  if (!lines.empty()) b.image = lines.back();
  return b;
}

/// The image, built once per test process; throws with the script's output
/// when it cannot be built.
inline const std::string& shared_wf_image() {
  static const std::string image = [] {
    ImageBuild b = build_wf_image(DockerEngine::shared(), "argo-test");
    if (b.result.exit_code != 0 || b.image.empty())
      throw std::runtime_error("scripts/build-image.sh failed (exit " + std::to_string(b.result.exit_code) + "):\n" +
                               b.result.err + b.result.out);
    return b.image;
  }();
  return image;
}

}  // namespace wf::test
