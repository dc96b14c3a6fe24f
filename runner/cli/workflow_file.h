#pragma once
// Loading a workflow file for a command: loader + graph checks, with every
// diagnostic printed.

#include <iosfwd>
#include <map>
#include <optional>
#include <string>

#include "runner/model/loader.h"
#include "runner/step_api/registry.h"

namespace wf::cli {

/// The loader's options backed by the registry.
model::LoadOptions load_options(const step_api::Registry& registry);

/// Loads and checks `path`; prints each diagnostic ("FILE:LINE:COL: message")
/// to `err` and returns nullopt if there is any.
std::optional<model::Workflow> load_checked(const std::string& path, const step_api::Registry& registry,
                                            std::ostream& err);

/// wf's own environment, which steps inherit.
std::map<std::string, std::string> process_environment();

/// The `git` expression context for the repository holding `dir`: sha, ref,
/// branch, dirty, remote (read with libgit2); {} outside a repository.
core::Value git_context(const std::string& dir);

}  // namespace wf::cli
