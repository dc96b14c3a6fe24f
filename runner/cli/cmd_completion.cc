// `wf completion bash|zsh` and the hidden `wf __complete` it calls. The
// commands and options come from the CLI11 definitions in main.cc, so a new
// option completes without touching this file.

#include <CLI/CLI.hpp>
#include <filesystem>
#include <map>
#include <optional>

#include "runner/cli/completion.h"
#include "runner/cli/run_history.h"
#include "runner/cli/workflow_file.h"

namespace wf::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kBash = R"(# wf completion for bash: source <(wf completion bash)
_wf() {
  local cur=${COMP_WORDS[COMP_CWORD]} out kind
  out=$(command wf __complete "$COMP_CWORD" "${COMP_WORDS[@]}" 2>/dev/null) || return 0
  kind=${out%%$'\n'*}
  COMPREPLY=()
  if [[ $kind == files ]]; then
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  elif [[ $out == *$'\n'* ]]; then
    mapfile -t COMPREPLY <<< "${out#*$'\n'}"
  fi
}
complete -F _wf wf
)";

constexpr const char* kZsh = R"(#compdef wf
# wf completion for zsh: source <(wf completion zsh) after compinit,
# or save as _wf in a directory of $fpath.
_wf() {
  local -a lines
  lines=("${(@f)$(command wf __complete $((CURRENT - 1)) "${words[@]}" 2>/dev/null)}")
  if [[ ${lines[1]} == files ]]; then
    _files
  elif (( ${#lines} > 1 )); then
    compadd -- "${(@)lines[2,-1]}"
  fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _wf "$@"; else compdef _wf wf; fi
)";

bool takes_value(const CLI::Option* o) { return o->get_type_size_max() > 0 && o->get_expected_max() > 0; }

const CLI::Option* find_option(const CLI::App* cmd, std::string_view word) {
  std::string name(word.substr(0, word.find('=')));
  for (const CLI::Option* o : cmd->get_options()) {
    for (const auto& l : o->get_lnames())
      if (name == "--" + l) return o;
    for (const auto& s : o->get_snames())
      if (name == "-" + s) return o;
  }
  return nullptr;
}

// What the words before the cursor say: the (sub)command, its positional
// arguments, and the values of the options that name a workflow or a run.
struct Line {
  const CLI::App* cmd = nullptr;
  std::vector<std::string> positionals;
  std::map<std::string, std::string> values;  // long option name -> its value
  const CLI::Option* pending = nullptr;       // the option whose value is being typed
};

Line read_line(const CLI::App& app, const std::vector<std::string>& words, size_t cword) {
  Line line;
  line.cmd = &app;
  for (size_t i = 1; i < cword && i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() > 1 && w[0] == '-') {
      const CLI::Option* o = find_option(line.cmd, w);
      if (!o || !takes_value(o) || w.find('=') != std::string::npos) continue;
      if (i + 1 == cword) line.pending = o;
      else if (i + 1 < words.size() && !o->get_lnames().empty()) line.values[o->get_lnames()[0]] = words[i + 1];
      ++i;
      continue;
    }
    auto subs = line.cmd->get_subcommands([&](const CLI::App* s) { return s->get_name() == w; });
    if (line.positionals.empty() && !subs.empty()) line.cmd = subs.front();
    else line.positionals.push_back(w);
  }
  return line;
}

std::string value_of(const Line& line, const std::string& name) {
  auto it = line.values.find(name);
  return it == line.values.end() ? "" : it->second;
}

// Where the line's runs are: --file / --state-dir, or `wf runs FILE`.
HistoryWhere where_of(const Line& line) {
  HistoryWhere w{value_of(line, "file"), value_of(line, "state-dir")};
  if (w.file.empty() && line.cmd->get_name() == "runs" && !line.positionals.empty()) w.file = line.positionals[0];
  return w;
}

std::vector<std::string> run_ids(const Line& line) {
  std::vector<std::string> out;
  auto scope = history_scope(where_of(line));
  if (scope)
    for (const auto& r : exec::list_runs(scope->state_dir, scope->key)) out.push_back(r.id);
  return out;
}

// The steps of a recorded run (wf logs), newest run unless --run names one.
std::vector<std::string> run_steps(const Line& line) {
  std::vector<std::string> out;
  auto scope = history_scope(where_of(line));
  if (!scope) return out;
  auto r = pick_run(*scope, value_of(line, "run"));
  if (r)
    for (const auto& s : r->run.steps) out.push_back(s.id);
  return out;
}

std::vector<std::string> workflow_steps(const std::string& file, const step_api::Registry& registry) {
  std::vector<std::string> out;
  if (file.empty()) return out;
  auto loaded = model::load_workflow_file(file, load_options(registry));
  const auto& wf = loaded.workflow ? loaded.workflow : loaded.partial;
  if (wf)
    for (const auto& s : wf->steps) out.push_back(s.id);
  return out;
}

// Candidates for an option's value; nullopt: file names.
std::optional<std::vector<std::string>> option_values(const Line& line, const step_api::Registry& registry) {
  const auto& names = line.pending->get_lnames();
  std::string name = names.empty() ? "" : names[0];
  if (name == "run" || name == "resume") return run_ids(line);
  std::string file = line.positionals.empty() ? value_of(line, "file") : line.positionals[0];
  if (name == "only") return workflow_steps(file, registry);
  if (name.find("file") != std::string::npos || name.find("dir") != std::string::npos || name == "context")
    return std::nullopt;
  return std::vector<std::string>{};
}

std::vector<std::string> option_names(const CLI::App* cmd) {
  std::vector<std::string> out;
  for (const CLI::Option* o : cmd->get_options()) {
    if (o->get_group().empty()) continue;
    for (const auto& l : o->get_lnames()) out.push_back("--" + l);
    for (const auto& s : o->get_snames()) out.push_back("-" + s);
  }
  return out;
}

// Candidates for the next positional argument; nullopt: file names.
std::optional<std::vector<std::string>> positional_values(const Line& line, const step_api::Registry& registry) {
  auto subs = line.cmd->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
  std::vector<const CLI::Option*> pos =
      line.cmd->get_options([](const CLI::Option* o) { return o->get_positional(); });
  if (!subs.empty() && line.positionals.empty()) {
    std::vector<std::string> out;
    for (const auto* s : subs) out.push_back(s->get_name());
    return out;
  }
  if (pos.empty()) return std::vector<std::string>{};
  const CLI::Option* o = pos[std::min(line.positionals.size(), pos.size() - 1)];
  std::string kind = o->get_name();
  if (kind == "ID") return workflow_steps(line.positionals.empty() ? "" : line.positionals[0], registry);
  if (kind == "STEP") return run_steps(line);
  if (kind == "TYPE") return registry.names();
  if (kind == "SHELL") return std::vector<std::string>{"bash", "zsh"};
  if (kind == "FILE") return std::nullopt;
  return std::vector<std::string>{};
}

}  // namespace

std::string completion_script(std::string_view shell) {
  if (shell == "bash") return kBash;
  if (shell == "zsh") return kZsh;
  return "";
}

std::string complete_words(const CLI::App& app, const step_api::Registry& registry,
                           const std::vector<std::string>& words, size_t cword) {
  Line line = read_line(app, words, cword);
  std::string cur = cword < words.size() ? words[cword] : "";
  std::optional<std::vector<std::string>> c;
  if (line.pending) c = option_values(line, registry);
  else if (!cur.empty() && cur[0] == '-') c = option_names(line.cmd);
  else c = positional_values(line, registry);
  if (!c) return "files\n";
  std::string out = "words\n";
  for (const auto& w : *c)
    if (w.compare(0, cur.size(), cur) == 0) out += w + "\n";
  return out;
}

}  // namespace wf::cli
