// action: checkout — clone or fetch, then check out a ref.

#include "steps/git/git_step.h"
#include "steps/git/url.h"

namespace wf::steps::git {

using step_api::StepContext;
using step_api::StepResult;

StepResult checkout(StepContext& ctx) {
  std::string repo = ctx.param_string("repo");
  if (repo.empty()) return StepResult::failure(core::FailureClass::kPermanent, "checkout needs `repo`");
  services::GitCheckoutRequest req;
  req.auth = auth_of(ctx);
  // Credentials in the URL itself are taken out of it: the clone's config,
  // the log and the outputs only ever see the URL without them.
  SplitUrl split = split_credentials(repo);
  if (!split.password.empty()) {
    if (ctx.log) ctx.log->add_secret(split.password);
    if (req.auth.password.empty()) {
      req.auth.password = split.password;
      if (!split.username.empty()) req.auth.username = split.username;
    }
  }
  req.url = is_url(split.url) ? split.url : absolute(ctx, split.url);
  std::string dir_param = ctx.param_string("dir");
  if (dir_param.empty()) dir_param = default_dir(req.url);
  if (dir_param.empty()) return StepResult::failure(core::FailureClass::kPermanent, "give `dir`: no folder name in " + req.url);
  req.dir = absolute(ctx, dir_param);
  req.ref = ctx.param_string("ref");
  const core::Value& depth = ctx.param("depth");
  if (depth.is_number()) {
    if (depth.as_number() < 1)
      return StepResult::failure(core::FailureClass::kPermanent, "depth must be a positive whole number");
    req.depth = static_cast<int>(depth.as_number());
    if (is_local_repo(repo)) return StepResult::failure(core::FailureClass::kPermanent, kDepthLocalError);
  }
  req.clean = ctx.param_bool("clean");

  ctx.log->info("checkout " + req.url + (req.ref.empty() ? "" : " at " + req.ref) + " into " + req.dir);
  auto r = ctx.git->checkout(req, ctx.cancel);
  if (!r) return StepResult::failure(classify(r.error()), r.error().message);
  std::string what = (r->cloned ? "cloned " : "fetched ") + req.url + ", checked out " + r->ref + " at " +
                     r->sha.substr(0, 7);
  ctx.log->info(what);
  StepResult result = StepResult::success(what);
  result.outputs = {{"sha", core::Value(r->sha)}, {"ref", core::Value(r->ref)}, {"dir", core::Value(req.dir)}};
  return result;
}

}  // namespace wf::steps::git
