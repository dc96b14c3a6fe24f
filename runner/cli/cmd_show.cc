// `wf show`: one recorded run — its summary table (the same as the end of
// `wf run`), inputs, each step's outputs, failures, and how to resume it.
// Everything comes from the journal, which holds only masked values.

#include <filesystem>
#include <ostream>

#include "runner/cli/commands.h"
#include "runner/cli/run_history.h"
#include "runner/core/json.h"
#include "runner/status/format.h"

namespace wf::cli {

namespace {

namespace fs = std::filesystem;
using core::Value;

std::optional<exec::Outcome> outcome_of(const std::string& name) {
  for (auto o : {exec::Outcome::kSuccess, exec::Outcome::kFailure, exec::Outcome::kSkipped, exec::Outcome::kCancelled})
    if (name == exec::outcome_name(o)) return o;
  return std::nullopt;
}

core::Millis step_duration(const exec::PastStep& s) {
  if (s.started_ms >= 0 && s.finished_ms >= s.started_ms) return core::Millis(s.finished_ms - s.started_ms);
  double total = 0;
  for (const auto& a : s.attempt_list) total += a.duration_ms;
  return core::Millis(static_cast<int64_t>(total));
}

// The finished steps as the end-of-run table's rows.
std::vector<exec::StepEnd> step_ends(const exec::PastRun& run) {
  std::vector<exec::StepEnd> out;
  for (const auto& s : run.steps) {
    auto known = outcome_of(s.outcome);
    if (!known) continue;
    exec::StepEnd e{};
    e.step_id = s.id;
    e.outcome = *known;
    if (*known == exec::Outcome::kFailure) e.continue_on_error = s.continue_on_error;
    e.reason = s.reason;
    e.attempts = s.attempts;
    e.duration = step_duration(s);
    e.reused = s.reused;
    out.push_back(std::move(e));
  }
  return out;
}

std::string value_text(const Value& v) { return v.is_string() ? v.as_string() : core::to_json(v); }

bool holds_mask(const Value& v) { return core::to_json(v).find("***") != std::string::npos; }

// The command that resumes this very run, with the inputs it had (a masked
// one cannot be given back: it is named instead).
std::string resume_command(const exec::RunRecord& r, const HistoryScope& scope, std::string* note) {
  std::string file = r.run.file_key.empty() ? r.run.file : r.run.file_key;
  std::string cmd = "wf run " + status::shell_quote(file) + " --resume " + r.id;
  fs::path default_state = fs::path(file).parent_path() / ".wf";
  if (!r.run.file_key.empty() && fs::weakly_canonical(scope.state_dir) != fs::weakly_canonical(default_state))
    cmd += " --state-dir " + status::shell_quote(scope.state_dir);
  if (r.run.inputs.is_object()) {
    for (const auto& [name, v] : r.run.inputs.as_object()) {
      if (holds_mask(v)) {
        *note += (note->empty() ? "" : ", ") + name;
        continue;
      }
      cmd += " -i " + status::shell_quote(name + "=" + value_text(v));
    }
  }
  return cmd;
}

void print_head(std::ostream& out, const exec::RunRecord& r) {
  out << "run " << r.id << " of " << status::one_line(r.run.workflow.empty() ? "?" : r.run.workflow) << " ("
      << (r.run.file_key.empty() ? r.run.file : r.run.file_key) << ")\n";
  out << "  outcome   " << exec::run_status_name(r.status) << (r.run.single_step ? " (wf step)" : "") << "\n";
  out << "  started   " << utc_text(r.started_ms()) << "\n";
  out << "  duration  " << status::format_elapsed(run_duration(r, now_ms())) << "\n";
  if (!r.run.resumed_from.empty()) out << "  resumed   from run " << r.run.resumed_from << "\n";
  out << "  state in  " << r.dir << "\n";
}

void print_inputs(std::ostream& out, const Value& inputs) {
  out << "\ninputs:\n";
  if (!inputs.is_object() || inputs.as_object().empty()) out << "  (none)\n";
  else
    for (const auto& [name, v] : inputs.as_object()) out << "  " << name << " = " << status::one_line(value_text(v)) << "\n";
}

void print_steps(std::ostream& out, const exec::PastRun& run) {
  out << "\n" << status::summary_table(step_ends(run));
  for (const auto& s : run.steps) {
    if (!s.outcome.empty()) continue;
    out << "  " << s.id << ": not finished";
    if (!s.attempt_list.empty()) out << " (attempt " << s.attempt_list.back().attempt << ")";
    out << "\n";
  }
  bool any = false;
  for (const auto& s : run.steps) {
    if (!s.outputs.is_object() || s.outputs.as_object().empty()) continue;
    if (!any) out << "\noutputs:\n";
    any = true;
    for (const auto& [name, v] : s.outputs.as_object())
      out << "  " << s.id << "." << name << " = " << status::one_line(value_text(v)) << "\n";
  }
}

void print_failures(std::ostream& out, const exec::PastRun& run) {
  bool any = false;
  for (const auto& s : run.steps) {
    for (const auto& a : s.attempt_list) {
      if (!a.finished || a.ok) continue;
      if (!any) out << "\nfailures:\n";
      any = true;
      out << "  " << s.id << " attempt " << a.attempt << " (" << (a.failure_class.empty() ? "?" : a.failure_class)
          << "): " << status::one_line(a.summary) << "\n";
    }
    if (s.outcome == "failure" && s.attempt_list.empty() && !s.reason.empty()) {
      if (!any) out << "\nfailures:\n";
      any = true;
      out << "  " << s.id << ": " << status::one_line(s.reason) << "\n";
    }
  }
}

Value show_json(const exec::RunRecord& r, const HistoryScope& scope) {
  Value head = run_json(r, now_ms());
  Value::Array steps;
  for (const auto& s : r.run.steps) {
    Value::Array attempts;
    for (const auto& a : s.attempt_list)
      attempts.push_back(Value(Value::Object{
          {"attempt", a.attempt}, {"finished", a.finished}, {"ok", a.ok},
          {"class", a.failure_class.empty() ? Value() : Value(a.failure_class)}, {"summary", a.summary},
          {"duration_ms", a.duration_ms}, {"started", a.started},
          {"log", (fs::path(r.dir) / "logs" / (s.id + "." + std::to_string(a.attempt) + ".log")).string()}}));
    steps.push_back(Value(Value::Object{{"id", s.id}, {"outcome", s.outcome.empty() ? Value() : Value(s.outcome)},
                                        {"reason", s.reason}, {"reused", s.reused},
                                        {"continue_on_error", s.continue_on_error},
                                        {"duration_ms", static_cast<double>(step_duration(s).count())},
                                        {"outputs", s.outputs}, {"attempts", Value(std::move(attempts))}}));
  }
  std::string note;
  bool resumable = r.status != exec::RunStatus::kSuccess && r.status != exec::RunStatus::kInProgress && !r.run.single_step;
  return head.with("inputs", r.run.inputs.is_null() ? Value(Value::Object{}) : r.run.inputs)
      .with("steps", Value(std::move(steps)))
      .with("resume", resumable ? Value(resume_command(r, scope, &note)) : Value());
}

}  // namespace

int cmd_show(const Env& env, const ShowArgs& args) {
  auto scope = history_scope(args.where);
  if (!scope) {
    env.err << "error: " << scope.error() << "\n";
    return 2;
  }
  auto r = pick_run(*scope, args.run);
  if (!r || !r->error.empty()) {
    env.err << "error: " << (r ? r->error : r.error()) << "\n";
    return 2;
  }
  if (args.html) {
    std::string html = (fs::path(r->dir) / "report.html").string();
    std::error_code ec;
    if (!fs::exists(html, ec)) {
      env.err << "error: run " << r->id << " has no report.html (" << html << " does not exist"
              << (r->status == exec::RunStatus::kInProgress ? ": it is written when the run ends" : "") << ")\n";
      return 2;
    }
    env.out << html << "\n";
    return 0;
  }
  if (args.json) {
    env.out << core::to_json(show_json(*r, *scope), 2) << "\n";
    return 0;
  }
  print_head(env.out, *r);
  print_inputs(env.out, r->run.inputs);
  print_steps(env.out, r->run);
  print_failures(env.out, r->run);
  bool resumable = r->status != exec::RunStatus::kSuccess && r->status != exec::RunStatus::kInProgress;
  if (resumable && !r->run.single_step) {
    std::string note;
    env.out << "\nresume with: " << resume_command(*r, *scope, &note) << "\n";
    if (!note.empty()) env.out << "  (pass the inputs that held a secret again: " << note << ")\n";
  }
  return 0;
}

}  // namespace wf::cli
