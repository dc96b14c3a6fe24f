#pragma once
// Remote URLs as the git step shows and stores them: never with credentials.

#include <string>

namespace wf::steps::git {

struct SplitUrl {
  std::string url;       // without user-info
  std::string username;  // "" when none
  std::string password;  // "" when none
};

/// "https://user:tok@host/x.git" -> {"https://host/x.git", "user", "tok"}.
/// Strings without "://" (paths, scp-like) come back unchanged.
SplitUrl split_credentials(const std::string& url);

/// Whether `repo` is a URL (scheme:// or scp-like user@host:path) rather than
/// a local path.
bool is_url(const std::string& repo);

/// Whether libgit2 reads `repo` with its local transport: a path or a
/// file:// URL. That transport has no shallow fetches (`depth`).
bool is_local_repo(const std::string& repo);

/// Why `depth` with a local `repo` is refused (by `wf validate` and the step).
inline constexpr const char* kDepthLocalError =
    "`depth` needs a remote URL (https://...): libgit2 reads a local path or file:// URL with its local "
    "transport, which cannot fetch shallow; leave `depth` out for a local repository";

/// The folder a clone of `repo` gets by default: its last path segment
/// without ".git" ("" when there is none).
std::string default_dir(const std::string& repo);

}  // namespace wf::steps::git
