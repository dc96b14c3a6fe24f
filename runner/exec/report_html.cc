// report.html: the run's data as one JSON value, embedded in the page
// template (report_html.html, compiled in as kReportHtmlTemplate).

#include "runner/exec/report_html.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

#include "runner/core/json.h"
#include "runner/exec/run_state.h"
#include "runner/exec/state.h"
#include "runner/graph/dag.h"

namespace wf::exec {

// Generated from report_html.html by CMake (report_html_template.cc.in).
extern const char* const kReportHtmlTemplate;

namespace fs = std::filesystem;
using detail::RunShared;
using detail::StepState;

namespace {

constexpr std::string_view kDataMarker = "WF_REPORT_DATA_JSON";

double ms(Millis m) { return static_cast<double>(m.count()); }

// The log file's path relative to the run's folder ("logs/a.1.log").
std::string relative_log(const std::string& run_dir, const std::string& log_file) {
  std::string prefix = run_dir + "/";
  return log_file.rfind(prefix, 0) == 0 ? log_file.substr(prefix.size()) : log_file;
}

Value attempt_data(const RunShared& run, const detail::AttemptRecord& a, size_t& budget) {
  LogTail tail = read_log_tail(a.log_file, std::min(kLogTailBytes, budget));
  budget -= std::min(budget, tail.text.size());
  return Value(Value::Object{{"attempt", a.attempt},
                             {"ok", a.ok},
                             {"class", a.ok ? Value() : Value(core::failure_class_name(a.failure_class))},
                             {"summary", a.summary},
                             {"start_ms", ms(a.start)},
                             {"duration_ms", ms(a.duration)},
                             {"retry_delay_ms", ms(a.retry_delay)},
                             {"log", relative_log(run.run_dir, a.log_file)},
                             {"log_tail", tail.text},
                             {"log_truncated", tail.truncated}});
}

Value step_data(const RunShared& run, const StepState& s, bool critical, size_t& budget) {
  Value::Array needs, attempts, links;
  for (const auto& n : s.step->needs) needs.push_back(Value(n.id));
  for (const auto& a : s.attempts) attempts.push_back(attempt_data(run, a, budget));
  for (const auto& [title, url] : s.links) links.push_back(Value(Value::Object{{"title", title}, {"url", url}}));
  return Value(Value::Object{{"id", s.step->id},
                             {"name", s.step->name},
                             {"uses", s.step->uses},
                             {"needs", Value(std::move(needs))},
                             {"outcome", outcome_name(s.outcome)},
                             {"continue_on_error", s.step->continue_on_error},
                             {"reason", s.reason},
                             {"reused", s.reused},
                             {"selected", s.selected},
                             {"critical", critical},
                             {"start_ms", s.start ? Value(ms(*s.start)) : Value()},
                             {"duration_ms", ms(s.duration)},
                             {"outputs", s.outputs},
                             {"links", Value(std::move(links))},
                             {"attempts", Value(std::move(attempts))}});
}

// When each step ended (since the run started), unset for steps that ran no attempt.
std::vector<std::optional<Millis>> step_ends(const std::vector<StepState>& states) {
  std::vector<std::optional<Millis>> ends;
  for (const auto& s : states) {
    if (s.start && !s.attempts.empty()) ends.push_back(*s.start + s.duration);
    else ends.emplace_back();
  }
  return ends;
}

Value secret_names(const model::Workflow& wf) {
  Value::Array names;
  for (const auto& d : wf.secrets) names.push_back(Value(d.name));
  return Value(std::move(names));
}

}  // namespace

std::string escape_script_json(std::string_view json) {
  std::string out;
  out.reserve(json.size() + json.size() / 16);
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else if (c == '\xE2' && i + 2 < json.size() && json[i + 1] == '\x80' && (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
      out += json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_report_html(const core::Value& data) {
  std::string_view tpl = kReportHtmlTemplate;
  size_t at = tpl.find(kDataMarker);
  if (at == std::string_view::npos) return std::string(tpl);  // a broken template; the test of the page finds it
  std::string page(tpl.substr(0, at));
  page += escape_script_json(core::to_json(data));
  page += tpl.substr(at + kDataMarker.size());
  return page;
}

LogTail read_log_tail(const std::string& path, size_t max_bytes) {
  LogTail tail;
  std::ifstream in(path, std::ios::binary);
  if (!in) return tail;
  in.seekg(0, std::ios::end);
  auto size = static_cast<size_t>(std::max<std::streamoff>(0, in.tellg()));
  size_t from = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(from));
  tail.text.resize(size - from);
  in.read(tail.text.data(), static_cast<std::streamsize>(tail.text.size()));
  tail.text.resize(static_cast<size_t>(std::max<std::streamsize>(0, in.gcount())));
  if (from > 0) {
    tail.truncated = true;
    // Start at a line: never in the middle of a line (or of a UTF-8 character).
    size_t nl = tail.text.find('\n');
    tail.text.erase(0, nl == std::string::npos ? tail.text.size() : nl + 1);
  }
  return tail;
}

std::vector<size_t> critical_path(const std::vector<std::optional<Millis>>& ends,
                                  const std::vector<std::vector<size_t>>& needs) {
  std::optional<size_t> last;
  for (size_t i = 0; i < ends.size(); ++i)
    if (ends[i] && (!last || *ends[i] > *ends[*last])) last = i;
  std::vector<size_t> chain;
  while (last) {
    chain.push_back(*last);
    std::optional<size_t> next;
    for (size_t n : needs[*last])
      if (n < ends.size() && ends[n] && (!next || *ends[n] > *ends[*next])) next = n;
    last = next;
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

namespace {

// The page's data object without its steps ("steps": [] last).
Value page_head(const RunShared& run, const RunEnd& end) {
  Value::Object outputs;
  for (const auto& [k, v] : end.outputs) outputs.emplace_back(k, v);
  return Value(Value::Object{{"run_id", end.run_id},
                             {"workflow", run.values.workflow},
                             {"description", run.wf->description},
                             {"file", run.wf->file},
                             {"started_at", run.started_at},
                             {"ok", end.ok},
                             {"cancelled", end.cancelled},
                             {"exit_code", end.exit_code},
                             {"duration_ms", ms(end.duration)},
                             {"inputs", run.values.inputs},
                             {"secrets", secret_names(*run.wf)},
                             {"outputs", Value(std::move(outputs))},
                             {"steps", Value(Value::Array{})}});
}

// One piece of the page's data: masked (a secret registered late in the run
// is masked here too), as JSON, safe inside the <script> element. Pieces
// split the JSON text between values, so no escape spans two of them.
std::string page_piece(const RunShared& run, const Value& v) {
  return escape_script_json(core::to_json(run.masked(v)));
}

}  // namespace

void write_report_page_data(const RunShared& run, const std::vector<StepState>& states, const RunEnd& end,
                            const std::function<void(std::string_view)>& out) {
  std::string head = page_piece(run, page_head(run, end));
  constexpr std::string_view kEmptySteps = "[]}";
  if (states.empty() || head.size() < kEmptySteps.size() ||
      head.compare(head.size() - kEmptySteps.size(), kEmptySteps.size(), kEmptySteps) != 0) {
    out(head);
    return;
  }
  head.resize(head.size() - kEmptySteps.size());
  head += "[";
  out(head);
  std::vector<bool> critical(states.size(), false);
  for (size_t i : critical_path(step_ends(states), graph::need_indexes(*run.wf))) critical[i] = true;
  size_t budget = kLogTailTotalBytes;
  for (size_t i = 0; i < states.size(); ++i) {
    if (i > 0) out(",");
    out(page_piece(run, step_data(run, states[i], critical[i], budget)));
  }
  out("]}");
}

core::Expected<bool, std::string> write_report_html(const RunShared& run, const std::vector<StepState>& states,
                                                    const RunEnd& end) {
  AtomicFile file((fs::path(run.run_dir) / "report.html").string());
  std::string_view tpl = kReportHtmlTemplate;
  size_t at = tpl.find(kDataMarker);
  if (at == std::string_view::npos) {
    file.write(tpl);  // a broken template; the test of the page finds it
    return file.commit();
  }
  file.write(tpl.substr(0, at));
  write_report_page_data(run, states, end, [&](std::string_view piece) { file.write(piece); });
  file.write(tpl.substr(at + kDataMarker.size()));
  return file.commit();
}

}  // namespace wf::exec
