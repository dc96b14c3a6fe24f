// The terraform step's declared parameters: what the loader validates and
// `wf steps terraform` prints.

#include <string_view>
#include <utility>

#include "steps/terraform/options.h"
#include "steps/terraform/terraform_step.h"

namespace wf::steps {

namespace {

// What `wf validate` checks before anything runs, on the values known then
// (read_options() runs the same checks when the step runs). The loader has
// already checked each value's type, `action`'s choices and that paths exist.
void validate(core::ParamCheck& check) {
  using Check = std::string (*)(const core::Value&);
  for (auto [name, fn] : {std::pair<const char*, Check>{"dir", terraform::check_dir},
                          {"vars", terraform::check_vars},
                          {"backend-config", terraform::check_backend_config},
                          {"workspace", terraform::check_workspace},
                          {"parallelism", terraform::check_parallelism}}) {
    const core::Value* v = check.known(name);
    // A value of the wrong type is the loader's error already.
    if (!v || (std::string_view(name) == "vars" && !v->is_object()) ||
        (std::string_view(name) == "parallelism" && !v->is_number()))
      continue;
    if (std::string e = fn(*v); !e.empty()) check.error(name, e);
  }
  auto action = check.known_string("action");
  if (const core::Value* targets = check.known("targets"); targets && action)
    if (std::string e = terraform::check_targets(*action, *targets); !e.empty()) check.error("targets", e);
}

}  // namespace

const core::StepSchema& TerraformStep::schema() const {
  static const core::StepSchema kSchema = [] {
    using core::ParamType;
    core::StepSchema s;
    s.type = "terraform";
    s.summary = "terraform init, plan, apply of that plan, destroy, outputs; a held state lock is class `lock`.";
    s.description =
        "Runs the terraform found in PATH in `dir`, always with -input=false, -no-color and TF_IN_AUTOMATION=1:\n"
        "`init`, `workspace select -or-create` when `workspace` is set, then by `action`. `apply` plans into the\n"
        "attempt's directory (-detailed-exitcode -out) and applies exactly that plan. Every `terraform output -json`\n"
        "value becomes a step output (strings as they are, other types as JSON); sensitive ones are masked.\n"
        "Failures are classified from terraform's output: \"Error acquiring the state lock\" is `lock` (the summary\n"
        "names the lock ID and its holder), network and throttling errors (timeouts, connection reset, TLS\n"
        "handshake timeout, 429/5xx, \"context deadline exceeded\") and a stale saved plan are `transient`,\n"
        "everything else is `permanent`; retry them with `retry: { when: [lock, transient] }`. A timeout or\n"
        "Ctrl-C sends terraform SIGINT first, so that it stops cleanly and releases its state lock.\n"
        "Variables reach terraform as TF_VAR_* environment variables and a backend-config map as a file in the\n"
        "attempt's directory: secrets never appear on a command line. Paths are relative to the step's\n"
        "working directory. `wf plan` runs `terraform plan` for the step and shows it.";

    core::ParamSpec dir = core::make_param("dir", ParamType::kString, "The configuration directory (the root module).", "infra/cluster");
    dir.required = true;
    dir.must_exist = core::PathKind::kDirectory;

    core::ParamSpec action = core::make_param(
        "action", ParamType::kString,
        "apply: init, plan -out, apply of that plan, outputs. plan: init, plan -detailed-exitcode -out; outputs\n"
        "`changes` and `plan-file`. destroy: destroy -auto-approve. init: init only. output: the outputs only.",
        "plan");
    action.default_value = "apply";
    action.choices = {"apply", "plan", "destroy", "init", "output"};

    core::ParamSpec vars = core::make_param(
        "vars", ParamType::kMap,
        "Input variables, passed as TF_VAR_<name> environment variables: strings as they are, numbers and\n"
        "booleans as text, lists and maps as JSON. A null value leaves the variable's default.",
        "{ name: \"${{ inputs.cluster }}\", nodes: 3, zones: [a, b], tags: { team: infra } }");

    core::ParamSpec var_files = core::make_param("var-files", ParamType::kStringList,
                                      "Variable definition files (-var-file), in order; later files win.",
                                      "[env/testnet.tfvars]");
    var_files.must_exist = core::PathKind::kFile;

    core::ParamSpec backend = core::make_param(
        "backend-config", ParamType::kAny,
        "Backend settings for init: a map (written to a file in the attempt's directory, passed as\n"
        "-backend-config=FILE, so values such as keys stay off the command line), or a list of\n"
        "backend config files.",
        "{ bucket: my-state, key: \"testnet/${{ inputs.cluster }}.tfstate\", region: us-east-1 }");
    backend.must_exist = core::PathKind::kFile;

    core::ParamSpec workspace = core::make_param("workspace", ParamType::kString,
                                      "The workspace to use; selected, and created first if it does not exist.",
                                      "\"${{ inputs.cluster }}\"");

    core::ParamSpec lock_timeout = core::make_param(
        "lock-timeout", ParamType::kDuration,
        "How long terraform itself waits for a held state lock (-lock-timeout) before failing with class\n"
        "`lock`. Default: terraform's (fail at once).",
        "2m");

    core::ParamSpec parallelism = core::make_param("parallelism", ParamType::kNumber,
                                        "How many resource operations terraform runs at once (-parallelism).", "4");

    core::ParamSpec targets = core::make_param("targets", ParamType::kStringList,
                                    "Resource addresses to limit the plan (or destroy) to (-target), for exceptions.",
                                    "[module.eks, aws_s3_bucket.logs]");

    core::ParamSpec args = core::make_param(
        "args", ParamType::kStringList,
        "Extra arguments of the main command: `plan` for apply and plan, `destroy`, `init` for init, `output`\n"
        "for output. Visible to `ps`: never put a secret here.",
        "[-refresh=false]");

    s.params = {dir, action, vars, var_files, backend, workspace, lock_timeout, parallelism, targets, args};
    s.outputs = {
        {"<name>", "apply and output: each terraform output; strings as they are, others as JSON (sensitive: masked)"},
        {"changes", "plan: true when the plan changes anything (resources or outputs), else false"},
        {"plan-file", "plan: the saved plan (in the attempt's directory), for `terraform apply PLAN-FILE`"},
    };
    s.example =
        "steps:\n"
        "  cluster:\n"
        "    uses: terraform\n"
        "    with:\n"
        "      dir: terraform\n"
        "      workspace: ${{ inputs.cluster }}\n"
        "      vars: { name: \"${{ inputs.cluster }}\", node_count: 3 }\n"
        "      backend-config: { bucket: my-state, key: testnet.tfstate }\n"
        "    retry: { limit: 5, when: [lock, transient], backoff: { delay: 30s } }\n"
        "    timeout: 45m\n"
        "  show:\n"
        "    needs: [cluster]\n"
        "    run: echo \"endpoint ${{ steps.cluster.outputs.endpoint }}\"";
    s.validate = validate;
    core::mark_on_command_line(s, {"workspace", "targets"});
    return s;
  }();
  return kSchema;
}

}  // namespace wf::steps
