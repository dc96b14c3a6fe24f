#pragma once
// Reading a git working tree: the seam in front of libgit2 (the real adapter
// is runner/adapters/git_repo.cc).

#include <memory>
#include <optional>
#include <string>

namespace wf::services {

/// What the `git` expression context shows.
struct GitInfo {
  std::string sha;      // HEAD's commit id ("" in an empty repository)
  std::string ref;      // "refs/heads/main", or "HEAD" when detached
  std::string branch;   // "main", or "" when detached
  bool dirty = false;   // tracked files differ from HEAD (index or work tree)
  std::string remote;   // URL of the branch's upstream remote, else of origin, else ""
};

class GitRepo {
 public:
  virtual ~GitRepo() = default;
  /// The repository containing `dir` (searching upwards); nullopt if none.
  virtual std::optional<GitInfo> describe(const std::string& dir) = 0;
};

}  // namespace wf::services
