#include "steps/docker_build/classify.h"

#include <regex>
#include <vector>

#include "runner/core/strings.h"
#include "steps/docker_build/dockerfile.h"

namespace wf::steps::docker_build {

namespace {

using core::FailureClass;

bool contains_any(std::string_view text, std::initializer_list<std::string_view> needles) {
  std::string lower = core::to_lower(text);
  for (auto n : needles)
    if (lower.find(n) != std::string::npos) return true;
  return false;
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    out.emplace_back(text.substr(start, nl - start));
    if (!out.back().empty() && out.back().back() == '\r') out.back().pop_back();
    start = nl + 1;
  }
  return out;
}

// Lines that are never the error: the 28.x client's notice about the legacy
// builder, BuildKit's "------" frames, progress lines.
bool noise(const std::string& line) {
  std::string t = core::trim(line);
  if (t.empty()) return true;
  if (t.rfind("DEPRECATED:", 0) == 0 || t.rfind("Install the buildx component", 0) == 0 ||
      t.rfind("https://docs.docker.com/go/buildx", 0) == 0 || t.rfind("BuildKit is currently disabled", 0) == 0)
    return true;
  if (t.find_first_not_of('-') == std::string::npos) return true;
  return false;
}

// Where the build stopped: a line of the Dockerfile, 0 when unknown.
int failed_line(const std::vector<std::string>& lines, std::string_view dockerfile) {
  static const std::regex kDockerfileLine(R"(^Dockerfile[^:]*:(\d+)$)");
  static const std::regex kParseError(R"(parse error (?:on )?line (\d+))");
  static const std::regex kLegacy(R"(^Step (\d+)/\d+ : (\S+))");
  static const std::regex kBuildkit(R"(^ ?> \[(?:(\S+) )?(\d+)/\d+\] (\S+))");
  std::smatch m;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it)
    if (std::regex_search(*it, m, kDockerfileLine) || std::regex_search(*it, m, kParseError)) return std::stoi(m[1]);
  auto instructions = parse_instructions(dockerfile);
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    const Instruction* i = nullptr;
    std::string keyword;
    if (std::regex_search(*it, m, kLegacy)) {
      i = legacy_step(instructions, std::stoi(m[1]));
      keyword = m[2];
    } else if (std::regex_search(*it, m, kBuildkit)) {
      i = buildkit_step(instructions, m[1].str(), std::stoi(m[2]));
      keyword = m[3];
    } else {
      continue;
    }
    // Only when the instruction there is the one docker named.
    return i && core::iequals(i->keyword, keyword) ? i->line : 0;
  }
  return 0;
}

}  // namespace

bool engine_unreachable(std::string_view output) {
  return contains_any(output, {"cannot connect to the docker daemon", "is the docker daemon running",
                               "error during connect", "docker.sock: connect: no such file"});
}

bool auth_refused(std::string_view output) {
  return contains_any(output, {"unauthorized", "401 unauthorized", "status: 401", "403 forbidden", "status: 403", "denied:",
                               "no basic auth credentials", "authentication required", "incorrect username or password"});
}

bool registry_unreachable(std::string_view output) {
  return contains_any(output, {"connection refused", "connection reset", "i/o timeout", "timeout exceeded",
                               "tls handshake timeout", "context deadline exceeded", "no such host", ": eof", "unexpected eof",
                               "broken pipe", "network is unreachable", "server misbehaving", "500 internal server error",
                               "502 bad gateway", "503 service unavailable", "504 gateway timeout", "status: 50",
                               "unexpected http status: 5", "retrying in"});
}

std::string error_line(std::string_view output) {
  auto lines = lines_of(output);
  for (auto it = lines.rbegin(); it != lines.rend(); ++it)
    if (!noise(*it)) return core::trim(*it);
  return {};
}

Diagnosis classify_build(std::string_view output, std::string_view dockerfile, std::string_view file_name) {
  Diagnosis d;
  std::string why = error_line(output);
  if (engine_unreachable(output)) {
    d.failure_class = FailureClass::kTransient;
    d.message = "no Docker engine reachable: " + why;
    return d;
  }
  int line = failed_line(lines_of(output), dockerfile);
  std::string where = line > 0 ? " at " + std::string(file_name) + ":" + std::to_string(line) : "";
  // A RUN that fails is the build's own failure, whatever it printed about the network.
  bool run_failed = contains_any(output, {"returned a non-zero code", "did not complete successfully",
                                          "executor failed running"});
  bool pull_failed = contains_any(output, {"failed to resolve source metadata", "error response from daemon: get",
                                           "failed to do request", "error pulling image"});
  if (!run_failed && pull_failed && registry_unreachable(output)) d.failure_class = FailureClass::kTransient;
  d.message = "docker build failed" + where + ": " + why;
  return d;
}

Diagnosis classify_login(std::string_view output, std::string_view registry) {
  Diagnosis d;
  std::string name = registry.empty() ? std::string("Docker Hub") : std::string(registry);
  std::string why = error_line(output);
  if (engine_unreachable(output)) {
    d.failure_class = FailureClass::kTransient;
    d.message = "no Docker engine reachable: " + why;
  } else if (auth_refused(output)) {
    d.message = "login to " + name + " failed: the registry refused the username or password (" + why + ")";
  } else if (registry_unreachable(output)) {
    d.failure_class = FailureClass::kTransient;
    d.message = "login to " + name + " failed: the registry cannot be reached (" + why + ")";
  } else {
    d.message = "login to " + name + " failed: " + why;
  }
  return d;
}

Diagnosis classify_push(std::string_view output, std::string_view tag) {
  Diagnosis d;
  std::string why = error_line(output);
  d.message = "docker push " + std::string(tag) + " failed: " + why;
  if (engine_unreachable(output)) {
    d.failure_class = FailureClass::kTransient;
    d.message = "no Docker engine reachable: " + why;
  } else if (contains_any(output, {"toomanyrequests", "429 too many requests"})) {
    d.failure_class = FailureClass::kRateLimited;
  } else if (auth_refused(output)) {
    d.message += " (the registry refused the credentials: set username and password)";
  } else if (registry_unreachable(output)) {
    d.failure_class = FailureClass::kTransient;
  }
  return d;
}

std::optional<std::string> push_digest(std::string_view output) {
  static const std::regex kDigest(R"(: digest: (sha256:[0-9a-f]{64}) size: \d+)");
  std::optional<std::string> found;
  for (const auto& line : lines_of(output)) {
    std::smatch m;
    if (std::regex_search(line, m, kDigest)) found = m[1];
  }
  return found;
}

}  // namespace wf::steps::docker_build
