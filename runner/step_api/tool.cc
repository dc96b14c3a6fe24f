#include "runner/step_api/tool.h"

#include <cstdlib>

#include "runner/core/strings.h"
#include "runner/step_api/line_splitter.h"

namespace wf::step_api {

namespace {

// Appends, keeping at least the last `limit` bytes (at most 2 × limit: the
// front is cut once per `limit` bytes appended, so each byte moves once).
void keep_tail(std::string& s, std::string_view chunk, size_t limit) {
  if (chunk.size() >= limit) {
    s.assign(chunk.substr(chunk.size() - limit));
    return;
  }
  if (s.size() + chunk.size() > 2 * limit) s.erase(0, s.size() + chunk.size() - limit);
  s.append(chunk);
}

std::string shown_command(const std::string& program, const std::vector<std::string>& args) {
  std::string shown = program;
  for (const auto& a : args) shown += " " + a;
  return shown;
}

}  // namespace

std::string ToolRun::describe() const {
  if (not_found)
    return program + " not found on PATH" + (install_hint.empty() ? "" : " (install: " + install_hint + ")");
  if (!process.started) return "could not start " + program + ": " + process.error;
  if (process.timed_out) return program + " timed out";
  if (process.cancelled) return program + " was stopped";
  if (process.signal) return program + " was killed by " + core::signal_description(process.signal);
  return program + " failed (exit code " + std::to_string(process.exit_code) + ")";
}

StepResult ToolRun::failure(core::FailureClass on_exit) const {
  if (stopped()) return StepResult::failure(core::FailureClass::kCancelled, describe());
  if (not_found || !process.started) return StepResult::failure(core::FailureClass::kPermanent, describe());
  std::string why = last_line(err.empty() ? output : err);
  return StepResult::failure(on_exit, describe() + (why.empty() ? "" : ": " + why));
}

ToolRun run_tool(StepContext& ctx, const ToolCall& call) {
  using Stream = StepLog::Stream;
  ToolRun run;
  run.install_hint = call.install_hint;
  run.program = call.program.substr(call.program.rfind('/') == std::string::npos ? 0 : call.program.rfind('/') + 1);

  services::ProcessSpec spec;
  spec.env = ctx.env;
  for (const auto& [k, v] : call.env) {
    if (v)
      spec.env[k] = *v;
    else
      spec.env.erase(k);
  }
  spec.argv.push_back(call.program);
  spec.argv.insert(spec.argv.end(), call.args.begin(), call.args.end());
  spec.cwd = call.cwd.empty() ? ctx.working_directory : call.cwd;
  spec.stdin_data = call.stdin_data;
  spec.timeout = call.timeout;
  spec.stop = ctx.stop;
  if (call.log_command) ctx.log->info(shown_command(run.program, call.args));

  LineSplitter out([&](std::string_view l) {
    if (call.log_stdout) ctx.log->line(Stream::kStdout, l);
  });
  LineSplitter err([&](std::string_view l) {
    if (call.log_stderr) ctx.log->line(Stream::kStderr, l);
  });
  spec.on_stdout = [&](std::string_view c) {
    keep_tail(run.out, c, call.keep_bytes);
    keep_tail(run.output, c, call.keep_bytes);
    ctx.log->hold();
    out.write(c);
    ctx.log->release();
  };
  spec.on_stderr = [&](std::string_view c) {
    keep_tail(run.err, c, call.keep_bytes);
    keep_tail(run.output, c, call.keep_bytes);
    ctx.log->hold();
    err.write(c);
    ctx.log->release();
  };
  run.process = ctx.processes->run(spec, *ctx.cancel);
  out.flush();
  err.flush();
  if (!run.process.started && !run.process.cancelled) {
    // The runner looks the program up on the child's PATH; say plainly when
    // that is why it did not start.
    auto path = spec.env.find("PATH");
    const char* own = std::getenv("PATH");
    run.not_found =
        core::find_on_path(call.program, path != spec.env.end() ? path->second : (own ? own : "")).empty();
  }
  return run;
}

std::string last_line(std::string_view text) {
  size_t end = text.find_last_not_of("\r\n \t");
  if (end == std::string_view::npos) return {};
  size_t start = text.rfind('\n', end);
  start = start == std::string_view::npos ? 0 : start + 1;
  return std::string(text.substr(start, end - start + 1));
}

}  // namespace wf::step_api
