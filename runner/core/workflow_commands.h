#pragma once
// Workflow commands: lines a step prints that wf interprets, as GitHub's
// runner does (`::add-mask::VALUE`, `::group::title`, `::error title=T::msg`).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wf::core {

/// One parsed `::name key=v,k2=v2::value` line, escapes decoded.
struct WorkflowCommand {
  std::string name;
  /// In the order written; a key given twice appears twice.
  std::vector<std::pair<std::string, std::string>> properties;
  std::string value;

  /// The value of property `key` (case-sensitive), or nullptr.
  const std::string* property(std::string_view key) const;
};

/// Parses `line` as a workflow command, as GitHub's runner does: leading
/// whitespace is skipped; then `::`, a name of letters, digits, '-' and '_',
/// optionally a space and comma-separated `key=value` properties, `::`, and
/// the value (the rest of the line). Properties without '=' or with an empty
/// key or value are dropped. The value's escapes %25 %0D %0A and the
/// properties' %25 %0D %0A %3A %2C are decoded (upper-case hex only, as
/// GitHub writes them). A '\r' or '\n' ending `line` is not part of the value.
/// nullopt for anything else: text not starting with "::", no closing "::",
/// an empty or invalid name. Any name is returned; the caller acts on the
/// ones it knows (an `add-mask` line must be dropped, never shown).
/// Not supported: GitHub's legacy `##[name]value` form and `::stop-commands::`.
std::optional<WorkflowCommand> parse_workflow_command(std::string_view line);

/// The line (without '\n') that prints `command`, escaping its value and
/// properties so parse_workflow_command() gives `command` back: how wf
/// itself speaks to GitHub (`::add-mask::`, `::error title=...::`).
/// Except: spaces and tabs starting the first property's key or ending the
/// last property's value are lost (the parser, as GitHub's runner, trims the
/// property list, and the escapes have none for a space), and so is such a
/// property whose key or value is only blanks. Found by fuzz_workflow_command.
std::string format_workflow_command(const WorkflowCommand& command);

}  // namespace wf::core
