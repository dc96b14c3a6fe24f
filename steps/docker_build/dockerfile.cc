#include "steps/docker_build/dockerfile.h"

#include <cctype>

#include "runner/core/strings.h"

namespace wf::steps::docker_build {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == text.size()) break;
    start = nl + 1;
  }
  return lines;
}

// "# escape=`" among the parser directives at the top: the escape character.
char escape_character(const std::vector<std::string_view>& lines) {
  for (auto raw : lines) {
    std::string line = core::trim(raw);
    if (line.empty() || line[0] != '#') break;
    std::string body = core::to_lower(core::trim(line.substr(1)));
    if (body.rfind("escape", 0) != 0) {
      if (body.find('=') == std::string::npos) break;  // a comment ends the directives
      continue;
    }
    size_t eq = body.find('=');
    if (eq == std::string::npos) break;
    std::string value = core::trim(body.substr(eq + 1));
    if (value == "`") return '`';
    return '\\';
  }
  return '\\';
}

std::string first_word(const std::string& line) {
  size_t end = 0;
  while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end]))) ++end;
  std::string word = line.substr(0, end);
  for (auto& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word;
}

// "FROM image AS name": the name, lower case ("" when none).
std::string stage_name_of(const std::string& from_line) {
  std::string lower = core::to_lower(from_line);
  size_t as = lower.find(" as ");
  if (as == std::string::npos) return {};
  return core::trim(lower.substr(as + 4));
}

bool makes_vertex(const Instruction& i) {
  if (i.keyword == "FROM") {
    std::string rest = core::to_lower(core::trim(i.text.substr(4)));
    return rest.rfind("scratch", 0) != 0;
  }
  return i.keyword == "RUN" || i.keyword == "COPY" || i.keyword == "ADD" || i.keyword == "WORKDIR";
}

}  // namespace

std::vector<Instruction> parse_instructions(std::string_view dockerfile) {
  std::vector<std::string_view> lines = split_lines(dockerfile);
  char escape = escape_character(lines);
  std::vector<Instruction> out;
  bool continued = false;
  int stage = -1;
  std::string stage_name;
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string line = core::trim(lines[n]);
    bool comment = !line.empty() && line[0] == '#';
    if (!continued && !line.empty() && !comment) {
      Instruction i;
      i.line = static_cast<int>(n) + 1;
      i.keyword = first_word(line);
      i.text = line;
      if (i.keyword == "FROM") {
        ++stage;
        stage_name = stage_name_of(line);
      }
      i.stage = stage;
      i.stage_name = stage_name;
      out.push_back(std::move(i));
    }
    // Comments and empty lines inside a continued instruction do not end it.
    if (comment || (line.empty() && continued)) continue;
    continued = !line.empty() && line.back() == escape;
  }
  return out;
}

const Instruction* legacy_step(const std::vector<Instruction>& all, int step) {
  if (step < 1 || static_cast<size_t>(step) > all.size()) return nullptr;
  return &all[step - 1];
}

const Instruction* buildkit_step(const std::vector<Instruction>& all, std::string_view stage, int index) {
  int stages = all.empty() ? 0 : all.back().stage + 1;
  int wanted = -1;
  std::string name = core::to_lower(stage);
  if (name.empty()) {
    if (stages != 1) return nullptr;
    wanted = 0;
  } else if (name.rfind("stage-", 0) == 0) {
    try {
      wanted = std::stoi(name.substr(6));
    } catch (...) {
      return nullptr;
    }
  }
  int seen = 0;
  for (const auto& i : all) {
    bool in_stage = wanted >= 0 ? i.stage == wanted : (i.stage >= 0 && i.stage_name == name);
    if (!in_stage || !makes_vertex(i)) continue;
    if (++seen == index) return &i;
  }
  return nullptr;
}

}  // namespace wf::steps::docker_build
