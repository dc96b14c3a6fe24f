#pragma once
// Where a value lands in a shell script: on a program's command line, which
// `ps` shows to every user of the machine, or somewhere that stays inside
// the shell (a builtin's argument, an assignment).

#include <optional>
#include <string>
#include <string_view>

namespace wf::model {

/// When the text at byte `offset` of `script` is an argument of a command
/// that runs as its own process (`curl`, `terraform`, ...): that command's
/// name. nullopt when it is an argument of a shell builtin (echo, printf,
/// export, test, ...), an assignment (`TOKEN=...`, `TOKEN=... tool` puts it
/// in the environment, not on the command line) or not in a command at all.
/// A scanner, not a parser: quotes are followed, `case` patterns, here-docs
/// and nested `$(...)` are not told apart from commands.
std::optional<std::string> command_taking_argument(std::string_view script, size_t offset);

}  // namespace wf::model
