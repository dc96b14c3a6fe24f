#pragma once
// `docker-build`: build an image with the docker CLI, log in with a secret on
// stdin, push its tags, return its id and the registry's digest.

#include "runner/step_api/step_type.h"

namespace wf::steps {

/// Drives the `docker` CLI found on PATH of the step's environment (the
/// engine at DOCKER_HOST): `docker version` (is an engine there?), then with
/// `username` a `docker login --password-stdin` into a private DOCKER_CONFIG
/// folder in the attempt directory (removed when the attempt ends, also on
/// failure), `docker build --iidfile`, and with `push` one `docker push` per
/// tag. Build arguments reach docker by environment, the password by stdin:
/// no secret is on a command line. An image built by an earlier attempt of
/// the same step with the same parameters is reused (tagged again, not
/// rebuilt), so a retried push does not rebuild. Failures are classified
/// from docker's output (see docker_build/classify.h). Stateless.
class DockerBuildStep : public step_api::StepType {
 public:
  const core::StepSchema& schema() const override;
  step_api::StepResult run(step_api::StepContext& ctx) const override;
  /// What would be built and pushed; runs nothing. Throws
  /// std::runtime_error on parameters that cannot be read.
  std::optional<step_api::StepPreview> preview(step_api::StepContext& ctx) const override;
};

}  // namespace wf::steps
