// report.json: each step (a matrix step with its instances), written one
// step at a time.

#include "runner/core/json.h"
#include "runner/exec/run_state.h"
#include "runner/exec/state.h"

namespace wf::exec::detail {

namespace {

Value outputs_json(const std::vector<std::pair<std::string, std::string>>& outputs) {
  Value::Object o;
  for (const auto& [k, v] : outputs) o.emplace_back(k, v);
  return Value(std::move(o));
}

// One step's entry in report.json.
Value report_step(const RunShared& run, const StepState& s) {
  Value::Array attempts;
  for (const auto& a : s.attempts)
    attempts.push_back(Value(Value::Object{{"attempt", a.attempt},
                                           {"ok", a.ok},
                                           {"class", a.ok ? Value() : Value(core::failure_class_name(a.failure_class))},
                                           {"summary", a.summary},
                                           {"duration_ms", static_cast<double>(a.duration.count())},
                                           {"log", a.log_file}}));
  Value::Array links;
  for (const auto& [title, url] : s.links) links.push_back(Value(Value::Object{{"title", title}, {"url", url}}));
  Value::Array instances;
  for (const auto& inst : s.instances) instances.push_back(report_step(run, inst));
  Value::Object out{{"id", s.id},
                             {"uses", s.step->uses},
                             {"outcome", outcome_name(s.outcome)},
                             {"continue_on_error", s.step->continue_on_error},
                             {"reason", s.reason},
                             {"reused", s.reused},
                             {"duration_ms", static_cast<double>(s.duration.count())},
                             {"attempts", Value(std::move(attempts))},
                             {"outputs", run.masked(s.outputs)},
                             {"links", Value(std::move(links))}};
  if (!s.matrix.is_null()) out.emplace_back("matrix", run.masked(s.matrix));
  if (s.step->matrix && s.instance < 0) out.emplace_back("instances", Value(std::move(instances)));
  return Value(std::move(out));
}

}  // namespace

// report.json (indented by 2), written to run_dir/report.json one step at a
// time: the whole report as one value (or one string) was the peak of a
// large run's memory.
core::Expected<bool, std::string> write_report_json(const RunShared& run, const std::vector<StepState>& states,
                                                    const RunEnd& end) {
  Value head(Value::Object{{"run_id", end.run_id},
                           {"workflow", run.values.workflow},
                           {"file", run.wf->file},
                           {"ok", end.ok},
                           {"cancelled", end.cancelled},
                           {"exit_code", end.exit_code},
                           {"duration_ms", static_cast<double>(end.duration.count())},
                           {"inputs", run.masked(run.values.inputs)},
                           {"outputs", outputs_json(end.outputs)},
                           {"steps", Value(Value::Array{})}});
  AtomicFile file(run.run_dir + "/report.json");
  std::string out = core::to_json(head, 2);
  if (states.empty()) {
    file.write(out);
    file.write("\n");
    return file.commit();
  }
  // Replace the empty steps array ("[]\n}" at the end) with the steps.
  out.resize(out.size() - std::string_view("[]\n}").size());
  out += "[";
  for (size_t i = 0; i < states.size(); ++i) {
    out += i == 0 ? "\n    " : ",\n    ";
    core::append_json(out, report_step(run, states[i]), 2, 2);
    file.write(out);
    out.clear();
  }
  file.write("\n  ]\n}\n");
  return file.commit();
}

}  // namespace wf::exec::detail
