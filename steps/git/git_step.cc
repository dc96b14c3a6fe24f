#include "steps/git/git_step.h"

#include <filesystem>

#include "steps/git/url.h"

namespace wf::steps {

namespace fs = std::filesystem;
using step_api::StepContext;
using step_api::StepResult;

namespace git {

core::FailureClass classify(const services::GitError& e) {
  switch (e.kind) {
    case services::GitError::Kind::kNetwork: return core::FailureClass::kTransient;
    case services::GitError::Kind::kCancelled: return core::FailureClass::kCancelled;
    default: return core::FailureClass::kPermanent;
  }
}

std::string absolute(const StepContext& ctx, const std::string& p) {
  fs::path path(p.empty() ? "." : p);
  if (path.is_relative()) path = fs::path(ctx.working_directory) / path;
  return path.lexically_normal().string();
}

services::GitAuth auth_of(StepContext& ctx) {
  services::GitAuth auth;
  auth.password = ctx.param_string("token");
  if (!auth.password.empty() && ctx.log) ctx.log->add_secret(auth.password);
  return auth;
}

}  // namespace git

StepResult GitStep::run(StepContext& ctx) const {
  if (!ctx.git) return StepResult::failure(core::FailureClass::kPermanent, "no git service in this context");
  std::string action = ctx.param_string("action");
  if (action == "require-pushed") return git::require_pushed(ctx);
  if (action == "checkout") return git::checkout(ctx);
  return StepResult::failure(core::FailureClass::kPermanent, "unknown action '" + action + "'");
}

std::optional<step_api::StepPreview> GitStep::preview(StepContext& ctx) const {
  step_api::StepPreview p;
  if (ctx.param_string("action") == "require-pushed") {
    StepResult r = run(ctx);
    p.changes = false;
    p.text = r.ok ? "require-pushed: " + r.summary : "require-pushed would fail now: " + r.summary;
    return p;
  }
  std::string repo = git::split_credentials(ctx.param_string("repo")).url;
  std::string dir = git::absolute(ctx, ctx.param_string("dir", git::default_dir(repo)));
  std::error_code ec;
  bool fresh = !fs::exists(dir, ec) || fs::is_empty(dir, ec);
  std::string ref = ctx.param_string("ref", "the default branch");
  p.text = (fresh ? "would clone " + repo + " into " + dir : "would fetch " + repo + " in " + dir) +
           " and check out " + ref;
  return p;
}

std::unique_ptr<step_api::StepType> make_git_step() { return std::make_unique<GitStep>(); }

}  // namespace wf::steps
