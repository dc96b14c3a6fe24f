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

// The remote branch to compare with: given, else the upstream, else the same name.
struct Target {
  std::string remote, branch, remote_ref, shown_remote, where;
};

core::Expected<Target, std::string> target_of(const StepContext& ctx, const services::GitInfo& info) {
  auto upstream = ctx.git->upstream(info.workdir);
  Target t;
  t.remote = ctx.param_string("remote");
  if (t.remote.empty()) t.remote = upstream ? upstream->first : "origin";
  t.branch = ctx.param_string("branch");
  if (t.branch.empty() && upstream && upstream->first == t.remote) t.branch = upstream->second;
  if (t.branch.empty()) t.branch = info.branch;
  if (t.branch.empty()) return core::unexpected(std::string("HEAD is detached and has no upstream: give `branch`"));
  if (t.branch.rfind("refs/heads/", 0) == 0) t.branch = t.branch.substr(11);
  t.remote_ref = "refs/heads/" + t.branch;
  auto url = ctx.git->remote_url(info.workdir, t.remote);
  t.shown_remote = url ? split_credentials(*url).url : split_credentials(t.remote).url;
  t.where = t.remote + "/" + t.branch;
  return t;
}

// Where HEAD stands against the remote branch as the remote has it now.
struct PushState {
  bool pushed = false;
  std::string remote_sha;                  // empty: the branch is not on the remote
  std::vector<services::GitCommit> unpushed;
};

core::Expected<PushState, services::GitError> push_state(StepContext& ctx, const services::GitInfo& info,
                                                         const Target& t, const std::vector<std::string>& paths) {
  // Ask the remote: a local tracking ref can be stale, or moved by hand.
  ctx.log->info("asking " + t.shown_remote + " for " + t.remote_ref);
  services::GitAuth auth = auth_of(ctx);
  auto heads = ctx.git->ls_remote(info.workdir, t.remote, auth, ctx.cancel);
  if (!heads) return core::unexpected(heads.error());
  PushState st;
  std::vector<std::string> hide;
  for (const auto& h : *heads) {
    if (h.name == t.remote_ref) st.remote_sha = h.sha;
    if (h.name.rfind("refs/heads/", 0) == 0) hide.push_back(h.sha);
  }
  if (!st.remote_sha.empty()) {
    auto contained =
        ctx.git->contains(info.workdir, t.remote, t.remote_ref, st.remote_sha, info.sha, auth, ctx.cancel);
    if (!contained) return core::unexpected(contained.error());
    st.pushed = *contained;
  }
  if (st.pushed) return st;
  // Without the branch on the remote, commits the remote has on other branches are still pushed.
  if (!st.remote_sha.empty()) hide = {st.remote_sha};
  auto log = ctx.git->log(info.workdir, info.sha, hide, kMaxCommits, paths);
  if (!log) return core::unexpected(log.error());
  st.unpushed = std::move(*log);
  // With `paths`, only commits that touch them count.
  if (!paths.empty() && st.unpushed.empty()) st.pushed = true;
  return st;
}

void log_err(StepContext& ctx, const std::string& line) { ctx.log->line(step_api::StepLog::Stream::kStderr, line); }

// Logs each dirty file and unpushed commit; returns the one-line summary.
std::string report(StepContext& ctx, const services::GitInfo& info, const Target& t,
                   const std::vector<services::GitStatusEntry>& dirty, const PushState& st) {
  std::vector<std::string> problems;
  if (!dirty.empty()) {
    log_err(ctx, "not committed (" + plural(dirty.size(), "file") + "):");
    for (const auto& e : dirty) log_err(ctx, "  " + e.state + ": " + e.path);
    problems.push_back(plural(dirty.size(), "file") + " not committed (" +
                       first_few(dirty, [](const services::GitStatusEntry& e) { return e.path; }) + ")");
  }
  if (!st.pushed) {
    std::string head = st.remote_sha.empty() ? "branch " + t.branch + " does not exist on " + t.remote
                                             : t.where + " is at " + st.remote_sha.substr(0, 7);
    log_err(ctx, "not pushed to " + t.where + " (" + t.shown_remote + "; " + head + "):");
    for (const auto& c : st.unpushed) log_err(ctx, "  " + c.short_sha + " " + c.subject);
    bool more = st.unpushed.size() == kMaxCommits;
    if (more) log_err(ctx, "  ... and maybe more");
    std::string list = first_few(st.unpushed, [](const services::GitCommit& c) { return c.short_sha + " " + c.subject; });
    problems.push_back((st.unpushed.empty() ? "HEAD " + info.sha.substr(0, 7)
                                            : plural(st.unpushed.size(), "commit") + (more ? "+" : "")) +
                       " not on " + t.where + (list.empty() ? "" : " (" + list + ")"));
  }
  std::string summary;
  for (const auto& p : problems) summary += (summary.empty() ? "" : "; ") + p;
  return summary;
}

}  // namespace

StepResult require_pushed(StepContext& ctx) {
  std::string dir = absolute(ctx, ctx.param_string("dir"));
  auto info = ctx.git->describe(dir);
  if (!info) return StepResult::failure(core::FailureClass::kPermanent, dir + " is not inside a git repository");
  if (info->workdir.empty()) return StepResult::failure(core::FailureClass::kPermanent, dir + " is a bare repository");
  if (info->sha.empty()) return StepResult::failure(core::FailureClass::kPermanent, "the repository has no commits yet");
  auto target = target_of(ctx, *info);
  if (!target) return StepResult::failure(core::FailureClass::kPermanent, target.error());
  auto paths = pathspecs(ctx, info->workdir);
  if (!paths)
    return StepResult::failure(core::FailureClass::kPermanent, "paths: " + paths.error() + " is outside " + info->workdir);
  auto dirty = ctx.git->status(info->workdir, *paths);
  if (!dirty) return StepResult::failure(classify(dirty.error()), dirty.error().message);
  auto state = push_state(ctx, *info, *target, *paths);
  if (!state) return StepResult::failure(classify(state.error()), state.error().message);

  if (dirty->empty() && state->pushed) {
    std::string what = "clean, and HEAD " + info->sha.substr(0, 7) + " is on " + target->where + " (" +
                       target->shown_remote + ")";
    ctx.log->info(what);
    StepResult r = StepResult::success(what);
    r.outputs = {{"sha", core::Value(info->sha)},
                 {"ref", core::Value(target->remote_ref)},
                 {"dir", core::Value(info->workdir)}};
    return r;
  }
  return StepResult::failure(core::FailureClass::kPermanent, "not pushed: " + report(ctx, *info, *target, *dirty, *state));
}

}  // namespace wf::steps::git
