#pragma once
// The real GitRepo: libgit2, kept inside one .cc.

#include <memory>
#include <utility>

#include "runner/services/git_repo.h"

namespace wf::adapters {

std::unique_ptr<services::GitRepo> make_git_repo();

/// The libgit2 version wf is built with: {major, minor} (e.g. {1, 8}).
std::pair<int, int> libgit2_version();

}  // namespace wf::adapters
