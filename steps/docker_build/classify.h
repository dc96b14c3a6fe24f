#pragma once
// Reading docker's own output: which failure class a failed command is
// (DESIGN §1 "Semantics"), where a build stopped, and what a push reported.
// Pure functions of text, tested table-driven with real docker messages.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "runner/core/failure.h"

namespace wf::steps::docker_build {

struct Diagnosis {
  core::FailureClass failure_class = core::FailureClass::kPermanent;
  std::string message;  // one line for the step's summary
};

/// Whether the output says no Docker engine answered ("Cannot connect to
/// the Docker daemon", "error during connect", a missing socket).
bool engine_unreachable(std::string_view output);

/// Whether the output says the registry refused the credentials (401/403,
/// "unauthorized", "denied", "no basic auth credentials").
bool auth_refused(std::string_view output);

/// Whether the output says the registry could not be reached or answered
/// with a server error: connection refused/reset, timeouts, EOF, DNS
/// failures, 5xx.
bool registry_unreachable(std::string_view output);

/// A failed `docker build`. `dockerfile` is the Dockerfile's text ("" when
/// unreadable): the summary names the line the build stopped at, found from
/// the legacy builder's "Step N/M", BuildKit's "[stage I/N]", a
/// "Dockerfile:N" or "parse error line N". No engine, or a base image that
/// cannot be pulled for network reasons, is transient; the rest (a RUN that
/// fails, a syntax error, a file missing from the context) is permanent.
Diagnosis classify_build(std::string_view output, std::string_view dockerfile, std::string_view file_name);

/// A failed `docker login`: refused credentials are permanent ("login to
/// REGISTRY failed: ..."), an unreachable registry or engine transient.
Diagnosis classify_login(std::string_view output, std::string_view registry);

/// A failed `docker push` of `tag`: refused credentials and a missing image
/// are permanent, an unreachable registry (or engine), 5xx and timeouts
/// transient, "toomanyrequests"/429 rate-limited.
Diagnosis classify_push(std::string_view output, std::string_view tag);

/// The manifest digest `docker push` printed ("TAG: digest: sha256:... size: N"),
/// the last one when several; nullopt when none.
std::optional<std::string> push_digest(std::string_view output);

/// The last non-empty line that is an error (skips docker's deprecation
/// notice and BuildKit's frame lines); "" when none.
std::string error_line(std::string_view output);

}  // namespace wf::steps::docker_build
