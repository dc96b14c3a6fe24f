#pragma once
// Shell completion: `wf completion bash|zsh` prints a script whose function
// calls the hidden `wf __complete CWORD WORD...`, which answers from the
// CLI11 definitions (commands, options) and from the files on the line
// (step ids of a workflow, run ids of its state directory).

#include <string>
#include <string_view>
#include <vector>

#include "runner/cli/commands.h"

namespace CLI {
class App;
}

namespace wf::cli {

/// The script for `shell` ("bash" or "zsh"); "" for any other.
std::string completion_script(std::string_view shell);

/// What completes words[cword] (words[0] is "wf"; cword may equal
/// words.size() for a new, empty word): a first line "files" (the shell
/// completes file names) or "words", then one candidate per line.
std::string complete_words(const CLI::App& app, const step_api::Registry& registry,
                           const std::vector<std::string>& words, size_t cword);

}  // namespace wf::cli
