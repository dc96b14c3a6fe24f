#pragma once
// hashFiles(): the one function that reads the file system (private to
// runner/expr, exposed for tests).

#include <string>
#include <string_view>
#include <vector>

#include "runner/core/expected.h"

namespace wf::expr {

/// True if the relative path `path` ('/'-separated) matches the glob
/// `pattern`: `*` and `?` within one path segment, `[abc]`/`[!a-z]` classes,
/// `**` as a whole segment for any number of directories, `\` escapes.
/// A pattern that matches a directory also matches everything below it.
bool glob_match(std::string_view pattern, std::string_view path);

/// GitHub's hashFiles(): every regular file under `root` (empty = current
/// directory) selected by `patterns`, which are relative to `root` (a
/// leading `./` is ignored, absolute ones must lie under `root`); a pattern
/// starting with `!` deselects, and later patterns override earlier ones.
/// Each argument may hold several patterns, one per line (blank lines and
/// `#` comments are skipped). The files are taken in path order (directory
/// by directory, as a sorted walk visits them) and the result is the hex
/// SHA-256 of the concatenated SHA-256 digests of their contents, as the
/// GitHub runner computes it; '' when nothing matches. Symbolic links to
/// files count, links to directories are not followed. Fails when a matched
/// file cannot be read.
core::Expected<std::string, std::string> hash_files(const std::string& root, const std::vector<std::string>& patterns);

}  // namespace wf::expr
