#include "runner/status/console_printer.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>

namespace wf::status {
namespace {

constexpr std::array<std::string_view, 10> kSpinner = {"⠋", "⠙", "⠹", "⠸", "⠼",
                                                       "⠴", "⠦", "⠧", "⠇", "⠏"};
constexpr const char* kBold = "1";
constexpr const char* kDim = "2";
constexpr const char* kRed = "31";
constexpr const char* kGreen = "32";
constexpr const char* kYellow = "33";

core::Millis since(ConsolePrinter::Clock::time_point from, ConsolePrinter::Clock::time_point to) {
  return std::chrono::duration_cast<core::Millis>(to - from);
}

// The longest prefix of `s` that is at most `width` code points.
std::string cut_to_width(const std::string& s, size_t width) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (seen++ == width) return s.substr(0, i);
  }
  return s;
}

}  // namespace

ConsolePrinter::ConsolePrinter(std::FILE* out, Options options)
    : out_(out), options_(std::move(options)) {}

ConsolePrinter::~ConsolePrinter() {
  stop_ticker();
  std::lock_guard lock(mu_);
  clear_status_locked();
  std::fflush(out_);
}

ConsolePrinter::Clock::time_point ConsolePrinter::now() const {
  return options_.now ? options_.now() : Clock::now();
}

std::string ConsolePrinter::paint(std::string_view text, const char* sgr) const {
  if (!options_.color) return std::string(text);
  return "\033[" + std::string(sgr) + "m" + std::string(text) + "\033[0m";
}

std::string ConsolePrinter::prefix(std::string_view step_id) const {
  return paint("[" + std::string(step_id) + "]", kBold) + " ";
}

void ConsolePrinter::run_started(const exec::RunStart& start) {
  {
    std::lock_guard lock(mu_);
    total_ = start.steps;
    done_ = 0;
    run_started_ = now();
    workflow_ = start.workflow;
    file_ = start.file;
    running_.clear();
    failures_.clear();
    print_locked({run_started_text(start)});
  }
  if (options_.tty) start_ticker();
}

void ConsolePrinter::attempt_started(const exec::AttemptStart& start) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(running_.begin(), running_.end(),
                         [&](const Running& r) { return r.step_id == start.step_id; });
  if (it == running_.end()) {
    running_.push_back({start.step_id, now(), start.attempt, start.max_attempts, std::nullopt});
  } else {
    it->attempt = start.attempt;
    it->max_attempts = start.max_attempts;
    it->retry_at.reset();
  }
  std::string text = start.attempt > 1 ? "attempt " + std::to_string(start.attempt) + "/" +
                                             std::to_string(start.max_attempts) + " started"
                                       : "started";
  if (!start.step_name.empty()) text += ": " + start.step_name;
  if (!start.step_type.empty()) text += " (" + start.step_type + ")";
  print_locked({prefix(start.step_id) + paint(text, kDim)});
}

void ConsolePrinter::step_line(std::string_view step_id, step_api::StepLog::Stream stream,
                               std::string_view text) {
  if (text.ends_with('\n')) text.remove_suffix(1);
  // One block, one write: a chunk of a step's output is many lines.
  const std::string head = prefix(step_id);
  std::string block;
  block.reserve(text.size() + 64);
  for (size_t begin = 0; begin <= text.size();) {
    size_t nl = std::min(text.find('\n', begin), text.size());
    block.append(head);
    append_clean_line(block, text.substr(begin, nl - begin), options_.color);
    begin = nl + 1;
    if (begin <= text.size()) block.push_back('\n');
  }
  std::lock_guard lock(mu_);
  print_block_locked(block);
}

void ConsolePrinter::attempt_finished(const exec::AttemptEnd& end) {
  if (end.ok) return;  // the step's end line says it
  std::lock_guard lock(mu_);
  auto it = std::find_if(running_.begin(), running_.end(),
                         [&](const Running& r) { return r.step_id == end.step_id; });
  failures_[end.step_id] = LastFailure{end.failure_class, end.summary};
  int max_attempts = it == running_.end() ? end.attempt : it->max_attempts;
  if (it != running_.end() && end.retry_in) it->retry_at = now() + *end.retry_in;
  std::string text = attempt_failed_text(end, max_attempts);
  print_locked({prefix(end.step_id) + paint(text, end.retry_in ? kYellow : kRed)});
}

void ConsolePrinter::step_finished(const exec::StepEnd& end) {
  std::lock_guard lock(mu_);
  std::erase_if(running_, [&](const Running& r) { return r.step_id == end.step_id; });
  ++done_;
  if (!end.selected) return;  // --only: the summary lists what was left out, once
  std::optional<LastFailure> last;
  if (auto it = failures_.find(end.step_id); it != failures_.end()) last = it->second;
  const char* sgr = kGreen;
  if (end.outcome == exec::Outcome::kFailure) sgr = end.continue_on_error ? kYellow : kRed;
  if (end.outcome == exec::Outcome::kSkipped || end.outcome == exec::Outcome::kCancelled)
    sgr = kDim;
  std::string text = std::string(outcome_symbol(end)) + " " + step_finished_text(end, last);
  print_locked({prefix(end.step_id) + paint(text, sgr)});
}

void ConsolePrinter::run_finished(const exec::RunEnd& end) {
  stop_ticker();
  std::lock_guard lock(mu_);
  running_.clear();
  // An empty line, the table (one line per step: written as the block it
  // is, not split into a copy per line), then the verdict.
  std::vector<std::string> lines;
  const std::string text = run_finished_text(end, workflow_.empty() ? "workflow" : workflow_, file_);
  for (size_t begin = 0; begin < text.size();) {
    size_t nl = text.find('\n', begin);
    lines.push_back(text.substr(begin, nl - begin));
    begin = nl == std::string::npos ? text.size() : nl + 1;
  }
  if (!lines.empty()) lines[0] = paint(lines[0], end.ok ? kGreen : kRed);
  clear_status_locked();
  std::fputc('\n', out_);
  const std::string table = summary_table(end.steps);
  std::fwrite(table.data(), 1, table.size(), out_);
  if (!table.empty() && table.back() != '\n') std::fputc('\n', out_);
  for (const auto& line : lines) {
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fputc('\n', out_);
  }
  draw_status_locked();
  std::fflush(out_);
}

std::string ConsolePrinter::status_text() {
  std::lock_guard lock(mu_);
  return status_locked(std::string::npos);
}

void ConsolePrinter::print(const std::vector<std::string>& lines) {
  std::lock_guard lock(mu_);
  print_locked(lines);
}

void ConsolePrinter::print_locked(const std::vector<std::string>& lines) {
  clear_status_locked();
  for (const auto& line : lines) {
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fputc('\n', out_);
  }
  draw_status_locked();
  std::fflush(out_);
}

void ConsolePrinter::print_block_locked(std::string_view block) {
  clear_status_locked();
  std::fwrite(block.data(), 1, block.size(), out_);
  std::fputc('\n', out_);
  draw_status_locked();
  std::fflush(out_);
}

std::string ConsolePrinter::status_locked(size_t max_width) const {
  if (running_.empty()) return {};
  Clock::time_point t = now();
  std::vector<std::string> items;
  for (const auto& r : running_) {
    // A step waiting for its next attempt shows when that starts (rounded up).
    std::string item = r.retry_at ? r.step_id + ": retry " + std::to_string(r.attempt + 1) + " in " +
                                        format_seconds(since(t, *r.retry_at) + core::Millis(999))
                                  : r.step_id + " " + format_seconds(since(r.started, t));
    if (!r.retry_at && r.attempt > 1)
      item += " (" + std::to_string(r.attempt) + "/" + std::to_string(r.max_attempts) + ")";
    items.push_back(std::move(item));
  }
  std::string head = std::string(kSpinner[frame_ % kSpinner.size()]) + " " +
                     format_seconds(run_started_ ? since(*run_started_, t) : core::Millis(0)) + " │ " +
                     std::to_string(running_.size()) + " running: ";
  std::string tail = " │ " + std::to_string(done_) + "/" + std::to_string(total_) + " done";
  size_t busy = done_ + running_.size();
  if (total_ > busy) tail += ", " + std::to_string(total_ - busy) + " to come";
  // Drop running steps from the end, as "+N more", until the line fits.
  for (size_t shown = items.size();; --shown) {
    std::string line = head;
    for (size_t i = 0; i < shown; ++i) line += (i ? ", " : "") + items[i];
    if (shown < items.size())
      line += (shown ? ", +" : "+") + std::to_string(items.size() - shown) + " more";
    line += tail;
    if (display_width(line) <= max_width) return line;
    if (shown == 0) return cut_to_width(line, max_width);
  }
}

void ConsolePrinter::draw_status_locked() {
  if (!options_.tty || stop_ || !ticker_.joinable()) return;
  size_t width = columns();
  std::string line = status_locked(width > 1 ? width - 1 : width);
  if (line.empty()) return;
  std::string drawn = "\r\033[K" + (options_.color ? paint(line, kDim) : line);
  std::fwrite(drawn.data(), 1, drawn.size(), out_);
  status_shown_ = true;
}

void ConsolePrinter::clear_status_locked() {
  if (!status_shown_) return;
  std::fputs("\r\033[K", out_);
  status_shown_ = false;
}

size_t ConsolePrinter::columns() const {
  if (options_.columns > 0) return static_cast<size_t>(options_.columns);
  winsize ws{};
  if (ioctl(fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

void ConsolePrinter::start_ticker() {
  std::lock_guard lock(mu_);
  if (ticker_.joinable()) return;
  stop_ = false;
  ticker_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      if (wake_.wait_for(lock, options_.refresh, [this] { return stop_; })) break;
      ++frame_;
      draw_status_locked();
      std::fflush(out_);
    }
  });
}

void ConsolePrinter::stop_ticker() {
  std::thread ticker;
  {
    std::lock_guard lock(mu_);
    if (!ticker_.joinable()) return;
    clear_status_locked();
    std::fflush(out_);
    stop_ = true;
    ticker = std::move(ticker_);
  }
  wake_.notify_all();
  ticker.join();
}

}  // namespace wf::status
