#pragma once
// The libgit2 GitRepo, kept inside one .cc. wf itself reaches it through
// make_git_repo() (git_repo.h), which loads it from wf-git.so on first use;
// tests link it directly (library wf_git_libgit2).

#include <memory>
#include <utility>

#include "runner/services/git_repo.h"

namespace wf::adapters {

std::unique_ptr<services::GitRepo> make_libgit2_repo();

/// The libgit2 version wf is built with: {major, minor} (e.g. {1, 8}).
std::pair<int, int> libgit2_version();

}  // namespace wf::adapters
