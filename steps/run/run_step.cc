#include "steps/run/run_step.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "runner/core/files.h"
#include "runner/core/output_file.h"
#include "runner/step_api/tool.h"

namespace wf::steps {

const core::StepSchema& RunStep::schema() const {
  static const core::StepSchema kSchema = [] {
    core::StepSchema s;
    s.type = "run";
    s.summary = "Run a shell script (bash -eo pipefail by default), as a GitHub Actions run: step.";
    s.description =
        "Write it as `run: SCRIPT` on a step. Each ${{ }} in the script is passed to the shell as an\n"
        "environment variable and referenced as \"$WF_EXPR_N\", so a value is only ever data, never code.\n"
        "The script writes outputs to the file named by $WF_OUTPUT, with $GITHUB_OUTPUT's syntax\n"
        "(name=value lines and name<<DELIM heredocs). Printing ::add-mask::VALUE masks VALUE in every log.\n"
        "$GITHUB_OUTPUT, $GITHUB_ENV, $GITHUB_PATH and $GITHUB_STEP_SUMMARY are the step's own files\n"
        "(also $WF_OUTPUT, $WF_ENV, $WF_PATH, $WF_STEP_SUMMARY): env and path lines reach the steps\n"
        "that need this one; the summary is shown under the step's heading in a GitHub job summary.";
    core::ParamSpec script;
    script.name = "script";
    script.required = true;
    script.script = true;
    script.doc = "The script. Given as the step's `run:` value.";
    script.example = "|\n  echo \"deploying ${{ inputs.cluster }}\"\n  echo \"url=https://example.test\" >> \"$WF_OUTPUT\"";
    core::ParamSpec shell;
    shell.name = "shell";
    shell.default_value = "bash";
    shell.doc =
        "bash (bash --noprofile --norc -eo pipefail), sh (sh -e), python, or a command line with {0}\n"
        "where the script file goes. Given as the step's `shell:` key.";
    shell.example = "sh";
    s.params = {script, shell};
    s.outputs = {{"<name>", "each name=value the script writes to $WF_OUTPUT"}};
    s.example =
        "steps:\n"
        "  greet:\n"
        "    run: |\n"
        "      echo \"hello ${{ inputs.who }}\"\n"
        "      echo \"greeting=hello\" >> \"$WF_OUTPUT\"\n"
        "    timeout: 1m";
    return s;
  }();
  return kSchema;
}

namespace {

// GitHub's shells: bash and sh get strict flags; anything else is a command
// line in which {0} is the script file (appended when absent).
std::vector<std::string> shell_argv(const std::string& shell, const std::string& file) {
  if (shell == "bash") return {"bash", "--noprofile", "--norc", "-eo", "pipefail", file};
  if (shell == "sh") return {"sh", "-e", file};
  if (shell == "python") return {"python3", file};
  std::vector<std::string> argv;
  std::istringstream in(shell);
  bool placed = false;
  for (std::string word; in >> word;) {
    size_t at = word.find("{0}");
    if (at != std::string::npos) {
      word.replace(at, 3, file);
      placed = true;
    }
    argv.push_back(word);
  }
  if (!placed) argv.push_back(file);
  return argv;
}

}  // namespace

step_api::StepResult RunStep::run(step_api::StepContext& ctx) const {
  using step_api::StepResult;
  namespace fs = std::filesystem;
  if (!fs::is_directory(ctx.working_directory))
    return StepResult::failure(core::FailureClass::kPermanent,
                               "working-directory " + ctx.working_directory + " does not exist");
  std::string script_path = ctx.attempt_dir + "/script";
  std::string output_path = ctx.attempt_dir + "/output";
  if (!core::write_private_file(script_path, ctx.param_string("script") + "\n") ||
      !core::write_private_file(output_path, ""))
    return StepResult::failure(core::FailureClass::kTransient,
                               "cannot write the script to " + ctx.attempt_dir + ": " + std::strerror(errno));

  std::vector<std::string> argv = shell_argv(ctx.param_string("shell", "bash"), script_path);
  step_api::ToolCall call;
  call.program = argv[0];
  call.args.assign(argv.begin() + 1, argv.end());
  call.env["WF_OUTPUT"] = output_path;
  call.env["GITHUB_OUTPUT"] = output_path;  // scripts written for GitHub run unchanged
  call.log_command = false;
  call.keep_bytes = 64 * 1024;  // for the failure's last line; the log has it all
  call.install_hint = "apt-get install " + call.program;
  step_api::ToolRun r = step_api::run_tool(ctx, call);

  if (r.not_found) return StepResult::failure(core::FailureClass::kPermanent, r.describe());
  if (!r.process.started) return StepResult::failure(core::FailureClass::kPermanent, r.process.error);
  if (r.stopped()) return StepResult::failure(core::FailureClass::kCancelled, "stopped (" + r.describe() + ")");
  // A script's failure says nothing of its cause: it is retryable unless the
  // script declares otherwise (::wf-failure-class::permanent).
  if (!r.ok()) return StepResult::failure(core::FailureClass::kTransient, r.describe());

  auto outputs = core::parse_output_file(core::read_small_file(output_path, std::string::npos - 1));
  if (!outputs)
    return StepResult::failure(core::FailureClass::kPermanent, "malformed $WF_OUTPUT: " + outputs.error());
  StepResult result = StepResult::success();
  for (auto& [k, v] : *outputs) result.outputs.emplace_back(k, core::Value(v));
  return result;
}

}  // namespace wf::steps

namespace wf::steps {
std::unique_ptr<step_api::StepType> make_run_step() { return std::make_unique<RunStep>(); }
}  // namespace wf::steps
