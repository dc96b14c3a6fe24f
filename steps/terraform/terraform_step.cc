#include "steps/terraform/terraform_step.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include "runner/core/json.h"
#include "runner/core/strings.h"
#include "runner/step_api/tool.h"
#include "steps/terraform/classify.h"
#include "steps/terraform/options.h"

namespace wf::steps {

namespace fs = std::filesystem;
using step_api::StepContext;
using step_api::StepLog;
using step_api::StepResult;
using terraform::Action;
using terraform::Options;

namespace {

constexpr const char* kNotFound =
    "terraform not found in PATH; install it (https://developer.hashicorp.com/terraform/install) or put it on PATH";
constexpr size_t kKeptOutput = 1 << 20;  // of a command's output, for classifying its failure
constexpr size_t kKeptStdout = size_t(1) << 30;  // `output -json`, a plan: read whole

std::string last_line_starting(const std::string& text, std::string_view prefix) {
  std::string found;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + start, nl - start);
    if (line.substr(0, prefix.size()) == prefix) found = std::string(line);
    start = nl + 1;
  }
  return found;
}

// Without the empty lines terraform puts before and after its plan.
std::string trim_blank_lines(const std::string& text) {
  size_t begin = text.find_first_not_of("\n");
  if (begin == std::string::npos) return {};
  size_t end = text.find_last_not_of("\n");
  return text.substr(begin, end - begin + 1) + "\n";
}

struct Command {
  services::ProcessResult result;
  std::string stdout_text;  // the whole of stdout, when asked for
  std::string output;       // stdout and stderr lines as they came (the last kKeptOutput bytes)
};

/// One step attempt's terraform session: its options, binary and
/// environment, and how each command is run, logged and judged.
class Session {
 public:
  Session(StepContext& ctx, Options options, std::string binary)
      : ctx_(ctx), o_(std::move(options)), binary_(std::move(binary)) {
    env_["TF_IN_AUTOMATION"] = "1";
    for (const auto& [name, value] : o_.vars) env_["TF_VAR_" + name] = value;
    // With a `workspace`, init and `workspace select` must not be overridden
    // by an inherited TF_WORKSPACE; later commands pin the workspace so that
    // another run selecting a different one in `dir` cannot redirect them.
    if (!o_.workspace.empty()) env_["TF_WORKSPACE"] = std::nullopt;
  }

  const Options& options() const { return o_; }
  std::string plan_file() const { return (fs::absolute(ctx_.attempt_dir) / "tfplan").string(); }

  /// The saved plan, moved out of the attempt directory (which the executor
  /// removes when the attempt ends) into the step's directory, its parent,
  /// so that the `plan-file` output stays valid for later steps.
  std::string keep_plan_file() {
    fs::path kept = fs::absolute(ctx_.attempt_dir).parent_path() / "plan.tfplan";
    std::error_code ec;
    fs::rename(plan_file(), kept, ec);
    if (ec) return plan_file();
    fs::permissions(kept, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
    ctx_.log->info("saved plan: " + kept.string() + " (it holds the variables' values: keep it private)");
    return kept.string();
  }

  /// Runs `terraform ARGS` in dir, its lines to the step log (stdout kept
  /// in Command::stdout_text too when `keep_stdout`; not logged when
  /// `quiet_stdout`).
  Command run(const std::vector<std::string>& args, bool keep_stdout = false, bool quiet_stdout = false) {
    step_api::ToolCall call;
    call.program = binary_;
    call.args = args;
    call.env = env_;
    call.cwd = o_.dir;
    call.log_stdout = !quiet_stdout;
    call.keep_bytes = keep_stdout ? kKeptStdout : kKeptOutput;
    step_api::ToolRun r = step_api::run_tool(ctx_, call);
    Command c;
    c.result = std::move(r.process);
    if (keep_stdout) c.stdout_text = std::move(r.out);
    c.output = std::move(r.output);
    return c;
  }

  /// The failure of a command that did not succeed.
  StepResult failure(const std::string& what, const Command& c) const {
    const auto& r = c.result;
    if (r.cancelled || r.timed_out || (!r.started && ctx_.cancel->cancelled()))
      return StepResult::failure(core::FailureClass::kCancelled, "stopped during terraform " + what);
    if (!r.started) return StepResult::failure(core::FailureClass::kPermanent, r.error);
    terraform::Diagnosis d = terraform::classify_failure(c.output);
    std::string how = r.signal ? "killed by " + core::signal_description(r.signal)
                               : "exit code " + std::to_string(r.exit_code);
    return StepResult::failure(d.failure_class, "terraform " + what + " failed (" + how + "): " + d.message);
  }

  /// init, then the workspace. nullopt when both succeeded.
  std::optional<StepResult> prepare(bool select_workspace) {
    std::string backend_file;
    if (o_.backend_config_map.is_object()) {
      backend_file = (fs::absolute(ctx_.attempt_dir) / "backend-config.tfbackend").string();
      if (backend_file.find('=') != std::string::npos)
        return StepResult::failure(core::FailureClass::kPermanent,
                                   "backend-config: the attempt directory " + ctx_.attempt_dir +
                                       " contains '=', which terraform reads as KEY=VALUE");
      if (!write_private(backend_file, *terraform::backend_config_hcl(o_.backend_config_map)))
        return StepResult::failure(core::FailureClass::kPermanent, "cannot write " + backend_file);
    }
    Command init = run(terraform::init_args(o_, backend_file));
    // terraform has read it; its values (perhaps keys) need not stay on disk.
    if (!backend_file.empty()) fs::remove(backend_file, ec_ignored_);
    if (!init.result.success()) return failure("init", init);
    if (!o_.workspace.empty()) {
      if (select_workspace) {
        Command ws = run(terraform::workspace_args(o_));
        if (!ws.result.success()) return failure("workspace select", ws);
      }
      env_["TF_WORKSPACE"] = o_.workspace;
    }
    return std::nullopt;
  }

  /// The plan into plan_file(); sets `changes`.
  std::optional<StepResult> plan(bool destroy, bool& changes, std::string* text = nullptr) {
    Command c = run(terraform::plan_args(o_, plan_file(), destroy), text != nullptr);
    // -detailed-exitcode: 0 no changes, 1 error, 2 changes.
    const auto& r = c.result;
    bool with_changes = r.started && !r.cancelled && !r.timed_out && r.signal == 0 && r.exit_code == 2;
    if (!r.success() && !with_changes) return failure("plan", c);
    changes = c.result.exit_code == 2;
    if (text) *text = std::move(c.stdout_text);
    return std::nullopt;
  }

  /// `terraform output -json` as step outputs; sensitive values are
  /// registered as secrets first.
  std::optional<StepResult> outputs(StepResult& into) {
    Command c = run(terraform::output_args(o_), true, true);
    if (!c.result.success()) return failure("output", c);
    auto json = core::parse_json(c.stdout_text);
    if (!json || !json->is_object())
      return StepResult::failure(core::FailureClass::kPermanent, "terraform output -json printed no JSON object");
    for (const auto& [name, entry] : json->as_object()) {
      const core::Value* value = entry.find("value");
      if (!value) continue;
      std::string text = value->is_string() ? value->as_string() : core::to_json(*value);
      const core::Value* sensitive = entry.find("sensitive");
      if (sensitive && sensitive->is_bool() && sensitive->as_bool()) register_secret(*value, text);
      into.outputs.emplace_back(name, core::Value(text));
    }
    std::string names;
    for (const auto& [name, v] : into.outputs) names += (names.empty() ? "" : ", ") + name;
    ctx_.log->info(into.outputs.empty() ? "no outputs" : "outputs: " + names);
    return std::nullopt;
  }

 private:
  // The whole value, and each string in it (a script may print one field).
  void register_secret(const core::Value& v, const std::string& text) {
    ctx_.log->add_secret(text);
    if (v.is_array())
      for (const auto& e : v.as_array()) register_secret(e, e.is_string() ? e.as_string() : core::to_json(e));
    if (v.is_object())
      for (const auto& [k, e] : v.as_object()) register_secret(e, e.is_string() ? e.as_string() : core::to_json(e));
  }

  static bool write_private(const std::string& path, const std::string& content) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) return false;
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    f << content;
    return static_cast<bool>(f.flush());
  }

  StepContext& ctx_;
  Options o_;
  std::string binary_;
  std::map<std::string, std::optional<std::string>> env_;  // on top of the step's environment
  std::error_code ec_ignored_;
};

// The options and the binary, or why the step cannot start.
struct Opened {
  std::optional<Session> session;
  StepResult error;
};

Opened open(StepContext& ctx) {
  Opened out;
  auto options = terraform::read_options(ctx.with, ctx.working_directory);
  if (!options) {
    out.error = StepResult::failure(core::FailureClass::kPermanent, options.error());
    return out;
  }
  std::error_code ec;
  if (!fs::is_directory(options->dir, ec)) {
    out.error = StepResult::failure(core::FailureClass::kPermanent,
                                    "dir: directory " + options->dir + " does not exist");
    return out;
  }
  auto path = ctx.env.find("PATH");
  const char* own = std::getenv("PATH");
  std::string binary = core::find_on_path("terraform", path != ctx.env.end() ? path->second : (own ? own : ""));
  if (binary.empty()) {
    out.error = StepResult::failure(core::FailureClass::kPermanent, kNotFound);
    return out;
  }
  std::error_code mk;
  fs::create_directories(ctx.attempt_dir, mk);
  out.session.emplace(ctx, std::move(*options), std::move(binary));
  return out;
}

}  // namespace

StepResult TerraformStep::run(StepContext& ctx) const {
  Opened opened = open(ctx);
  if (!opened.session) return opened.error;
  Session& s = *opened.session;
  if (auto f = s.prepare(true)) return *f;

  switch (s.options().action) {
    case Action::kInit:
      return StepResult::success("initialized" +
                                 (s.options().workspace.empty() ? "" : ", workspace " + s.options().workspace));
    case Action::kOutput: {
      StepResult r = StepResult::success();
      if (auto f = s.outputs(r)) return *f;
      r.summary = std::to_string(r.outputs.size()) + " outputs";
      return r;
    }
    case Action::kPlan: {
      bool changes = false;
      std::string text;
      if (auto f = s.plan(false, changes, &text)) return *f;
      std::string line = last_line_starting(text, "Plan: ");
      StepResult r = StepResult::success(changes ? (line.empty() ? std::string("changes") : line) : "no changes");
      r.outputs.emplace_back("changes", core::Value(changes ? "true" : "false"));
      r.outputs.emplace_back("plan-file", core::Value(s.keep_plan_file()));
      return r;
    }
    case Action::kApply: {
      bool changes = false;
      if (auto f = s.plan(false, changes)) return *f;
      Command apply = s.run(terraform::apply_args(s.options(), s.plan_file()), true);
      // A plan file holds variable values (perhaps secrets); once applied it has no use.
      std::error_code ec;
      fs::remove(s.plan_file(), ec);
      if (!apply.result.success()) return s.failure("apply", apply);
      std::string line = last_line_starting(apply.stdout_text, "Apply complete!");
      StepResult r = StepResult::success(changes ? (line.empty() ? std::string("applied") : line) : "no changes");
      if (auto f = s.outputs(r)) return *f;
      return r;
    }
    case Action::kDestroy: {
      Command destroy = s.run(terraform::destroy_args(s.options()), true);
      if (!destroy.result.success()) return s.failure("destroy", destroy);
      std::string line = last_line_starting(destroy.stdout_text, "Destroy complete!");
      return StepResult::success(line.empty() ? std::string("destroyed") : line);
    }
  }
  return StepResult::failure(core::FailureClass::kPermanent, "unknown action");
}

std::optional<step_api::StepPreview> TerraformStep::preview(StepContext& ctx) const {
  Opened opened = open(ctx);
  if (!opened.session) return step_api::StepPreview::failed(opened.error.summary);
  Session& s = *opened.session;
  Action action = s.options().action;
  if (action == Action::kInit || action == Action::kOutput)
    return step_api::StepPreview{false, std::string("terraform ") + terraform::action_name(action) +
                                            " changes no infrastructure\n"};
  // No `workspace select -or-create` here: `wf plan` must not create one;
  // TF_WORKSPACE makes plan read it (an empty state when it is new).
  if (auto f = s.prepare(false)) return step_api::StepPreview::failed(f->summary);
  bool changes = false;
  std::string text;
  if (auto f = s.plan(action == Action::kDestroy, changes, &text)) return step_api::StepPreview::failed(f->summary);
  return step_api::StepPreview{changes, trim_blank_lines(text)};
}

}  // namespace wf::steps

namespace wf::steps {
std::unique_ptr<step_api::StepType> make_terraform_step() { return std::make_unique<TerraformStep>(); }
}  // namespace wf::steps
