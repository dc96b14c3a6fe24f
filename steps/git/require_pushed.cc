// action: require-pushed — the working tree is clean and HEAD is on the
// remote branch as the remote has it now.

#include <filesystem>

#include "steps/git/git_step.h"
#include "steps/git/url.h"

namespace wf::steps::git {

namespace fs = std::filesystem;
using step_api::StepContext;
using step_api::StepResult;

namespace {

constexpr size_t kMaxCommits = 50;   // listed in the log
constexpr size_t kInSummary = 5;     // named in the one-line summary

// `paths` relative to the root; an unexpected path when one is outside the working tree.
core::Expected<std::vector<std::string>, std::string> pathspecs(const StepContext& ctx, const std::string& workdir) {
  std::vector<std::string> out;
  const core::Value& paths = ctx.param("paths");
  std::vector<std::string> given;
  if (paths.is_string()) given.push_back(paths.as_string());
  if (paths.is_array())
    for (const auto& p : paths.as_array())
      if (p.is_string()) given.push_back(p.as_string());
  std::error_code ec;
  fs::path root = fs::weakly_canonical(fs::path(workdir), ec);
  if (root.filename().empty()) root = root.parent_path();  // "/repo/" -> "/repo"
  for (const auto& p : given) {
    std::string rel = fs::weakly_canonical(absolute(ctx, p), ec).lexically_relative(root).generic_string();
    if (rel.rfind("..", 0) == 0) return core::unexpected(p);
    if (rel.empty() || rel == ".") return std::vector<std::string>{};  // the whole tree: no filter
    out.push_back(rel);
  }
  return out;
}

template <class T, class F>
std::string first_few(const std::vector<T>& items, F name) {
  std::string s;
  for (size_t i = 0; i < items.size() && i < kInSummary; ++i) s += (i ? ", " : "") + name(items[i]);
  if (items.size() > kInSummary) s += ", ...";
  return s;
}

std::string plural(size_t n, const std::string& word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

}  // namespace

StepResult require_pushed(StepContext& ctx) {
  std::string dir = absolute(ctx, ctx.param_string("dir"));
  auto info = ctx.git->describe(dir);
  if (!info) return StepResult::failure(core::FailureClass::kPermanent, dir + " is not inside a git repository");
  if (info->workdir.empty()) return StepResult::failure(core::FailureClass::kPermanent, dir + " is a bare repository");
  if (info->sha.empty()) return StepResult::failure(core::FailureClass::kPermanent, "the repository has no commits yet");
  std::string workdir = info->workdir;

  // Which remote branch: given, else the upstream, else the same name.
  auto upstream = ctx.git->upstream(workdir);
  std::string remote = ctx.param_string("remote");
  if (remote.empty()) remote = upstream ? upstream->first : "origin";
  std::string branch = ctx.param_string("branch");
  if (branch.empty() && upstream && upstream->first == remote) branch = upstream->second;
  if (branch.empty()) branch = info->branch;
  if (branch.empty())
    return StepResult::failure(core::FailureClass::kPermanent, "HEAD is detached and has no upstream: give `branch`");
  if (branch.rfind("refs/heads/", 0) == 0) branch = branch.substr(11);
  std::string remote_ref = "refs/heads/" + branch;
  auto url = ctx.git->remote_url(workdir, remote);
  std::string shown_remote = url ? split_credentials(*url).url : split_credentials(remote).url;
  std::string where = remote + "/" + branch;

  services::GitAuth auth = auth_of(ctx);
  auto specs = pathspecs(ctx, workdir);
  if (!specs)
    return StepResult::failure(core::FailureClass::kPermanent, "paths: " + specs.error() + " is outside " + workdir);
  std::vector<std::string> paths = *specs;
  auto dirty = ctx.git->status(workdir, paths);
  if (!dirty) return StepResult::failure(classify(dirty.error()), dirty.error().message);

  // Ask the remote: a local tracking ref can be stale, or moved by hand.
  ctx.log->info("asking " + shown_remote + " for " + remote_ref);
  auto heads = ctx.git->ls_remote(workdir, remote, auth, ctx.cancel);
  if (!heads) return StepResult::failure(classify(heads.error()), heads.error().message);
  std::string remote_sha;
  std::vector<std::string> hide;
  for (const auto& h : *heads) {
    if (h.name == remote_ref) remote_sha = h.sha;
    if (h.name.rfind("refs/heads/", 0) == 0) hide.push_back(h.sha);
  }

  bool pushed = false;
  if (!remote_sha.empty()) {
    auto contained = ctx.git->contains(workdir, remote, remote_ref, remote_sha, info->sha, auth, ctx.cancel);
    if (!contained) return StepResult::failure(classify(contained.error()), contained.error().message);
    pushed = *contained;
  }
  std::vector<services::GitCommit> unpushed;
  if (!pushed) {
    // Without the branch on the remote, commits the remote has on other branches are still pushed.
    if (!remote_sha.empty()) hide = {remote_sha};
    auto log = ctx.git->log(workdir, info->sha, hide, kMaxCommits, paths);
    if (!log) return StepResult::failure(classify(log.error()), log.error().message);
    unpushed = std::move(*log);
    // With `paths`, only commits that touch them count.
    if (!paths.empty() && unpushed.empty()) pushed = true;
  }

  if (dirty->empty() && pushed) {
    std::string what = "clean, and HEAD " + info->sha.substr(0, 7) + " is on " + where + " (" + shown_remote + ")";
    ctx.log->info(what);
    StepResult r = StepResult::success(what);
    r.outputs = {{"sha", core::Value(info->sha)}, {"ref", core::Value(remote_ref)}, {"dir", core::Value(workdir)}};
    return r;
  }

  std::vector<std::string> problems;
  if (!dirty->empty()) {
    ctx.log->line(step_api::StepLog::Stream::kStderr, "not committed (" + plural(dirty->size(), "file") + "):");
    for (const auto& e : *dirty) ctx.log->line(step_api::StepLog::Stream::kStderr, "  " + e.state + ": " + e.path);
    problems.push_back(plural(dirty->size(), "file") + " not committed (" +
                       first_few(*dirty, [](const services::GitStatusEntry& e) { return e.path; }) + ")");
  }
  if (!pushed) {
    std::string head = remote_sha.empty() ? "branch " + branch + " does not exist on " + remote
                                          : where + " is at " + remote_sha.substr(0, 7);
    ctx.log->line(step_api::StepLog::Stream::kStderr,
                  "not pushed to " + where + " (" + shown_remote + "; " + head + "):");
    for (const auto& c : unpushed)
      ctx.log->line(step_api::StepLog::Stream::kStderr, "  " + c.short_sha + " " + c.subject);
    if (unpushed.size() == kMaxCommits) ctx.log->line(step_api::StepLog::Stream::kStderr, "  ... and maybe more");
    std::string list = first_few(unpushed, [](const services::GitCommit& c) { return c.short_sha + " " + c.subject; });
    problems.push_back((unpushed.empty() ? std::string("HEAD ") + info->sha.substr(0, 7)
                                         : plural(unpushed.size(), "commit") + (unpushed.size() == kMaxCommits ? "+" : "")) +
                       " not on " + where + (list.empty() ? "" : " (" + list + ")"));
  }
  std::string summary;
  for (const auto& p : problems) summary += (summary.empty() ? "" : "; ") + p;
  return StepResult::failure(core::FailureClass::kPermanent, "not pushed: " + summary);
}

}  // namespace wf::steps::git
