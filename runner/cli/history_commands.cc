#include "runner/cli/history_commands.h"

#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "runner/cli/completion.h"

namespace wf::cli {

namespace {

void add_where(CLI::App* c, HistoryWhere& where, bool file_option) {
  if (file_option)
    c->add_option("--file", where.file, "The workflow whose runs to look at (when the folder has runs of several)");
  c->add_option("--state-dir", where.state_dir,
                "Where runs are recorded (default: .wf beside the workflow, or ./.wf)");
}

void add_runs(CLI::App& app, const Env& env, int& code) {
  auto args = std::make_shared<RunsArgs>();
  auto* c = app.add_subcommand("runs", "List the recorded runs of a workflow, newest first; --prune removes old ones");
  c->add_option("FILE", args->where.file, "Workflow file (default: the one with runs under ./.wf)");
  add_where(c, args->where, false);
  c->add_flag("--json", args->json, "One JSON array (fields in docs/running.md)");
  c->add_flag("--prune", args->prune, "Remove old run folders (with --keep and/or --older-than)");
  c->add_option("--keep", args->keep, "With --prune: keep the N newest runs")->check(CLI::NonNegativeNumber);
  c->add_option("--older-than", args->older_than, "With --prune: remove runs started longer ago than AGE (7d, 12h, 1d12h)");
  c->footer(
      "\nEach run of `wf run` is a folder .wf/runs/<id>/ (journal.jsonl, logs/, report.json). Outcome is\n"
      "success, failure, cancelled, in progress (its state lock is held) or interrupted (it ended without\n"
      "recording its end: killed, or the machine stopped; `wf run FILE --resume` continues it).\n"
      "--prune never removes a run in progress; with both --keep and --older-than a run is removed\n"
      "only when it is beyond the N newest and older than AGE.\n"
      "\nExamples:\n"
      "  wf runs deploy.yaml\n"
      "  wf runs --json | jq '.[0].outcome'\n"
      "  wf runs deploy.yaml --prune --keep 20\n"
      "  wf runs --prune --older-than 7d");
  c->callback([&env, &code, args] { code = cmd_runs(env, *args); });
}

void add_logs(CLI::App& app, const Env& env, int& code) {
  auto args = std::make_shared<LogsArgs>();
  auto* c = app.add_subcommand("logs", "Print a step's log from a recorded run (all steps' when no STEP)");
  c->add_option("STEP", args->step, "A step id (default: every step, each line prefixed with [step])");
  c->add_option("--run", args->run, "The run's id (default: the newest run; see wf runs)");
  c->add_option("--attempt", args->attempt, "Which attempt (default: the last)")->check(CLI::PositiveNumber);
  c->add_flag("-f,--follow", args->follow, "Keep printing as a run in progress writes, until it ends");
  add_where(c, args->where, true);
  c->footer(
      "\nLogs are printed as recorded in .wf/runs/<id>/logs/<step>.<attempt>.log: already masked, each line\n"
      "tagged out|, err| or wf | (wf's own notes). Log lines carry no timestamps, so with no STEP the\n"
      "logs are printed one step after the other, in the order the steps started (with --follow, lines\n"
      "are printed as they are written). Unknown step, run or attempt: exit 2, naming what exists.\n"
      "\nExamples:\n"
      "  wf logs                          every step of the newest run\n"
      "  wf logs upload --attempt 1       the first attempt of step upload\n"
      "  wf logs --follow                 tail the run in progress (from another terminal)\n"
      "  wf logs build --run 20261207-221000123-ab12 --file deploy.yaml");
  c->callback([&env, &code, args] { code = cmd_logs(env, *args); });
}

void add_show(CLI::App& app, const Env& env, int& code) {
  auto args = std::make_shared<ShowArgs>();
  auto* c = app.add_subcommand("show", "Summarise a recorded run: steps, inputs, outputs, failures, how to resume");
  c->add_option("--run", args->run, "The run's id (default: the newest run; see wf runs)");
  c->add_flag("--json", args->json, "One JSON object (fields in docs/running.md)");
  c->add_flag("--html", args->html, "Print the path of the run's report.html (its timeline page)");
  add_where(c, args->where, true);
  c->footer(
      "\nThe table is the one `wf run` prints at its end. Values come from the journal, where secrets are\n"
      "already ***. A run that did not succeed ends with the command that resumes it.\n"
      "\nExamples:\n"
      "  wf show\n"
      "  wf show --run 20261207-221000123-ab12 --file deploy.yaml\n"
      "  xdg-open \"$(wf show --html)\"");
  c->callback([&env, &code, args] { code = cmd_show(env, *args); });
}

void add_completion(CLI::App& app, const Env& env, int& code) {
  auto shell = std::make_shared<std::string>();
  auto* c = app.add_subcommand("completion", "Print a shell completion script (bash or zsh)");
  c->add_option("SHELL", *shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  c->footer(
      "\nCompletes commands, options, step ids of the workflow on the line (wf step FILE <TAB>, wf logs <TAB>)\n"
      "and run ids (--run <TAB>). wf must be on PATH.\n"
      "\nExamples:\n"
      "  source <(wf completion bash)               # in ~/.bashrc\n"
      "  source <(wf completion zsh)                # in ~/.zshrc, after compinit\n"
      "  wf completion zsh > \"${fpath[1]}/_wf\"");
  c->callback([&env, &code, shell] {
    env.out << completion_script(*shell);
    code = 0;
  });

  // Hidden: `wf __complete CWORD WORD...`, what the scripts call.
  auto* h = app.add_subcommand("__complete", "");
  h->group("");
  h->prefix_command();
  h->set_help_flag();
  h->callback([&app, &env, &code, h] {
    std::vector<std::string> words = h->remaining();
    code = 2;
    if (words.empty()) return;
    size_t cword = 0;
    try {
      cword = static_cast<size_t>(std::stoul(words[0]));
    } catch (const std::exception&) {
      return;
    }
    words.erase(words.begin());
    env.out << complete_words(app, env.registry, words, cword);
    code = 0;
  });
}

}  // namespace

void add_history_commands(CLI::App& app, const Env& env, int& code) {
  add_runs(app, env, code);
  add_logs(app, env, code);
  add_show(app, env, code);
  add_completion(app, env, code);
}

}  // namespace wf::cli
