#include "steps/gh_dispatch/gh_dispatch_step.h"

#include <filesystem>

#include "runner/core/duration.h"
#include "steps/gh_dispatch/dispatcher.h"
#include "steps/gh_dispatch/run_watcher.h"

namespace wf::steps {

using core::ParamSpec;
using core::ParamType;
using step_api::StepResult;

namespace {

// What `wf validate` checks before anything runs: the same checks as
// parse_params, on the values known before the run.
void validate(core::ParamCheck& check) {
  auto string_check = [&](const char* name, std::string (*fn)(const std::string&)) {
    if (auto v = check.known_string(name))
      if (std::string e = fn(*v); !e.empty()) check.error(name, e);
  };
  string_check("repo", gh::check_repo);
  string_check("workflow", gh::check_workflow);
  if (auto ref = check.known_string("ref"); ref && ref->empty()) check.error("ref", "a branch or tag is required");
  if (auto url = check.known_string("api-url"); url && !url->empty())
    if (std::string e = gh::check_api_url(*url); !e.empty()) check.error("api-url", e);
  // The loader checks the declared types (inputs: a map of scalars,
  // durations that parse); these are the limits beyond them.
  if (const core::Value* inputs = check.known("inputs"); inputs && inputs->is_object())
    if (size_t n = inputs->as_object().size(); n > gh::kMaxInputs)
      check.error("inputs", std::to_string(n) + " inputs; GitHub accepts at most " + std::to_string(gh::kMaxInputs));
  for (const char* name : {"poll-interval", "timeout", "request-timeout", "find-run-timeout"}) {
    const core::Value* v = check.known(name);
    bool parses = v && ((v->is_string() && core::parse_duration(v->as_string())) || v->is_number());
    if (parses && !gh::positive_duration(*v)) check.error(name, "expected a positive duration such as 20s or 5m");
  }
}

}  // namespace

const core::StepSchema& GhDispatchStep::schema() const {
  static const core::StepSchema kSchema = [] {
    core::StepSchema s;
    s.type = "gh-dispatch";
    s.summary = "Trigger a GitHub Actions workflow (workflow_dispatch) and wait for the run it created.";
    s.description =
        "Talks to the GitHub REST API itself (no gh binary). The dispatch is sent once: wf journals it before\n"
        "sending, and when an answer is lost (timeout, dropped connection, 5xx) or a retry follows, it looks for\n"
        "the run the dispatch created (a workflow_dispatch run of that workflow on that ref, newer than the newest\n"
        "one seen just before) before ever sending it again. It then polls the run until it completes; a\n"
        "conclusion other than success fails the step with the run's URL. Rate limits (Retry-After,\n"
        "x-ratelimit-reset, secondary limits) are waited out. If wf is stopped or times out, the run is cancelled\n"
        "too (cancel-on-abort). GitHub Enterprise: set api-url, or GITHUB_API_URL in the environment.";
    ParamSpec token = core::make_param("token", ParamType::kString,
                            "A token allowed to run workflows (actions: write). Default: GITHUB_TOKEN, else GH_TOKEN, "
                            "from the step's environment. Never printed.",
                            "${{ secrets.github-token }}");
    token.secret = true;
    s.params = {
        core::make_param("repo", ParamType::kString, "The repository, OWNER/NAME.", "planetarium/9c-infra", {}, true),
        core::make_param("workflow", ParamType::kString, "The workflow's file name (as under .github/workflows/) or numeric id.",
              "smoke.yaml", {}, true),
        core::make_param("ref", ParamType::kString, "The branch or tag to run the workflow at.", "main", {}, true),
        core::make_param("inputs", ParamType::kStringMap,
              "The workflow's inputs (at most 25); values are sent as strings (true -> \"true\").",
              "{ cluster: 9c-sample, smoke: true }"),
        token,
        core::make_param("api-url", ParamType::kString,
              "The REST API's URL. Default: $GITHUB_API_URL, else https://api.github.com (GitHub Enterprise "
              "Server: https://HOST/api/v3).",
              "https://github.example.com/api/v3"),
        core::make_param("wait", ParamType::kBool, "Wait for the run to complete (false: succeed once it is dispatched).", "false",
              true),
        core::make_param("poll-interval", ParamType::kDuration, "How often to ask for the run's status while waiting.", "10s",
              "5s"),
        core::make_param("timeout", ParamType::kDuration,
              "The longest the remote run may take, from its dispatch; then it is cancelled (see cancel-on-abort) "
              "and the step fails as timeout. Default: no limit but the step's own timeout.",
              "30m"),
        core::make_param("cancel-on-abort", ParamType::kBool,
              "Cancel the remote run when wf is cancelled or the step or run times out.", "false", true),
        core::make_param("request-timeout", ParamType::kDuration,
              "The longest one request to the API may take. A dispatch whose answer does not come in time is\n"
              "looked for (find-run-timeout), never sent again blindly.",
              "10s", "30s"),
        core::make_param("find-run-timeout", ParamType::kDuration,
              "When GitHub does not name the run a dispatch created (an older GitHub Enterprise answers 204, or\n"
              "the answer was lost), how long after the dispatch to keep looking for it in the workflow's runs.",
              "3m", "90s"),
    };
    s.validate = validate;
    s.outputs = {{"run-id", "the id of the workflow run the dispatch created"},
                 {"run-url", "the run's REST API URL"},
                 {"html-url", "the run's page on GitHub"},
                 {"conclusion", "the run's conclusion (success, failure, ...); empty with wait: false"}};
    s.example =
        "steps:\n"
        "  smoke:\n"
        "    uses: gh-dispatch\n"
        "    with:\n"
        "      repo: planetarium/9c-infra\n"
        "      workflow: smoke.yaml\n"
        "      ref: ${{ inputs.revision }}\n"
        "      inputs: { cluster: \"${{ inputs.cluster }}\" }\n"
        "      token: ${{ secrets.github-token }}\n"
        "      timeout: 30m\n"
        "    retry: { limit: 2, when: [transient, rate-limited] }";
    return s;
  }();
  return kSchema;
}

std::optional<step_api::StepPreview> GhDispatchStep::preview(step_api::StepContext& ctx) const {
  step_api::StepPreview p;
  auto params = gh::parse_params(ctx.with, ctx.env, false);
  if (!params) {
    p.text = "would fail: " + params.error();
    return p;
  }
  if (!params->token.empty()) ctx.log->add_secret(params->token);
  p.changes = true;
  p.text = "would dispatch " + params->workflow + " on " + params->repo() + "@" + params->ref + " with inputs " +
           params->inputs_json() + " (" + params->api_url + (params->wait ? ", then wait for the run" : "") + ")";
  return p;
}

StepResult GhDispatchStep::run(step_api::StepContext& ctx) const {
  namespace fs = std::filesystem;
  // Registered before anything can print it, wherever the token came from.
  if (const core::Value* v = ctx.with.find("token"); v && v->is_string() && !v->as_string().empty())
    ctx.log->add_secret(v->as_string());
  auto params = gh::parse_params(ctx.with, ctx.env, true);
  if (!params) return StepResult::failure(core::FailureClass::kPermanent, params.error());
  ctx.log->add_secret(params->token);
  if (!ctx.http) return StepResult::failure(core::FailureClass::kPermanent, "no HTTP client in this context");

  if (!ctx.clock || !ctx.cancel)
    return StepResult::failure(core::FailureClass::kPermanent, "no clock or cancel token in this context");
  auto log = [&](const std::string& line) { ctx.log->info(line); };
  gh::GitHubApi api(*ctx.http, *ctx.clock, *ctx.cancel, {params->api_url, params->token, params->timing, log});
  gh::RecordStore store(fs::path(ctx.attempt_dir).parent_path().string());
  gh::Session session{api, *ctx.clock, *ctx.cancel, *params, store, log, ctx.attempt};

  auto dispatched = gh::ensure_dispatched(session);
  if (!dispatched) return dispatched.error();
  if (!params->wait) {
    StepResult r = StepResult::success("dispatched run " + std::to_string(dispatched->run_id.value_or(0)) + ": " +
                                       dispatched->html_url);
    gh::describe_run(r, *dispatched, "");
    return r;
  }
  return gh::watch_run(session, *dispatched);
}

}  // namespace wf::steps

namespace wf::steps {
std::unique_ptr<step_api::StepType> make_gh_dispatch_step() { return std::make_unique<GhDispatchStep>(); }
}  // namespace wf::steps
