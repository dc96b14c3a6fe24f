#pragma once
// The real GitRepo: libgit2 (libgit2_repo.h), loaded on first use.

#include <memory>

#include "runner/services/git_repo.h"

namespace wf::adapters {

/// The real GitRepo: make_libgit2_repo()'s, loaded from the module wf-git.so
/// (module_loader.h) on the first call, so that a wf that opens no repository
/// never loads libgit2. Creating it costs nothing. When the module cannot be
/// loaded, every call throws ModuleLoadError, whose message names the file
/// and the reason (a step fails with it; a command reports it).
std::unique_ptr<services::GitRepo> make_git_repo();

}  // namespace wf::adapters
