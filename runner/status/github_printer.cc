#include "runner/status/github_printer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "runner/core/json.h"
#include "runner/core/output_file.h"
#include "runner/core/workflow_commands.h"
#include "runner/status/github_annotations.h"

namespace wf::status {
namespace {

std::string command(std::string name, std::string value,
                    std::vector<std::pair<std::string, std::string>> properties = {}) {
  return core::format_workflow_command({std::move(name), std::move(properties), std::move(value)});
}

std::string random_token() {
  std::random_device device;
  std::uniform_int_distribution<int> digit(0, 15);
  std::string token = "wf-";
  for (int i = 0; i < 32; ++i) token += "0123456789abcdef"[digit(device)];
  return token;
}

// Lines as GitHub's runner reads them: a CR, LF or CRLF ends a line.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (true) {
    size_t end = text.find_first_of("\r\n");
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) return lines;
    size_t next = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
    text.remove_prefix(next);
  }
}

// The text of one table cell or heading: no line breaks, no table or HTML
// syntax, Markdown punctuation escaped.
std::string md_text(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\n':
      case '\r': out += ' '; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '|':
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '#':
      case '~':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

// At most `max` bytes of UTF-8 text, cut at a character boundary, with "…".
std::string cut(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s + "…";
}

std::string md_link(std::string_view title, std::string_view url) {
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    return md_text(title) + ": " + md_text(url);
  }
  std::string href;
  for (char c : url) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F ||
        std::string_view("()<>|\"\\`[]").find(c) != std::string_view::npos) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", u);
      href += buf;
    } else {
      href += c;
    }
  }
  return "[" + md_text(title) + "](" + href + ")";
}

std::string_view outcome_emoji(const exec::StepEnd& s) {
  switch (s.outcome) {
    case exec::Outcome::kSuccess: return "✅";
    case exec::Outcome::kFailure: return s.continue_on_error ? "⚠️" : "❌";
    case exec::Outcome::kSkipped: return "⏭️";
    case exec::Outcome::kCancelled: return "🚫";
  }
  return "";
}

// One row of the summary table; an instance of a matrix step is a row
// under its step's, marked "↳".
std::string summary_row(const exec::StepEnd& s, bool instance = false) {
  std::vector<std::string> details;
  if (!s.instances.empty()) details.push_back("matrix of " + std::to_string(s.instances.size()) + " instances");
  if (s.reused) details.push_back("reused from an earlier run");
  if (s.continue_on_error) details.push_back("continue-on-error");
  if (s.failure_class && s.outcome != exec::Outcome::kSuccess)
    details.push_back("class " + std::string(core::failure_class_name(*s.failure_class)));
  if (!s.reason.empty()) details.push_back(md_text(cut(s.reason, 2000)));
  for (const auto& [title, url] : s.links) details.push_back(md_link(title, cut(url, 2000)));
  std::string step = (instance ? "↳ " : "") + md_text(s.step_id);
  if (!s.step_name.empty() && !instance) step += " (" + md_text(cut(s.step_name, 200)) + ")";
  std::string row = "| " + std::string(outcome_emoji(s)) + " | " + step + " | " +
                    exec::outcome_name(s.outcome) + " | " + std::to_string(s.attempts) + " | " +
                    (s.attempts > 0 || s.duration.count() > 0 ? format_elapsed(s.duration) : "–") +
                    " | ";
  for (size_t i = 0; i < details.size(); ++i) row += (i ? " · " : "") + details[i];
  return row + " |\n";
}

}  // namespace

GitHubPrinter::GitHubPrinter(std::FILE* out, Options options)
    : out_(out), options_(std::move(options)), stop_token_(random_token()) {}

GitHubPrinter::~GitHubPrinter() {
  std::lock_guard lock(mu_);
  flush_all();
  std::fflush(out_);
}

void GitHubPrinter::add_mask(std::string_view secret) {
  if (secret.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
  std::lock_guard lock(mu_);
  write_line(command("add-mask", std::string(secret)));
  if (secret.find_first_of("\r\n") != std::string_view::npos) {
    for (std::string_view line : split_lines(secret)) {
      if (line.find_first_not_of(" \t") != std::string_view::npos) {
        write_line(command("add-mask", std::string(line)));
      }
    }
  }
  std::fflush(out_);
}

bool GitHubPrinter::append_outputs(
    const std::vector<std::pair<std::string, std::string>>& outputs) {
  if (options_.output_path.empty()) return true;
  std::lock_guard lock(mu_);  // also keeps two calls' entries apart in the file
  std::string content;
  std::vector<std::string> warnings;
  for (const auto& [name, value] : outputs) {
    if (!core::writable_output_name(name)) {
      warnings.push_back(
          command("warning", "wf: output name '" + name + "' cannot be written to $GITHUB_OUTPUT"));
      continue;
    }
    content += core::format_output(name, value);
  }
  if (!options_.outputs_json_name.empty()) {
    core::Value::Object all;
    for (const auto& [name, value] : outputs) all.emplace_back(name, core::Value(value));
    content += core::format_output(options_.outputs_json_name, core::to_json(core::Value(std::move(all))));
  }
  if (std::FILE* f = std::fopen(options_.output_path.c_str(), "ab")) {
    bool written = std::fwrite(content.data(), 1, content.size(), f) == content.size();
    if (std::fclose(f) != 0 || !written) {
      warnings.push_back(command(
          "warning", "wf: cannot write " + options_.output_path + ": " + std::strerror(errno)));
    }
  } else {
    warnings.push_back(command(
        "warning", "wf: cannot open " + options_.output_path + ": " + std::strerror(errno)));
  }
  if (warnings.empty()) return true;
  outside(std::move(warnings));
  std::fflush(out_);
  return false;
}

void GitHubPrinter::run_started(const exec::RunStart& start) {
  std::lock_guard lock(mu_);
  run_ = start;
  failures_.clear();
  annotations_.clear();
  unshown_.clear();
  unannotated_ = 0;
  outside({run_started_text(start)});
  std::fflush(out_);
}

void GitHubPrinter::attempt_started(const exec::AttemptStart& start) {
  std::lock_guard lock(mu_);
  Attempt attempt;
  attempt.step_id = start.step_id;
  attempt.title = start.step_id;
  if (start.max_attempts > 1) {
    attempt.title += " (attempt " + std::to_string(start.attempt) + "/" +
                     std::to_string(start.max_attempts) + ")";
  }
  attempt.log_file = start.log_file;
  attempt.working_directory = start.working_directory;
  attempt.max_attempts = start.max_attempts;
  running_.push_back(std::move(attempt));
  if (!live_) open_live(running_.back());
  std::fflush(out_);
}

void GitHubPrinter::step_line(std::string_view step_id, step_api::StepLog::Stream stream,
                              std::string_view text) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(running_.begin(), running_.end(),
                         [&](const Attempt& a) { return a.step_id == step_id; });
  for (std::string_view line : split_lines(text)) {
    if (it != running_.end()) {
      std::vector<std::string> rendered;
      render_step_line(*it, line, rendered);
      if (live_ == step_id) {
        for (const auto& l : rendered) write_line(l);
        continue;
      }
      if (it->bytes + line.size() > kMaxBufferedBytes) {
        ++it->dropped;
        continue;
      }
      for (auto& l : rendered) {
        it->bytes += l.size() + 1;
        it->lines.push_back(std::move(l));
      }
    } else {
      // A line outside any attempt (the executor's own note on a step).
      outside({"[" + std::string(step_id) + "] " + std::string(line)});
    }
  }
  std::fflush(out_);
}

void GitHubPrinter::attempt_finished(const exec::AttemptEnd& end) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(running_.begin(), running_.end(),
                         [&](const Attempt& a) { return a.step_id == end.step_id; });
  int max_attempts = it == running_.end() ? end.attempt : it->max_attempts;
  if (!end.ok) failures_[end.step_id] = LastFailure{end.failure_class, end.summary};
  std::string last = end.ok ? "✓ attempt succeeded in " + format_elapsed(end.duration)
                            : "✗ " + attempt_failed_text(end, max_attempts, true);
  if (live_ == end.step_id) {
    close_live(last);
  } else if (it != running_.end()) {
    // Printed as a whole group when the open one closes.
    std::vector<std::string> group = {command("group", it->title)};
    group.insert(group.end(), it->lines.begin(), it->lines.end());
    if (it->dropped > 0) group.push_back(dropped_note(*it));
    group.push_back(std::move(last));
    group.push_back(command("endgroup", ""));
    running_.erase(it);
    pending_.push_back(std::move(group));
    drain();
  }
  std::fflush(out_);
}

void GitHubPrinter::step_finished(const exec::StepEnd& end) {
  std::lock_guard lock(mu_);
  std::optional<LastFailure> last;
  if (auto it = failures_.find(end.step_id); it != failures_.end()) last = it->second;
  std::vector<std::string> lines = {"[" + end.step_id + "] " + std::string(outcome_symbol(end)) +
                                    " " + step_finished_text(end, last)};
  if (end.outcome == exec::Outcome::kFailure) {
    std::string why = !end.reason.empty() ? end.reason : last ? last->summary : "";
    if (why.empty()) why = "failed";
    std::string kind = end.continue_on_error ? "warning" : "error";
    std::string title =
        end.step_id + (end.continue_on_error ? " failed (continue-on-error)" : " failed");
    if (take_annotation_slot(kind)) {
      lines.push_back(command(kind, why, {{"title", title}}));
    } else {
      ++unannotated_;
      unshown_.push_back(kind + " · " + md_text(title) + ": " + md_text(cut(why, 2000)));
    }
  }
  outside(std::move(lines));
  std::fflush(out_);
}

void GitHubPrinter::run_finished(const exec::RunEnd& end) {
  std::lock_guard lock(mu_);
  flush_all();
  std::vector<std::string> lines = {""};
  std::string text =
      summary_table(end.steps) +
      run_finished_text(end, run_.workflow.empty() ? "workflow" : run_.workflow, run_.file);
  for (std::string_view line : split_lines(text)) lines.emplace_back(line);
  if (lines.back().empty()) lines.pop_back();
  if (unannotated_ > 0) {
    lines.push_back("wf: " + std::to_string(unannotated_) +
                    " more failures are not annotated (GitHub shows " +
                    std::to_string(kMaxAnnotations) + "); see the job summary");
  }
  outside(std::move(lines));
  write_summary(end);
  std::fflush(out_);
}

void GitHubPrinter::write_line(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fputc('\n', out_);
}

void GitHubPrinter::secret_added(std::string_view value) { add_mask(value); }

bool GitHubPrinter::take_annotation_slot(const std::string& kind) {
  size_t& count = annotations_[kind];
  if (count >= kMaxAnnotations) return false;
  ++count;
  return true;
}

void GitHubPrinter::render_step_line(const Attempt& attempt, std::string_view line,
                                     std::vector<std::string>& into) {
  if (!looks_like_command(line)) {
    into.emplace_back(line);
    return;
  }
  if (auto cmd = core::parse_workflow_command(line); cmd && is_annotation(cmd->name)) {
    core::WorkflowCommand a =
        step_annotation(*cmd, attempt.step_id, attempt.working_directory, options_.workspace);
    if (take_annotation_slot(a.name)) {
      into.push_back(core::format_workflow_command(a));
      return;
    }
    const std::string* file = a.property("file");
    const std::string* at = a.property("line");
    unshown_.push_back(a.name + " · " + md_text(*a.property("title")) +
                       (file ? " · " + md_text(*file) + (at ? ":" + md_text(*at) : "") : "") + ": " +
                       md_text(cut(a.value, 2000)));
  }
  into.push_back(command("stop-commands", stop_token_));
  into.emplace_back(line);
  into.push_back("::" + stop_token_ + "::");
}

std::string GitHubPrinter::dropped_note(const Attempt& attempt) {
  return "… " + std::to_string(attempt.dropped) + " more lines are not shown here; all are in " +
         one_line(attempt.log_file);
}

void GitHubPrinter::outside(std::vector<std::string> lines) {
  if (live_) {
    pending_.push_back(std::move(lines));
    return;
  }
  for (const auto& line : lines) write_line(line);
}

void GitHubPrinter::open_live(Attempt& attempt) {
  live_ = attempt.step_id;
  write_line(command("group", attempt.title));
  for (const auto& line : attempt.lines) write_line(line);
  if (attempt.dropped > 0) write_line(dropped_note(attempt));
  attempt.lines.clear();
  attempt.bytes = 0;
  attempt.dropped = 0;
}

void GitHubPrinter::close_live(std::string_view last_line) {
  write_line(last_line);
  write_line(command("endgroup", ""));
  std::erase_if(running_, [&](const Attempt& a) { return a.step_id == *live_; });
  live_.reset();
  drain();
}

void GitHubPrinter::drain() {
  if (live_) return;
  while (!pending_.empty()) {
    for (const auto& line : pending_.front()) write_line(line);
    pending_.pop_front();
  }
  if (!running_.empty()) open_live(running_.front());
}

void GitHubPrinter::flush_all() {
  // close_live() makes the next unfinished attempt live; close each in turn.
  while (live_) close_live("(attempt unfinished)");
  drain();
}

// The steps' own summaries, each under its heading, then the annotations
// GitHub would not show; at most `budget` bytes (plus a note of what was left out).
std::string GitHubPrinter::summary_tail(const exec::RunEnd& end, size_t budget) const {
  std::string out;
  size_t left_out = 0;
  std::vector<const exec::StepEnd*> all;  // each matrix step's instances after it
  for (const auto& step : end.steps) {
    all.push_back(&step);
    for (const auto& inst : step.instances) all.push_back(&inst);
  }
  for (const exec::StepEnd* s : all) {
    const exec::StepEnd& step = *s;
    if (step.step_summary.empty()) continue;
    std::string part = "#### " + std::string(outcome_emoji(step)) + " " + md_text(step.step_id) +
                       (step.step_name.empty() ? "" : " (" + md_text(cut(step.step_name, 200)) + ")") + "\n\n" +
                       step.step_summary + (step.step_summary.ends_with('\n') ? "\n" : "\n\n");
    if (out.size() + part.size() > budget) {
      ++left_out;
      continue;
    }
    out += part;
  }
  if (!unshown_.empty()) {
    std::string part = "#### Annotations GitHub does not show\n\nGitHub shows " +
                       std::to_string(kMaxAnnotations) + " of each kind per job step.\n\n";
    for (const auto& item : unshown_) {
      std::string line = "- " + item + "\n";
      if (out.size() + part.size() + line.size() > budget) {
        ++left_out;
        continue;
      }
      part += line;
    }
    if (out.size() + part.size() + 1 <= budget) out += part + "\n";
  }
  if (left_out > 0)
    out += "_" + std::to_string(left_out) + " more parts are not shown: the summary is kept under 1 MiB._\n\n";
  return out;
}

void GitHubPrinter::write_summary(const exec::RunEnd& end) {
  if (options_.step_summary_path.empty()) return;
  std::error_code ec;
  uintmax_t existing = std::filesystem::file_size(options_.step_summary_path, ec);
  if (ec) existing = 0;
  // Room for the note on dropped rows, so adding it never crosses the limit.
  constexpr size_t kNoteRoom = 2048;
  if (existing + kNoteRoom >= kMaxSummaryBytes) return;
  size_t budget = kMaxSummaryBytes - 1 - existing - kNoteRoom;

  std::string_view verdict = run_verdict(end);
  std::string md = std::string("### ") +
                   (end.ok                     ? "✅"
                    : verdict == "interrupted" ? "🚫"
                                               : "❌") +
                   " " + md_text(run_.workflow.empty() ? "workflow" : run_.workflow) + " " +
                   std::string(verdict) + " in " + format_elapsed(end.duration) + "\n\n";
  md += "Run " + md_text(end.run_id) + " · " + std::to_string(end.steps.size()) + " steps";
  if (!end.run_dir.empty()) md += " · state in " + md_text(end.run_dir);
  md += "\n\n|   | Step | Outcome | Attempts | Duration | Details |\n";
  md += "|---|---|---|---:|---:|---|\n";
  if (md.size() > budget) return;
  size_t shown = 0;
  for (const auto& step : end.steps) {
    std::string row = summary_row(step);
    for (const auto& inst : step.instances) row += summary_row(inst, true);  // grouped under their step
    if (md.size() + row.size() > budget) break;
    md += row;
    ++shown;
  }
  md += "\n";
  if (shown < end.steps.size()) {
    md += "_" + std::to_string(end.steps.size() - shown) +
          " more steps are not shown: the summary is kept under 1 MiB. Every step is in " +
          md_text(cut(end.run_dir, 200)) + "/report.json._\n\n";
  }
  if (unannotated_ > 0) {
    md += "_" + std::to_string(unannotated_) + " failures are only listed here: GitHub shows " +
          std::to_string(kMaxAnnotations) + " annotations._\n\n";
  }
  // The notes above fit in kNoteRoom; what is left goes to the tail.
  size_t used = existing + md.size();
  if (used + kNoteRoom < kMaxSummaryBytes) md += summary_tail(end, kMaxSummaryBytes - 1 - used - kNoteRoom);
  std::FILE* f = std::fopen(options_.step_summary_path.c_str(), "ab");
  bool written = f && std::fwrite(md.data(), 1, md.size(), f) == md.size();
  if (!f || std::fclose(f) != 0 || !written) {
    write_line(command("warning", "wf: cannot write the job summary to " +
                                      options_.step_summary_path + ": " + std::strerror(errno)));
  }
}

}  // namespace wf::status
