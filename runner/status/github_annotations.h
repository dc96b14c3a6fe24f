#pragma once
// What a step prints that GitHub's runner would read as a workflow command:
// which lines those are, and how a step's own annotations are passed on.

#include <optional>
#include <string>
#include <string_view>

#include "runner/core/workflow_commands.h"

namespace wf::status {

/// True when GitHub's runner would try `line` as a command: `::` after
/// leading whitespace, or the legacy `##[` anywhere in the line.
bool looks_like_command(std::string_view line);

/// True for the annotation commands: error, warning, notice.
bool is_annotation(std::string_view command_name);

/// `file` as GitHub wants it in an annotation: relative to `workspace`
/// ($GITHUB_WORKSPACE). A relative `file` is taken from `working_directory`
/// (where the step's tool ran). A file outside the workspace, or any file
/// when `workspace` is empty, is returned as given.
std::string workspace_relative(std::string_view file, std::string_view working_directory,
                               std::string_view workspace);

/// A step's annotation as wf passes it on: the same kind, message and
/// position (file made workspace-relative, line, endLine, col, endColumn),
/// titled `<step-id>: <title>` (or `<step-id>`); other properties dropped.
core::WorkflowCommand step_annotation(const core::WorkflowCommand& command, std::string_view step_id,
                                      std::string_view working_directory, std::string_view workspace);

}  // namespace wf::status
