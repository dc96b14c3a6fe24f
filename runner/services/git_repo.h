#pragma once
// Git repositories: the seam in front of libgit2 (the real adapter is
// runner/adapters/git_repo.cc). No implementation ever runs a `git` program.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runner/core/cancel.h"
#include "runner/core/expected.h"

namespace wf::services {

/// What the `git` expression context shows.
struct GitInfo {
  std::string sha;      // HEAD's commit id ("" in an empty repository)
  std::string ref;      // "refs/heads/main", or "HEAD" when detached
  std::string branch;   // "main", or "" when detached
  bool dirty = false;   // tracked files differ from HEAD (index or work tree)
  std::string remote;   // URL of the branch's upstream remote, else of origin, else "" (no user-info)
  std::string workdir;  // the working tree's root, absolute, ending in '/' ("" when bare)
};

/// Why a git operation failed, coarse enough for a step to classify it.
struct GitError {
  enum class Kind {
    kNetwork,      // the remote could not be reached or broke off (5xx, reset, refused)
    kAuth,         // the remote refused the credentials, or asked for some and there were none
    kNotFound,     // no repository, remote, ref or commit of that name
    kConflict,     // local changes (or commits) the operation would overwrite
    kUnsupported,  // this libgit2 cannot do it (e.g. shallow fetches before 1.7)
    kCancelled,    // the cancel token fired
    kOther,
  };
  Kind kind = Kind::kOther;
  std::string message;  // one line; never holds a credential
};

template <class T>
using GitResult = core::Expected<T, GitError>;

/// Credentials for http(s) remotes, given to libgit2's credential callback
/// only: never put into a URL, a config file or a message. Empty: none.
struct GitAuth {
  std::string username = "x-access-token";
  std::string password;  // e.g. a GitHub token
};

/// One path that makes a working tree not clean.
struct GitStatusEntry {
  std::string path;     // relative to the working tree's root, '/'-separated
  std::string state;    // "modified", "staged", "untracked", "deleted", "renamed", "conflicted", "typechange"
};

struct GitCommit {
  std::string sha;
  std::string short_sha;  // 7 hex digits
  std::string subject;    // the first line of the message
};

/// One ref as the remote advertises it now.
struct GitRemoteHead {
  std::string name;  // "refs/heads/main", "refs/tags/v1", "HEAD"
  std::string sha;
};

/// What checkout() should make of `dir`.
struct GitCheckoutRequest {
  std::string url;         // a URL (no user-info) or a local path
  std::string dir;         // absolute; cloned into when missing or empty
  std::string ref;         // a branch, a tag, a full ref name or a (short) sha; "": the remote's HEAD
  int depth = 0;           // > 0: a shallow fetch of that many commits
  bool clean = false;      // discard local changes and untracked files (reset --hard, clean)
  GitAuth auth;
};

struct GitCheckoutResult {
  std::string sha;         // the commit checked out
  std::string ref;         // "refs/heads/main", "refs/tags/v1", or the sha when it was a commit
  bool cloned = false;     // false: an existing clone was fetched
};

class GitRepo {
 public:
  virtual ~GitRepo() = default;
  /// The repository containing `dir` (searching upwards); nullopt if none.
  virtual std::optional<GitInfo> describe(const std::string& dir) = 0;

  /// Modified, staged and untracked files of the working tree containing
  /// `dir`, each untracked file listed on its own. Ignored files and anything
  /// under a `.wf/` folder are left out. `paths` (relative to the root,
  /// pathspecs) limits the check when not empty.
  virtual GitResult<std::vector<GitStatusEntry>> status(const std::string& dir,
                                                        const std::vector<std::string>& paths) = 0;

  /// The URL of remote `remote` of the repository containing `dir`.
  virtual GitResult<std::string> remote_url(const std::string& dir, const std::string& remote) = 0;

  /// The upstream of the current branch as "remote/branch" parts; nullopt
  /// when HEAD is detached or the branch has no upstream configured.
  virtual std::optional<std::pair<std::string, std::string>> upstream(const std::string& dir) = 0;

  /// The refs the remote advertises now (asks it: local tracking refs are
  /// never read). `remote` is a remote's name or a URL.
  virtual GitResult<std::vector<GitRemoteHead>> ls_remote(const std::string& dir, const std::string& remote,
                                                          const GitAuth& auth, const core::CancelToken* cancel) = 0;

  /// Whether `commit` is `remote_sha` or one of its ancestors. When the
  /// object `remote_sha` is not in the local repository, `remote_ref` is
  /// fetched from `remote` first, without creating or moving any ref.
  virtual GitResult<bool> contains(const std::string& dir, const std::string& remote, const std::string& remote_ref,
                                   const std::string& remote_sha, const std::string& commit, const GitAuth& auth,
                                   const core::CancelToken* cancel) = 0;

  /// Commits reachable from `from` but from none of `hide` (unknown shas in
  /// `hide` are skipped), newest first, at most `limit`. With `paths`
  /// (pathspecs relative to the root), only commits that change one of them.
  virtual GitResult<std::vector<GitCommit>> log(const std::string& dir, const std::string& from,
                                                const std::vector<std::string>& hide, size_t limit,
                                                const std::vector<std::string>& paths = {}) = 0;

  /// Clones `url` into `dir` (missing or empty), or fetches into the clone
  /// that is there (its `origin` must be `url`), then checks out `ref`: a
  /// branch as a local branch tracking origin's, a tag or a sha detached.
  /// Local changes that the checkout would overwrite are a kConflict unless
  /// `clean`.
  virtual GitResult<GitCheckoutResult> checkout(const GitCheckoutRequest& request,
                                                const core::CancelToken* cancel) = 0;
};

}  // namespace wf::services
