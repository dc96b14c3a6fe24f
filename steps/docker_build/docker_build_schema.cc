// The docker-build step's declared parameters and its own checks: what the
// loader validates and `wf steps docker-build` prints.

#include "steps/docker_build/docker_build_step.h"

namespace wf::steps {

namespace {

using core::ParamType;

void validate(core::ParamCheck& check) {
  const core::Value* push = check.known("push");
  if (push && push->is_bool() && push->as_bool() && !check.given("tags"))
    check.error("push", "push needs `tags`: the image names to push");
  if (const core::Value* tags = check.known("tags"); tags && tags->is_array() && tags->as_array().empty() && push &&
                                                     push->is_bool() && push->as_bool())
    check.error("tags", "push needs at least one tag");
  if (check.given("password") && !check.given("username")) check.error("password", "password needs a username");
  if (check.given("username") && !check.given("password"))
    check.error("username", "username needs a password: `password: ${{ secrets.NAME }}`");
  if (auto p = check.known_string("password"); p && !p->empty())
    check.warning("password", "a password written in the workflow file: pass it as `${{ secrets.NAME }}` instead");
}

core::StepSchema make_schema() {
  core::StepSchema s;
  s.type = "docker-build";
  s.summary = "docker build with tags, build args, target and labels; login with a secret on stdin; push; digest out.";
  s.description =
      "Builds an image with the docker CLI on PATH against the engine at DOCKER_HOST (legacy builder or\n"
      "BuildKit, as the client chooses; DOCKER_BUILDKIT is honoured). With `username` it logs in with\n"
      "`docker login --password-stdin` into a private DOCKER_CONFIG folder that is deleted when the attempt ends:\n"
      "credentials never reach ~/.docker/config.json. With `push` every tag is pushed and `digest` is the\n"
      "manifest digest the registry reported (its Docker-Content-Digest). A failed build (a RUN that exits\n"
      "non-zero, a syntax error, a file missing from the context) is `permanent` and names the Dockerfile line;\n"
      "refused credentials are `permanent`; an unreachable registry, a reset connection, 5xx and timeouts are\n"
      "`transient` (retry them with `retry:`); a retried push reuses the image the earlier attempt built. No\n"
      "engine reachable is `transient` and says so. Details: docs/steps/docker-build.md.";
  core::ParamSpec context = core::make_param("context", ParamType::kString, "The build context folder.", "images/app", ".");
  context.must_exist = core::PathKind::kDirectory;
  core::ParamSpec file = core::make_param("file", ParamType::kString,
                                          "The Dockerfile (default: <context>/Dockerfile), relative to the working directory.",
                                          "images/app/Dockerfile.release");
  file.must_exist = core::PathKind::kFile;
  core::ParamSpec password = core::make_param("password", ParamType::kString,
                                              "The registry password or token; it goes to docker on stdin only.",
                                              "${{ secrets.registry-password }}");
  password.secret = true;
  s.params = {
      context,
      file,
      core::make_param("tags", ParamType::kStringList, "Image names to tag (and push); required with `push`.",
                       "[registry.example.com/app:1.2.0, registry.example.com/app:latest]"),
      core::make_param("build-args", ParamType::kStringMap, "Build arguments (ARG); values reach docker by environment.",
                       "{ VERSION: \"1.2.0\" }"),
      core::make_param("target", ParamType::kString, "The stage to build (a multi-stage Dockerfile's `AS` name).", "runtime"),
      core::make_param("labels", ParamType::kStringMap, "Labels to set on the image.",
                       "{ org.opencontainers.image.revision: \"${{ git.sha }}\" }"),
      core::make_param("platform", ParamType::kString, "One platform to build for.", "linux/amd64"),
      core::make_param("network", ParamType::kString, "The network of RUN instructions (`docker build --network`).", "host"),
      core::make_param("no-cache", ParamType::kBool, "Build without the build cache.", "true", false),
      core::make_param("pull", ParamType::kBool, "Always pull newer versions of base images.", "true", false),
      core::make_param("push", ParamType::kBool, "Push every tag after the build.", "true", false),
      core::make_param("registry", ParamType::kString,
                       "The registry to log in to, host[:port] (default: that of the first tag; none: Docker Hub).",
                       "registry.example.com"),
      core::make_param("username", ParamType::kString, "The registry user; with `password`, the step logs in first.", "ci"),
      password,
  };
  s.outputs = {
      {"image-id", "the image's id, sha256:..."},
      {"digest", "with push: the manifest digest the registry reported for the pushed tags, sha256:..."},
      {"tags", "JSON text: the tags, e.g. [\"registry.example.com/app:1.2.0\"]"},
      {"size", "the image's size in bytes"},
  };
  s.example =
      "steps:\n"
      "  image:\n"
      "    uses: docker-build\n"
      "    with:\n"
      "      context: images/app\n"
      "      tags: [\"registry.example.com/app:${{ git.sha }}\"]\n"
      "      build-args: { VERSION: \"${{ inputs.version }}\" }\n"
      "      push: true\n"
      "      username: ci\n"
      "      password: ${{ secrets.registry-password }}\n"
      "    retry: { limit: 3, when: [transient] }";
  s.validate = validate;
  core::mark_on_command_line(s, {"tags", "target", "labels", "platform", "network", "registry", "username"});
  return s;
}

}  // namespace

const core::StepSchema& DockerBuildStep::schema() const {
  static const core::StepSchema kSchema = make_schema();
  return kSchema;
}

}  // namespace wf::steps
