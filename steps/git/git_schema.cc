// The git step's declared parameters and its own checks: what the loader
// validates and `wf steps git` prints.

#include <cmath>

#include "steps/git/git_step.h"
#include "steps/git/url.h"

namespace wf::steps {

namespace {

using core::ParamType;

// Parameters that only one action reads: naming them with the other is a mistake.
const char* const kRequirePushedOnly[] = {"remote", "branch", "paths"};
const char* const kCheckoutOnly[] = {"repo", "ref", "depth", "clean"};

void validate(core::ParamCheck& check) {
  auto action = check.known_string("action");
  if (!action) return;  // given by an expression: checked when the step runs
  if (*action == "checkout") {
    if (!check.given("repo")) check.error("", "action checkout needs `repo` (a URL or a local path)");
    for (const char* p : kRequirePushedOnly)
      if (check.given(p)) check.error(p, std::string("`") + p + "` is only read by action require-pushed");
  } else if (*action == "require-pushed") {
    for (const char* p : kCheckoutOnly)
      if (check.given(p)) check.error(p, std::string("`") + p + "` is only read by action checkout");
  }
  if (const core::Value* depth = check.known("depth")) {
    if (!depth->is_number() || depth->as_number() < 1 || std::floor(depth->as_number()) != depth->as_number())
      check.error("depth", "depth must be a positive whole number of commits");
  }
  if (auto repo = check.known_string("repo")) {
    if (repo->empty()) check.error("repo", "repo is empty");
    else if (check.given("depth") && git::is_local_repo(*repo))
      check.error("depth", git::kDepthLocalError);
    else if (!git::split_credentials(*repo).password.empty())
      check.warning("repo", "a password or token in the URL: pass it as `token: ${{ secrets.NAME }}` instead "
                            "(wf takes it out of the URL, but the workflow file now holds it)");
  }
  if (auto remote = check.known_string("remote"); remote && remote->empty()) check.error("remote", "remote is empty");
}

}  // namespace

const core::StepSchema& GitStep::schema() const {
  static const core::StepSchema kSchema = [] {
    core::StepSchema s;
    s.type = "git";
    s.summary = "Check out a repository at a ref, or require that the working tree is committed and pushed.";
    s.description =
        "Uses libgit2 (never a `git` program).\n"
        "`require-pushed` is the GitOps guard: put it before steps that apply manifests an Argo CD syncs from\n"
        "the remote. It passes when the working tree containing `dir` has no modified, staged or untracked\n"
        "files (ignored files and `.wf/` do not count) and HEAD is contained in the remote branch as the\n"
        "remote has it now: wf asks the remote (ls-remote) and fetches that commit if needed, never trusting a\n"
        "local tracking ref such as origin/main, which can be stale or moved. It fails as `permanent`,\n"
        "listing each dirty file and each unpushed commit (short sha and subject); a remote that cannot be\n"
        "reached is `transient`.\n"
        "`checkout` clones `repo` into `dir`, or, when `dir` already holds a clone of it (the second run of a\n"
        "workflow), fetches and checks out `ref`: a branch becomes a local branch at the remote's commit, a\n"
        "tag or a sha a detached HEAD. Local changes in the way fail the step unless `clean: true`.\n"
        "A `token` (https) goes to libgit2's credential callback as user x-access-token: it is never part of\n"
        "a URL that is printed, journalled or written to .git/config, and it is masked. URLs are shown without\n"
        "user-info.\n"
        "`depth` makes a shallow clone (and fetches shallow into an existing one) over http(s). libgit2\n"
        "reads a local path or file:// URL with its local transport, which has no shallow fetches: `depth`\n"
        "with a local `repo` is an error (leave it out: a local clone is a cheap copy anyway). Over ssh and\n"
        "git:// the shallow fetch of libgit2 before 1.9 is broken: the step fails at once and says so.";

    core::ParamSpec action = core::make_param("action", ParamType::kString,
                                              "require-pushed: the guard. checkout: clone or fetch, then check out.",
                                              "require-pushed", {}, true);
    action.choices = {"require-pushed", "checkout"};
    core::ParamSpec dir = core::make_param(
        "dir", ParamType::kString,
        "require-pushed: a folder inside the working tree to check (default: the step's working directory,\n"
        "the workflow's folder). checkout: where the clone goes (default: the repo's name, as git clone).",
        "deploy/manifests");
    core::ParamSpec remote = core::make_param(
        "remote", ParamType::kString,
        "require-pushed: the remote's name or URL. Default: the current branch's upstream remote, else origin.",
        "origin");
    core::ParamSpec branch = core::make_param(
        "branch", ParamType::kString,
        "require-pushed: the remote branch HEAD must be on. Default: the current branch's upstream branch,\n"
        "else the branch of the same name.",
        "main");
    core::ParamSpec paths = core::make_param(
        "paths", ParamType::kStringList,
        "require-pushed: only these files or folders (relative to the step's working directory) must be\n"
        "clean, and only commits that change them must be pushed.",
        "[argocd, chart]");
    core::ParamSpec repo = core::make_param("repo", ParamType::kString,
                                            "checkout: the repository, a URL or a local path.",
                                            "https://github.com/planetarium/9c-infra.git");
    core::ParamSpec ref = core::make_param(
        "ref", ParamType::kString,
        "checkout: a branch, a tag, a full ref name or a commit sha (full, or abbreviated to at least 4\n"
        "digits). Default: the remote's default branch.",
        "v1.2.0");
    core::ParamSpec depth =
        core::make_param("depth", ParamType::kNumber,
                         "checkout: a shallow fetch of this many commits of each branch and tag (http(s)\n"
                         "remotes: not a local path or file:// URL, nor ssh with libgit2 before 1.9).",
                         "1");
    core::ParamSpec token = core::make_param(
        "token", ParamType::kString,
        "For https remotes: a token sent with Basic auth as user x-access-token (GitHub's convention) through\n"
        "libgit2's credential callback. Masked; never in a URL or .git/config.",
        "${{ secrets.github-token }}");
    token.secret = true;
    core::ParamSpec clean = core::make_param(
        "clean", ParamType::kBool,
        "checkout: discard local changes and remove untracked (not ignored) files, and move a local branch\n"
        "even when it has commits the remote lacks (reset --hard).",
        "true");  // no declared default: a default would count as given to require-pushed
    s.params = {action, dir, remote, branch, paths, repo, ref, depth, token, clean};
    s.outputs = {{"sha", "the commit: HEAD (require-pushed) or the one checked out"},
                 {"ref", "checkout: refs/heads/B, refs/tags/T, or the sha; require-pushed: the remote branch's ref"},
                 {"dir", "the working tree's root (require-pushed) or the clone's folder (checkout)"}};
    s.example =
        "steps:\n"
        "  pushed:\n"
        "    uses: git\n"
        "    with: { action: require-pushed, paths: [argocd, chart] }\n"
        "  infra:\n"
        "    uses: git\n"
        "    with:\n"
        "      action: checkout\n"
        "      repo: https://github.com/planetarium/9c-infra.git\n"
        "      ref: ${{ inputs.revision }}\n"
        "      dir: build/9c-infra\n"
        "      token: ${{ secrets.github-token }}\n"
        "    retry: { limit: 3, when: [transient] }\n"
        "  network:\n"
        "    needs: [pushed, infra]\n"
        "    uses: kubectl-apply\n"
        "    with: { files: [\"${{ steps.infra.outputs.dir }}/application.yaml\"] }";
    s.validate = validate;
    return s;
  }();
  return kSchema;
}

}  // namespace wf::steps
