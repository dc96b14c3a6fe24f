#include "runner/status/json_printer.h"

#include <algorithm>
#include <chrono>

#include "runner/core/json.h"
#include "runner/core/strings.h"

namespace wf::status {
namespace {

using core::Value;

Value ms(core::Millis d) { return Value(static_cast<long long>(d.count())); }

const char* stream_name(step_api::StepLog::Stream stream) {
  switch (stream) {
    case step_api::StepLog::Stream::kStdout: return "stdout";
    case step_api::StepLog::Stream::kStderr: return "stderr";
    case step_api::StepLog::Stream::kInfo: return "info";
  }
  return "info";
}

Value links_value(const std::vector<std::pair<std::string, std::string>>& links) {
  Value::Array out;
  for (const auto& [title, url] : links)
    out.push_back(Value::Object{{"title", title}, {"url", url}});
  return out;
}

}  // namespace

void JsonPrinter::run_started(const exec::RunStart& start) {
  emit(Value::Object{{"event", "run_started"},
                     {"run_id", start.run_id},
                     {"workflow", start.workflow},
                     {"file", start.file},
                     {"run_dir", start.run_dir},
                     {"steps", static_cast<long long>(start.steps)},
                     {"resumed", start.resumed},
                     {"resumed_from", start.resumed ? Value(start.resumed_from) : Value()}});
}

void JsonPrinter::attempt_started(const exec::AttemptStart& start) {
  emit(Value::Object{{"event", "attempt_started"},
                     {"step", start.step_id},
                     {"type", start.step_type},
                     {"attempt", start.attempt},
                     {"max_attempts", start.max_attempts},
                     {"log_file", start.log_file}});
}

void JsonPrinter::step_line(std::string_view step_id, step_api::StepLog::Stream stream,
                            std::string_view text) {
  // One event per line, however the lines arrived.
  for (size_t begin = 0; begin <= text.size();) {
    size_t nl = std::min(text.find('\n', begin), text.size());
    emit(Value::Object{{"event", "step_line"},
                       {"step", step_id},
                       {"stream", stream_name(stream)},
                       {"text", text.substr(begin, nl - begin)}});
    begin = nl + 1;
  }
}

void JsonPrinter::attempt_finished(const exec::AttemptEnd& end) {
  Value::Object event{{"event", "attempt_finished"},
                      {"step", end.step_id},
                      {"attempt", end.attempt},
                      {"ok", end.ok}};
  if (!end.ok) event.emplace_back("class", core::failure_class_name(end.failure_class));
  event.emplace_back("summary", end.summary);
  event.emplace_back("duration_ms", ms(end.duration));
  if (end.retry_in) event.emplace_back("retry_in_ms", ms(*end.retry_in));
  emit(std::move(event));
}

void JsonPrinter::step_finished(const exec::StepEnd& end) {
  emit(Value::Object{{"event", "step_finished"},
                     {"step", end.step_id},
                     {"outcome", exec::outcome_name(end.outcome)},
                     {"continue_on_error", end.continue_on_error},
                     {"reason", end.reason},
                     {"attempts", end.attempts},
                     {"duration_ms", ms(end.duration)},
                     {"outputs", end.outputs.is_null() ? Value(Value::Object{}) : end.outputs},
                     {"links", links_value(end.links)},
                     {"reused", end.reused}});
}

void JsonPrinter::run_finished(const exec::RunEnd& end) {
  Value::Object steps;
  for (const auto& s : end.steps) steps.emplace_back(s.step_id, exec::outcome_name(s.outcome));
  emit(Value::Object{{"event", "run_finished"},
                     {"run_id", end.run_id},
                     {"run_dir", end.run_dir},
                     {"ok", end.ok},
                     {"cancelled", end.cancelled},
                     {"duration_ms", ms(end.duration)},
                     {"exit_code", end.exit_code},
                     {"steps", std::move(steps)}});
}

void JsonPrinter::emit(const core::Value& event) {
  // Every event says when it happened, right after what it is.
  Value::Object stamped;
  for (const auto& [key, value] : event.as_object()) {
    stamped.emplace_back(key, value);
    if (key == "event") stamped.emplace_back("time", core::utc_timestamp(std::chrono::system_clock::now(), true));
  }
  std::string line = core::to_json(Value(std::move(stamped)));
  line += '\n';
  std::lock_guard lock(mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace wf::status
