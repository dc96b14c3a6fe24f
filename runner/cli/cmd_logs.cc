// `wf logs [STEP]`: the log files of a recorded run (already masked when
// they were written), one step's or every step's with a [step] prefix, and
// --follow to tail a run in progress.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <thread>

#include "runner/cli/commands.h"
#include "runner/cli/run_history.h"
#include "runner/core/strings.h"
#include "runner/exec/calls.h"

namespace wf::cli {

namespace {

namespace fs = std::filesystem;

struct Selected {
  std::string step;
  int attempt = 1;
};

std::string log_path(const std::string& run_dir, const Selected& s) {
  // A called file's step "deploy/render" logs to deploy.render.N.log.
  return (fs::path(run_dir) / "logs" / (exec::step_file_key(s.step) + "." + std::to_string(s.attempt) + ".log")).string();
}

// Prints each attempt's new lines since the last call: whole lines only,
// unless `drain` (the run has ended: a last line without '\n' is whole too).
class LogPump {
 public:
  LogPump(std::ostream& out, std::string run_dir, bool prefixed)
      : out_(out), run_dir_(std::move(run_dir)), prefixed_(prefixed) {}

  void pump(const std::vector<Selected>& attempts, bool drain) {
    for (const auto& a : attempts) pump_one(a, drain);
    out_.flush();
  }

 private:
  void pump_one(const Selected& a, bool drain) {
    std::string path = log_path(run_dir_, a);
    size_t& offset = offsets_[path];
    std::ifstream in(path, std::ios::binary);
    if (!in) return;
    in.seekg(static_cast<std::streamoff>(offset));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t end = drain ? text.size() : text.rfind('\n') + 1;  // npos + 1 == 0: nothing whole yet
    if (end == 0) return;
    if (prefixed_ && a.attempt > 1 && offset == 0) line(a.step, "-- attempt " + std::to_string(a.attempt) + " --");
    for (size_t pos = 0; pos < end;) {
      size_t nl = std::min(text.find('\n', pos), end);
      line(a.step, std::string_view(text).substr(pos, nl - pos));
      pos = nl + 1;
    }
    offset += end;
  }

  void line(const std::string& step, std::string_view text) {
    if (prefixed_) out_ << "[" << step << "] ";
    out_ << text << "\n";
  }

  std::ostream& out_;
  std::string run_dir_;
  bool prefixed_;
  std::map<std::string, size_t> offsets_;
};

std::string attempts_text(const exec::PastStep& s) {
  std::string out;
  for (const auto& a : s.attempt_list) out += (out.empty() ? "" : ", ") + std::to_string(a.attempt);
  return out;
}

// The attempts to print, in the order the journal shows them starting; an
// error (exit 2) for a step or attempt that is not in the run.
core::Expected<std::vector<Selected>, std::string> select(const exec::RunRecord& r, const LogsArgs& args,
                                                          int from_attempt) {
  std::vector<Selected> out;
  if (args.step.empty()) {
    for (const auto& s : r.run.steps)
      for (const auto& a : s.attempt_list) out.push_back({s.id, a.attempt});
    return out;
  }
  const exec::PastStep* s = r.run.step(args.step);
  if (!s) {
    std::vector<std::string> ids;
    for (const auto& st : r.run.steps) ids.push_back(st.id);
    return core::unexpected(core::with_suggestion("no step '" + args.step + "' in run " + r.id + "; its steps: " +
                                                      (ids.empty() ? "(none started)" : core::join(ids, ", ")),
                                                  args.step, ids));
  }
  if (args.attempt > 0) {
    for (const auto& a : s->attempt_list)
      if (a.attempt == args.attempt) return std::vector<Selected>{{s->id, a.attempt}};
    return core::unexpected("step '" + s->id + "' of run " + r.id + " has no attempt " + std::to_string(args.attempt) +
                            "; its attempts: " + (s->attempt_list.empty() ? "none" : attempts_text(*s)));
  }
  for (const auto& a : s->attempt_list)
    if (a.attempt >= from_attempt) out.push_back({s->id, a.attempt});
  if (!out.empty() && from_attempt == 0) out.erase(out.begin(), out.end() - 1);  // the last attempt
  return out;
}

// A step that ran no attempt has no log: say why on stderr.
void explain_no_log(const Env& env, const exec::RunRecord& r, const std::string& step) {
  const exec::PastStep* s = r.run.step(step);
  if (!s || !s->attempt_list.empty()) return;
  std::string why = s->reused ? "it was reused from an earlier run" : s->outcome.empty() ? "it has not started" : s->outcome;
  if (!s->reason.empty()) why += ": " + s->reason;
  env.err << "wf: step '" << step << "' of run " << r.id << " has no log (" << why << ")\n";
}

int follow(const Env& env, const LogsArgs& args, exec::RunRecord r, const HistoryScope& scope) {
  LogPump pump(env.out, r.dir, args.step.empty());
  // With a step and no --attempt: from its last attempt so far on.
  int from = 0;
  if (const exec::PastStep* s = r.run.step(args.step); s && !s->attempt_list.empty())
    from = s->attempt_list.back().attempt;
  while (true) {
    bool ended = r.status != exec::RunStatus::kInProgress;
    auto sel = select(r, args, args.step.empty() ? 1 : std::max(from, 1));
    if (sel) pump.pump(*sel, ended);
    if (ended) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(args.poll_ms));
    auto again = exec::read_run(scope.state_dir, r.id);
    if (!again) return 0;  // removed while we looked
    r = std::move(*again);
  }
}

}  // namespace

int cmd_logs(const Env& env, const LogsArgs& args) {
  if (args.attempt != 0 && args.step.empty()) {
    env.err << "error: --attempt needs a STEP (wf logs STEP --attempt N)\n";
    return 2;
  }
  auto scope = history_scope(args.where);
  if (!scope) {
    env.err << "error: " << scope.error() << "\n";
    return 2;
  }
  auto r = pick_run(*scope, args.run);
  if (!r) {
    env.err << "error: " << r.error() << "\n";
    return 2;
  }
  if (!r->error.empty()) {
    env.err << "error: " << r->error << "\n";
    return 2;
  }
  auto sel = select(*r, args, 0);
  // A step of a run in progress may not have started yet: --follow waits for it.
  bool may_start = args.follow && r->status == exec::RunStatus::kInProgress;
  if (!sel && may_start) env.err << "wf: " << sel.error() << " yet; waiting for it to start\n";
  if (!sel && !may_start) {
    env.err << "error: " << sel.error() << "\n";
    return 2;
  }
  if (!args.step.empty() && sel->empty() && !args.follow) explain_no_log(env, *r, args.step);
  if (args.follow) return follow(env, args, std::move(*r), *scope);
  LogPump(env.out, r->dir, args.step.empty()).pump(*sel, true);
  return 0;
}

}  // namespace wf::cli
