#pragma once
// Reading a Dockerfile just enough to name the line a failed build stopped
// at: the instructions with their line numbers and stages. Pure.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wf::steps::docker_build {

/// One instruction of a Dockerfile.
struct Instruction {
  int line = 0;               // 1-based line of its first line
  std::string keyword;        // upper case: FROM, RUN, COPY, ...
  std::string text;           // its first line, trimmed
  int stage = -1;             // index of its stage (-1: an ARG before the first FROM)
  std::string stage_name;     // the stage's `AS name`, lower case ("" when none)
};

/// The instructions, in order. Skips parser directives, comments, empty
/// lines and continuation lines (the escape character, `\` or the one a
/// `# escape=` directive names, at the end of a line).
std::vector<Instruction> parse_instructions(std::string_view dockerfile);

/// The instruction the legacy builder numbers `step` ("Step 3/7 : ...",
/// 1-based over every instruction); nullptr when out of range.
const Instruction* legacy_step(const std::vector<Instruction>& all, int step);

/// The instruction BuildKit names `[STAGE INDEX/N]`: the INDEX-th (1-based)
/// instruction that makes a build vertex (FROM of an image other than
/// scratch, RUN, COPY, ADD, WORKDIR) in the stage named `stage` (its `AS`
/// name, "stage-K", or "" for a Dockerfile of one stage). nullptr when it
/// cannot be told.
const Instruction* buildkit_step(const std::vector<Instruction>& all, std::string_view stage, int index);

}  // namespace wf::steps::docker_build
