#pragma once
// The docker-build step's parameters, read from `with:`, and the command
// lines they make. Pure (no processes, no disk), so argv and env are
// unit-tested.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runner/core/expected.h"
#include "runner/core/value.h"

namespace wf::steps::docker_build {

/// Everything a docker-build step was asked to do, checked and normalised.
struct Options {
  std::string context;                                      // absolute
  std::string file;                                         // absolute; "" : <context>/Dockerfile
  std::vector<std::string> tags;
  std::vector<std::pair<std::string, std::string>> build_args;
  std::vector<std::pair<std::string, std::string>> labels;
  std::string target;
  std::string platform;
  std::string network;                                      // "" : docker's default
  bool no_cache = false;
  bool pull = false;
  bool push = false;
  std::string registry;                                     // "" : from the first tag (or Docker Hub)
  std::string username;
  std::optional<std::string> password;

  bool login() const { return !username.empty(); }
  std::string dockerfile() const;                           // `file`, or <context>/Dockerfile
};

/// Reads resolved `with:` values (defaults applied). Relative paths are
/// relative to `working_directory`; `file` is relative to it too, as in
/// `docker build -f`. Errors name the parameter.
core::Expected<Options, std::string> read_options(const core::Value& with, const std::string& working_directory);

/// The registry host of an image reference ("127.0.0.1:5000/app:v1" ->
/// "127.0.0.1:5000"), "" for Docker Hub ("app:v1", "org/app").
std::string registry_of(const std::string& image);

/// The registry to log in to: `registry`, else that of the first tag.
std::string login_registry(const Options& o);

/// A build argument's value goes to docker by environment (`--build-arg
/// NAME` with NAME set), so that no value is on a command line, unless the
/// docker client itself reads a variable of that name (PATH, HOME,
/// DOCKER_*, BUILDKIT_*, proxies): those go as NAME=VALUE.
bool build_arg_by_env(const std::string& name);

/// `docker build ...` (after "docker") and the environment it needs.
struct BuildCommand {
  std::vector<std::string> args;
  std::map<std::string, std::optional<std::string>> env;
};
BuildCommand build_command(const Options& o, const std::string& iidfile);

/// `docker login --username U --password-stdin [REGISTRY]` (after "docker").
std::vector<std::string> login_args(const Options& o);

/// A stable key of what the build reads from the parameters: an earlier
/// attempt's image is reused only when it matches.
std::string build_key(const Options& o);

}  // namespace wf::steps::docker_build
