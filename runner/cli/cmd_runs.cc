// `wf runs [FILE]`: the recorded runs of a workflow, newest first, as a
// table or JSON; `--prune` removes old run folders.

#include <ostream>

#include "runner/cli/commands.h"
#include "runner/cli/run_history.h"
#include "runner/core/json.h"
#include "runner/status/format.h"

namespace wf::cli {

namespace {

using core::Value;

std::string pad(std::string s, size_t w) {
  size_t n = status::display_width(s);
  if (n < w) s.append(w - n, ' ');
  return s;
}

void print_table(std::ostream& out, const std::vector<exec::RunRecord>& runs, int64_t now) {
  std::vector<std::vector<std::string>> rows = {
      {"RUN", "STARTED", "DURATION", "OUTCOME", "OK", "FAILED", "SKIPPED", "RESUMED FROM"}};
  for (const auto& r : runs) {
    StepCounts c = count_steps(r.run);
    std::string outcome = r.error.empty() ? exec::run_status_name(r.status) : "unreadable";
    if (r.run.single_step) outcome += " (wf step)";
    rows.push_back({r.id, utc_text(r.started_ms()), status::format_elapsed(run_duration(r, now)), outcome,
                    std::to_string(c.ok), std::to_string(c.failed), std::to_string(c.skipped),
                    r.run.resumed_from.empty() ? "-" : r.run.resumed_from});
  }
  std::vector<size_t> w(rows[0].size(), 0);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) w[i] = std::max(w[i], status::display_width(row[i]));
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) line += i + 1 < row.size() ? pad(row[i], w[i] + 2) : row[i];
    out << line << "\n";
  }
}

std::string bytes_text(uint64_t b) {
  char buf[32];
  if (b < 1024) return std::to_string(b) + " B";
  if (b < 1024 * 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
  else std::snprintf(buf, sizeof buf, "%.1f MiB", b / (1024.0 * 1024.0));
  return buf;
}

int prune(const Env& env, const RunsArgs& args, const std::vector<exec::RunRecord>& runs) {
  std::optional<size_t> keep;
  if (args.keep >= 0) keep = static_cast<size_t>(args.keep);
  std::optional<core::Millis> age;
  if (!args.older_than.empty()) {
    age = exec::parse_age(args.older_than);
    if (!age) {
      env.err << "error: --older-than: invalid age '" << args.older_than << "' (use forms like 7d, 12h, 1d12h, 90m)\n";
      return 2;
    }
  }
  if (!keep && !age) {
    env.err << "error: --prune needs --keep N or --older-than AGE (or both: runs beyond the N newest that are "
               "older than AGE)\n";
    return 2;
  }
  uint64_t freed = 0;
  size_t removed = 0;
  int code = 0;
  for (size_t i : exec::runs_to_prune(runs, keep, age, now_ms())) {
    auto bytes = exec::remove_run(runs[i]);
    if (!bytes) {
      env.err << "error: " << bytes.error() << "\n";
      code = 1;
      continue;
    }
    env.out << "removed " << runs[i].id << " (" << exec::run_status_name(runs[i].status) << ", "
            << bytes_text(*bytes) << ")\n";
    freed += *bytes;
    ++removed;
  }
  size_t running = 0;
  for (const auto& r : runs) running += r.status == exec::RunStatus::kInProgress;
  env.out << "removed " << removed << (removed == 1 ? " run" : " runs") << ", freed " << bytes_text(freed) << " ("
          << freed << " bytes); " << runs.size() - removed << " kept";
  if (running) env.out << " (" << running << " in progress, never removed)";
  env.out << "\n";
  return code;
}

}  // namespace

int cmd_runs(const Env& env, const RunsArgs& args) {
  if (!args.prune && (args.keep >= 0 || !args.older_than.empty())) {
    env.err << "error: --keep and --older-than go with --prune\n";
    return 2;
  }
  auto scope = history_scope(args.where);
  if (!scope) {
    env.err << "error: " << scope.error() << "\n";
    return 2;
  }
  auto runs = exec::list_runs(scope->state_dir, scope->key);
  if (args.prune) return prune(env, args, runs);
  int64_t now = now_ms();
  if (args.json) {
    Value::Array all;
    for (const auto& r : runs) all.push_back(run_json(r, now));
    env.out << core::to_json(Value(std::move(all)), 2) << "\n";
    return 0;
  }
  if (runs.empty()) {
    env.out << "no runs recorded under " << scope->state_dir << "/runs\n";
    return 0;
  }
  print_table(env.out, runs, now);
  return 0;
}

}  // namespace wf::cli
