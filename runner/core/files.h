#pragma once
// Small files that wf writes and reads around each attempt (scripts,
// $WF_OUTPUT, $GITHUB_ENV and friends), with as few system calls as the
// per-step cost allows: most of these files are empty.

#include <cstddef>
#include <string>

namespace wf::core {

/// At most `limit` bytes of `path`; "" when it is missing or empty (one
/// stat). `cut`, when given, tells whether the file held more.
std::string read_small_file(const std::string& path, size_t limit, bool* cut = nullptr);

/// Writes `text` to a new file only its owner may read (0600), replacing
/// one that exists; false (errno set) on any error.
bool write_private_file(const std::string& path, const std::string& text);

/// Removes `dir` and everything in it: its files with one unlinkat each and
/// the folder itself (std::filesystem::remove_all takes the slow path only
/// for subfolders). True when nothing is left.
bool remove_tree(const std::string& dir);

}  // namespace wf::core
