#include "runner/status/format.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <cstdio>

namespace wf::status {
namespace {

std::string two_digits(long long n) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02lld", n);
  return buf;
}

std::string whole_seconds(long long s) {
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + two_digits(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + two_digits(s / 60 % 60) + "m";
}

std::string pad_right(std::string s, size_t width) {
  size_t w = display_width(s);
  if (w < width) s.append(width - w, ' ');
  return s;
}

std::string pad_left(const std::string& s, size_t width) {
  size_t w = display_width(s);
  return w < width ? std::string(width - w, ' ') + s : s;
}

std::string table_note(const exec::StepEnd& s) {
  std::string note;
  auto add = [&](std::string_view part) {
    if (part.empty()) return;
    if (!note.empty()) note += "; ";
    note += part;
  };
  if (s.reused) add("reused from an earlier run");
  if (s.continue_on_error) add("continue-on-error");
  add(one_line(s.reason));
  return note;
}

}  // namespace

std::string format_elapsed(core::Millis d) {
  long long ms = std::max<long long>(d.count(), 0);
  if (ms < 1000) return std::to_string(ms) + "ms";
  long long tenths = (ms + 50) / 100;
  if (tenths < 600) return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "s";
  return whole_seconds((tenths + 5) / 10);
}

std::string format_seconds(core::Millis d) {
  return whole_seconds(std::max<long long>(d.count(), 0) / 1000);
}

std::string run_started_text(const exec::RunStart& start) {
  std::string text = "wf: ";
  text += "run " + start.run_id + " of " + one_line(start.workflow) + " (" + std::to_string(start.steps) +
          (start.steps == 1 ? " step" : " steps") + ")";
  if (start.resumed) text += ", resuming run " + (start.resumed_from.empty() ? "?" : one_line(start.resumed_from));
  if (!start.run_dir.empty()) text += ", state in " + one_line(start.run_dir);
  return text;
}

std::string attempt_failed_text(const exec::AttemptEnd& end, int max_attempts, bool with_duration) {
  if (end.ok) return {};
  std::string text;
  if (max_attempts > 1) {
    text = "attempt " + std::to_string(end.attempt) + "/" + std::to_string(max_attempts) + " ";
  }
  text += "failed (";
  text += core::failure_class_name(end.failure_class);
  text += ")";
  if (with_duration) text += " in " + format_elapsed(end.duration);
  if (!end.summary.empty()) text += ": " + one_line(end.summary);
  if (end.retry_in) text += "; retrying in " + format_elapsed(*end.retry_in);
  return text;
}

std::string_view outcome_symbol(const exec::StepEnd& end) {
  switch (end.outcome) {
    case exec::Outcome::kSuccess: return "✓";
    case exec::Outcome::kFailure: return "✗";
    case exec::Outcome::kSkipped: return "–";
    case exec::Outcome::kCancelled: return "⊘";
  }
  return "?";
}

std::string step_finished_text(const exec::StepEnd& end, const std::optional<LastFailure>& last) {
  std::string text = exec::outcome_name(end.outcome);
  switch (end.outcome) {
    case exec::Outcome::kSuccess:
      text += " in " + format_elapsed(end.duration);
      if (end.attempts > 1) text += " (" + std::to_string(end.attempts) + " attempts)";
      if (end.reused) text += " (reused from an earlier run)";
      if (!end.instances.empty()) text += " (" + std::to_string(end.instances.size()) + " instances)";
      break;
    case exec::Outcome::kFailure: {
      std::vector<std::string> notes;
      if (last && end.attempts > 0) notes.push_back(core::failure_class_name(last->failure_class));
      if (end.continue_on_error) notes.push_back("continue-on-error");
      if (!notes.empty()) {
        text += " (" + notes[0];
        for (size_t i = 1; i < notes.size(); ++i) text += ", " + notes[i];
        text += ")";
      }
      if (end.attempts > 0) text += " in " + format_elapsed(end.duration);
      if (end.attempts > 1) text += " after " + std::to_string(end.attempts) + " attempts";
      if (!end.reason.empty() && !(last && last->summary == end.reason)) {
        text += ": " + one_line(end.reason);
      }
      break;
    }
    case exec::Outcome::kSkipped:
      if (!end.reason.empty()) text += ": " + one_line(end.reason);
      break;
    case exec::Outcome::kCancelled:
      if (end.duration.count() > 0) text += " after " + format_elapsed(end.duration);
      if (!end.reason.empty()) text += ": " + one_line(end.reason);
      break;
  }
  return text;
}

namespace {

struct TableRow {
  std::string step, name, outcome, attempts, duration, note;
};

TableRow table_row(const exec::StepEnd& s, bool instance) {
  bool ran = s.attempts > 0 || s.duration.count() > 0;
  return {instance ? "↳ " + one_line(s.step_id) : s.step_id, instance ? "" : one_line(s.step_name),
          exec::outcome_name(s.outcome), std::to_string(s.attempts), ran ? format_elapsed(s.duration) : "-",
          table_note(s)};
}

// Calls f(row) for the header and every step, a matrix step's instances
// under it: rows are made twice (widths, then text), never all held at once.
template <class F>
void for_each_row(const std::vector<exec::StepEnd>& steps, F&& f) {
  f(TableRow{"step", "name", "outcome", "attempts", "duration", "note"});
  for (const auto& s : steps) {
    f(table_row(s, false));
    for (const auto& i : s.instances) f(table_row(i, true));
  }
}

}  // namespace

std::string summary_table(const std::vector<exec::StepEnd>& steps) {
  // A name column only when some step has a `name:` of its own.
  bool names = std::any_of(steps.begin(), steps.end(), [](const auto& s) { return !s.step_name.empty(); });
  size_t w[5] = {0, 0, 0, 0, 0};
  size_t notes = 0;
  for_each_row(steps, [&](const TableRow& r) {
    w[0] = std::max(w[0], display_width(r.step));
    w[1] = std::max(w[1], display_width(r.name));
    w[2] = std::max(w[2], display_width(r.outcome));
    w[3] = std::max(w[3], display_width(r.attempts));
    w[4] = std::max(w[4], display_width(r.duration));
    if (!r.note.empty()) notes += r.note.size() + 2;
  });
  std::string out;
  // Enough for ASCII rows, so the text is not copied as it grows.
  size_t row = 2 + w[0] + 2 + (names ? w[1] + 2 : 0) + w[2] + 2 + w[3] + 2 + w[4] + 1;
  out.reserve(row * (1 + steps.size()) + notes);
  for_each_row(steps, [&](const TableRow& r) {
    out += "  ";
    out += pad_right(r.step, w[0]);
    out += "  ";
    if (names) {
      out += pad_right(r.name, w[1]);
      out += "  ";
    }
    out += pad_right(r.outcome, w[2]);
    out += "  ";
    out += pad_left(r.attempts, w[3]);
    out += "  ";
    out += pad_left(r.duration, w[4]);
    if (!r.note.empty()) {
      out += "  ";
      out += r.note;
    }
    out += "\n";
  });
  return out;
}

std::string_view run_verdict(const exec::RunEnd& end) {
  if (end.cancelled || end.exit_code == 130) return "interrupted";
  return end.ok ? "succeeded" : "failed";
}

std::string run_finished_text(const exec::RunEnd& end, std::string_view workflow,
                              std::string_view file) {
  std::string text = "wf: " + one_line(workflow) + " " + std::string(run_verdict(end)) + " in " +
                     format_elapsed(end.duration);
  if (!end.run_id.empty()) text += " (run " + end.run_id + ")";
  text += "\n";
  if (!end.ok && !file.empty()) {
    text += one_line("resume with: wf run " + shell_quote(file) + " --resume") + "\n";
  }
  return text;
}

std::string shell_quote(std::string_view s) {
  bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_./=:@%+-").find(c) != std::string_view::npos;
  });
  if (plain) return std::string(s);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string one_line(std::string_view text) {
  std::string out(text);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return out;
}

size_t display_width(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

namespace {

// Bytes clean_line() changes or drops: control characters but tab, DEL.
bool is_special(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7F; }

// The index of the first special byte of `text` (its size if none), eight
// bytes at a time: a word is looked at byte by byte only when it may hold a
// control character or DEL (a tab makes it look so too).
size_t first_special(std::string_view text) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
    uint64_t x = w ^ (kOnes * 0x7F);
    uint64_t del = (x - kOnes) & ~x & kHigh;
    if ((below_space | del) != 0) break;
  }
  while (i < text.size() && !is_special(static_cast<unsigned char>(text[i]))) ++i;
  return i;
}

}  // namespace

std::string clean_line(std::string_view text, bool keep_sgr) {
  std::string out;
  append_clean_line(out, text, keep_sgr);
  return out;
}

void append_clean_line(std::string& out, std::string_view text, bool keep_sgr) {
  while (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  // Most lines have nothing to clean: copied whole.
  size_t first = first_special(text);
  if (first == text.size()) {
    out.append(text);
    return;
  }
  // What a terminal shows of a line with carriage returns: the part after the last.
  if (const void* cr = ::memrchr(text.data(), '\r', text.size())) {
    text.remove_prefix(static_cast<size_t>(static_cast<const char*>(cr) - text.data()) + 1);
    first = first_special(text);
  }
  out.append(text.substr(0, first));
  if (first == text.size()) return;
  bool kept_sgr = false;
  for (size_t i = first; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0x1B) {
      // ESC [ params final (CSI), ESC ] ... BEL or ESC \ (OSC), or ESC + one char.
      size_t j = i + 1;
      if (j < text.size() && text[j] == '[') {
        ++j;
        while (j < text.size() && !(text[j] >= 0x40 && text[j] <= 0x7E)) ++j;
        if (keep_sgr && j < text.size() && text[j] == 'm') {
          out.append(text.substr(i, j - i + 1));
          kept_sgr = true;
        }
      } else if (j < text.size() && text[j] == ']') {
        while (j < text.size() && text[j] != '\a' && !(text[j] == '\\' && text[j - 1] == 0x1B)) ++j;
      }
      i = std::min(j, text.size());
      continue;
    }
    out += is_special(c) ? '?' : static_cast<char>(c);
  }
  if (kept_sgr) out += "\033[0m";
}

}  // namespace wf::status
