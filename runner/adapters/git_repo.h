#pragma once
// The real GitRepo: libgit2, kept inside one .cc.

#include <memory>

#include "runner/services/git_repo.h"

namespace wf::adapters {

std::unique_ptr<services::GitRepo> make_git_repo();

}  // namespace wf::adapters
