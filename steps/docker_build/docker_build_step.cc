#include "steps/docker_build/docker_build_step.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "runner/core/json.h"
#include "runner/core/strings.h"
#include "runner/step_api/tool.h"
#include "steps/docker_build/classify.h"
#include "steps/docker_build/options.h"

namespace wf::steps {

namespace fs = std::filesystem;
using namespace docker_build;
using step_api::StepContext;
using step_api::StepResult;

namespace {

constexpr const char* kInstall = "apt-get install docker.io, or scripts/tools/docker.sh";

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string env_of(const StepContext& ctx, const std::string& name) {
  auto it = ctx.env.find(name);
  return it == ctx.env.end() ? std::string() : it->second;
}

/// A DOCKER_CONFIG folder of the attempt's own (0700) for `docker login`,
/// removed with the credentials in it when the scope ends, whatever happened.
/// The user's cli-plugins (buildx) stay reachable through a symlink.
class PrivateConfig {
 public:
  PrivateConfig(StepContext& ctx, std::string dir) : ctx_(ctx), dir_(std::move(dir)) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    fs::create_directories(dir_, ec);
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace, ec);
    std::string user = env_of(ctx, "DOCKER_CONFIG");
    if (user.empty() && !env_of(ctx, "HOME").empty()) user = env_of(ctx, "HOME") + "/.docker";
    if (!user.empty() && fs::is_directory(user + "/cli-plugins", ec))
      fs::create_directory_symlink(user + "/cli-plugins", dir_ + "/cli-plugins", ec);
  }
  ~PrivateConfig() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    ctx_.log->info(ec ? "could not remove the private docker config " + dir_ + ": " + ec.message()
                      : "removed the private docker config (and the login in it)");
  }
  PrivateConfig(const PrivateConfig&) = delete;
  PrivateConfig& operator=(const PrivateConfig&) = delete;
  const std::string& dir() const { return dir_; }

 private:
  StepContext& ctx_;
  std::string dir_;
};

/// One attempt's docker session: the CLI, the environment every command
/// gets, and how each command's failure is judged.
class Docker {
 public:
  Docker(StepContext& ctx, const Options& o) : ctx_(ctx), o_(o) {}

  void use_config(const std::string& dir) { env_["DOCKER_CONFIG"] = dir; }

  step_api::ToolRun run(std::vector<std::string> args, std::map<std::string, std::optional<std::string>> extra = {},
                        std::optional<std::string> stdin_data = std::nullopt, bool quiet = false) {
    step_api::ToolCall call;
    call.program = "docker";
    call.args = std::move(args);
    call.env = env_;
    for (auto& [k, v] : extra) call.env[k] = v;
    call.stdin_data = std::move(stdin_data);
    call.install_hint = kInstall;
    call.log_stdout = !quiet;
    return step_api::run_tool(ctx_, call);
  }

  // Not found, not started, stopped: said by the tool kit; else nullopt.
  static std::optional<StepResult> not_run(const step_api::ToolRun& r) {
    if (r.stopped() || r.not_found || !r.process.started) return r.failure(core::FailureClass::kPermanent);
    return std::nullopt;
  }

  std::optional<StepResult> check_engine() {
    auto r = run({"version", "--format", "{{.Server.Version}}"}, {}, std::nullopt, true);
    if (r.ok()) {
      std::string host = env_of(ctx_, "DOCKER_HOST");
      ctx_.log->info("Docker engine " + core::trim(r.out) + (host.empty() ? "" : " at " + host));
      return std::nullopt;
    }
    if (auto f = not_run(r)) return f;
    std::string host = env_of(ctx_, "DOCKER_HOST");
    return StepResult::failure(core::FailureClass::kTransient,
                               "no Docker engine reachable at " + (host.empty() ? std::string("the default socket") : host) +
                                   ": " + error_line(r.output));
  }

  std::optional<StepResult> login() {
    std::string registry = login_registry(o_);
    auto r = run(login_args(o_), {}, o_.password.value_or(""));
    if (r.ok()) return std::nullopt;
    if (auto f = not_run(r)) return f;
    Diagnosis d = classify_login(r.output, registry);
    return StepResult::failure(d.failure_class, d.message);
  }

  /// The image id: built now, or an earlier attempt's with the same parameters.
  core::Expected<std::string, StepResult> build() {
    if (auto reused = reuse()) return *reused;
    std::string iidfile = (fs::absolute(ctx_.attempt_dir) / "iid").string();
    BuildCommand c = build_command(o_, iidfile);
    auto r = run(c.args, c.env);
    if (!r.ok()) {
      if (auto f = not_run(r)) return core::unexpected(*f);
      std::string file = o_.dockerfile();
      std::string shown = fs::path(file).lexically_relative(ctx_.working_directory).string();
      Diagnosis d = classify_build(r.output, read_text(file), shown.empty() || shown.rfind("..", 0) == 0 ? file : shown);
      return core::unexpected(StepResult::failure(d.failure_class, d.message));
    }
    std::string id = core::trim(read_text(iidfile));
    if (id.empty()) return core::unexpected(StepResult::failure(core::FailureClass::kPermanent, "docker build wrote no image id"));
    remember(id);
    return id;
  }

  /// Pushes every tag; the digest of the last (they are one manifest).
  core::Expected<std::string, StepResult> push() {
    std::string digest;
    for (const auto& tag : o_.tags) {
      auto r = run({"push", tag});
      if (!r.ok()) {
        if (auto f = not_run(r)) return core::unexpected(*f);
        Diagnosis d = classify_push(r.output, tag);
        return core::unexpected(StepResult::failure(d.failure_class, d.message));
      }
      auto found = push_digest(r.out);
      if (!found)
        return core::unexpected(StepResult::failure(core::FailureClass::kPermanent,
                                                    "docker push " + tag + " printed no digest"));
      if (!digest.empty() && *found != digest) ctx_.log->info("note: " + tag + " has digest " + *found + ", not " + digest);
      digest = *found;
    }
    return digest;
  }

  std::string size(const std::string& id) {
    auto r = run({"image", "inspect", "--format", "{{.Size}}", id}, {}, std::nullopt, true);
    return r.ok() ? core::trim(r.out) : std::string();
  }

 private:
  // The record of the image this step built, shared by its attempts (the
  // attempt directory's parent is the step's).
  std::string record_file() const { return (fs::absolute(ctx_.attempt_dir).parent_path() / "docker-build.json").string(); }

  void remember(const std::string& id) {
    core::Value record(core::Value::Object{{"key", build_key(o_)}, {"image-id", id}});
    std::ofstream(record_file(), std::ios::trunc) << core::to_json(record);
  }

  std::optional<std::string> reuse() {
    auto record = core::parse_json(read_text(record_file()));
    if (!record || !record->is_object()) return std::nullopt;
    const core::Value* key = record->find("key");
    const core::Value* id = record->find("image-id");
    if (!key || !id || !key->is_string() || !id->is_string() || key->as_string() != build_key(o_)) return std::nullopt;
    if (!run({"image", "inspect", "--format", "{{.Id}}", id->as_string()}, {}, std::nullopt, true).ok()) return std::nullopt;
    for (const auto& tag : o_.tags)
      if (!run({"tag", id->as_string(), tag}).ok()) return std::nullopt;
    ctx_.log->info("reusing image " + id->as_string() + " built by an earlier attempt of this step (not rebuilding)");
    return id->as_string();
  }

  StepContext& ctx_;
  const Options& o_;
  std::map<std::string, std::optional<std::string>> env_;
};

std::string tags_json(const std::vector<std::string>& tags) {
  core::Value::Array a;
  for (const auto& t : tags) a.emplace_back(t);
  return core::to_json(core::Value(std::move(a)));
}

}  // namespace

StepResult DockerBuildStep::run(StepContext& ctx) const {
  auto o = read_options(ctx.with, ctx.working_directory);
  if (!o) return StepResult::failure(core::FailureClass::kPermanent, o.error());
  std::error_code ec;
  if (!fs::is_directory(o->context, ec))
    return StepResult::failure(core::FailureClass::kPermanent, "context: folder " + o->context + " does not exist");
  fs::create_directories(ctx.attempt_dir, ec);
  Docker docker(ctx, *o);
  if (auto f = docker.check_engine()) return *f;
  std::optional<PrivateConfig> config;
  if (o->login()) {
    config.emplace(ctx, (fs::absolute(ctx.attempt_dir) / "docker-config").string());
    docker.use_config(config->dir());
    if (auto f = docker.login()) return *f;
  }
  auto id = docker.build();
  if (!id) return id.error();
  std::string digest;
  if (o->push) {
    auto pushed = docker.push();
    if (!pushed) return pushed.error();
    digest = *pushed;
  }
  StepResult r = StepResult::success(o->push ? "pushed " + core::join(o->tags, ", ") + " (" + digest + ")"
                                             : "built " + *id);
  r.outputs.emplace_back("image-id", core::Value(*id));
  r.outputs.emplace_back("digest", core::Value(digest));
  r.outputs.emplace_back("tags", core::Value(tags_json(o->tags)));
  r.outputs.emplace_back("size", core::Value(docker.size(*id)));
  return r;
}

std::optional<step_api::StepPreview> DockerBuildStep::preview(StepContext& ctx) const {
  auto o = read_options(ctx.with, ctx.working_directory);
  if (!o) return step_api::StepPreview::failed(o.error());
  std::string text = "docker build " + o->context + "\n";
  text += "  file: " + o->dockerfile() + "\n";
  if (!o->target.empty()) text += "  target: " + o->target + "\n";
  if (!o->platform.empty()) text += "  platform: " + o->platform + "\n";
  if (!o->build_args.empty()) {
    std::vector<std::string> names;
    for (const auto& [name, value] : o->build_args) names.push_back(name);
    text += "  build-args: " + core::join(names, ", ") + "\n";
  }
  text += "  tags: " + (o->tags.empty() ? std::string("(none)") : core::join(o->tags, ", ")) + "\n";
  if (o->push) {
    std::string registry = login_registry(*o);
    text += "would push " + core::join(o->tags, ", ");
    if (o->login()) text += " after logging in to " + (registry.empty() ? std::string("Docker Hub") : registry) + " as " + o->username;
    text += "\n";
  } else {
    text += "would not push (push: false)\n";
  }
  return step_api::StepPreview{true, text};
}

}  // namespace wf::steps

namespace wf::steps {
std::unique_ptr<step_api::StepType> make_docker_build_step() { return std::make_unique<DockerBuildStep>(); }
}  // namespace wf::steps
