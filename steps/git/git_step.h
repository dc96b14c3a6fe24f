#pragma once
// `git`: checkout of a repository at a ref, and `require-pushed`, the GitOps
// guard (the working tree is clean and HEAD is on the remote as the remote
// has it now). Everything goes through services::GitRepo (libgit2): no `git`
// program is ever run.

#include "runner/step_api/step_type.h"

namespace wf::steps {

/// By `action`:
///   require-pushed  fails (permanent) listing every modified, staged or
///                   untracked file (outside ignored files and `.wf/`) and
///                   every commit of HEAD that the remote branch, as
///                   ls-remote reports it now, does not contain; an
///                   unreachable remote is transient.
///   checkout        clones `repo` into `dir` or fetches into the clone
///                   there, then checks out `ref`; outputs sha, ref, dir.
/// A `token` reaches libgit2's credential callback only and is registered as
/// a secret. Needs ctx.git. Stateless.
class GitStep : public step_api::StepType {
 public:
  const core::StepSchema& schema() const override;
  step_api::StepResult run(step_api::StepContext& ctx) const override;
  /// require-pushed: the check itself (it changes nothing); checkout: what
  /// it would clone or fetch.
  std::optional<step_api::StepPreview> preview(step_api::StepContext& ctx) const override;
};

namespace git {

step_api::StepResult require_pushed(step_api::StepContext& ctx);
step_api::StepResult checkout(step_api::StepContext& ctx);
/// The failure class of a git error: network → transient, cancelled →
/// cancelled, the rest permanent.
core::FailureClass classify(const services::GitError& e);
/// `p` made absolute against the step's working directory.
std::string absolute(const step_api::StepContext& ctx, const std::string& p);
/// The `token` parameter (registered as a secret), as libgit2 credentials.
services::GitAuth auth_of(step_api::StepContext& ctx);

}  // namespace git
}  // namespace wf::steps
