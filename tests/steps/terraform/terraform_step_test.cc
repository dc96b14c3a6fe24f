// The terraform step through its public contract, against a fake process
// runner that records every command: which commands run in which order,
// with which argv and environment (no secret ever on a command line), and
// how terraform's exit codes and messages become results and classes.

#include "steps/terraform/terraform_step.h"

#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>

#include "runner/core/json.h"
#include "tests/support/command.h"
#include "tests/support/fake_process_runner.h"
#include "tests/support/recording_log.h"

namespace {

namespace fs = std::filesystem;
using namespace wf;
using Catch::Matchers::Contains;
using services::ProcessResult;
using services::ProcessSpec;

/// Plays terraform (prints, returns an exit code); records each spec.
using FakeRunner = test::FakeProcessRunner;
using test::RecordingLog;

std::string command_of(const ProcessSpec& spec) { return spec.argv.size() > 1 ? spec.argv[1] : ""; }

bool has_arg(const ProcessSpec& spec, const std::string& arg) {
  return std::find(spec.argv.begin(), spec.argv.end(), arg) != spec.argv.end();
}

/// A working directory with a configuration dir `infra`, a fake terraform
/// on a private PATH, and everything a StepContext needs.
struct Harness {
  test::TempDir tmp;
  std::string bin = tmp.path() + "/bin";
  FakeRunner runner;
  RecordingLog log;
  core::CancelToken cancel;
  step_api::StepContext ctx;
  steps::TerraformStep step;

  explicit Harness(const char* with_json) {
    tmp.write("infra/main.tf", "");
    std::string fake = tmp.write("bin/terraform", "#!/bin/sh\nexit 0\n");
    ::chmod(fake.c_str(), 0755);
    auto with = core::parse_json(with_json);
    REQUIRE(with);
    ctx.step_id = "tf";
    ctx.with = *with;
    ctx.env = {{"PATH", bin}, {"HOME", tmp.path()}};
    ctx.working_directory = tmp.path();
    ctx.attempt_dir = tmp.path() + "/attempt";
    ctx.log = &log;
    ctx.processes = &runner;
    ctx.cancel = &cancel;
    ctx.stop = services::StopPolicy{std::chrono::milliseconds(1234), std::chrono::milliseconds(567)};
  }

  std::vector<std::string> commands() const {
    std::vector<std::string> out;
    for (const auto& s : runner.specs()) out.push_back(command_of(s));
    return out;
  }
};

/// terraform's answers by command: plan exits `plan_code`; output prints `outputs_json`.
std::function<ProcessResult(const ProcessSpec&)> terraform_answers(int plan_code, std::string outputs_json = "{}") {
  return [=](const ProcessSpec& spec) {
    std::string cmd = command_of(spec);
    if (cmd == "plan") {
      for (const auto& arg : spec.argv)
        if (arg.rfind("-out=", 0) == 0) std::ofstream(arg.substr(5)) << "a saved plan";
      spec.on_stdout("Terraform will perform the following actions:\n\nPlan: 1 to add, 0 to change, 0 to destroy.\n");
      return FakeRunner::exited(plan_code);
    }
    if (cmd == "apply") spec.on_stdout("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.\n");
    if (cmd == "output") spec.on_stdout(outputs_json);
    return FakeRunner::exited(0);
  };
}

const char* kOutputs = R"({
  "name":   {"sensitive": false, "type": "string", "value": "testnet"},
  "nodes":  {"sensitive": false, "type": "number", "value": 3},
  "zones":  {"sensitive": false, "type": ["list", "string"], "value": ["a", "b"]},
  "token":  {"sensitive": true,  "type": "string", "value": "tok-Sensitive-Output-42"},
  "creds":  {"sensitive": true,  "type": ["map", "string"], "value": {"user": "admin-user", "pass": "pw-Inner-99"}}
})";

std::string output_value(const step_api::StepResult& r, const std::string& name) {
  for (const auto& [k, v] : r.outputs)
    if (k == name) return v.is_string() ? v.as_string() : core::to_json(v);
  return "<absent>";
}

}  // namespace

TEST_CASE("terraform step: apply runs init, plan -out, apply of that very plan, output -json", "[terraform][step]") {
  Harness h(R"({"dir": "infra", "action": "apply"})");
  h.runner.answer(terraform_answers(2, kOutputs));
  auto r = h.step.run(h.ctx);
  REQUIRE(r.ok);
  CHECK(h.commands() == std::vector<std::string>{"init", "plan", "apply", "output"});
  std::string plan_file = fs::absolute(h.ctx.attempt_dir + "/tfplan").string();
  CHECK(has_arg(h.runner.specs()[1], "-out=" + plan_file));
  CHECK(has_arg(h.runner.specs()[1], "-detailed-exitcode"));
  CHECK(h.runner.specs()[2].argv.back() == plan_file);
  CHECK_FALSE(fs::exists(plan_file));  // it holds variable values: removed once applied
  CHECK_FALSE(has_arg(h.runner.specs()[2], "-auto-approve"));
  for (const auto& spec : h.runner.specs()) {
    CHECK(spec.argv[0] == h.bin + "/terraform");
    CHECK(spec.cwd == h.tmp.path() + "/infra");
    CHECK(spec.env.at("TF_IN_AUTOMATION") == "1");
    CHECK(spec.env.at("HOME") == h.tmp.path());
    CHECK(spec.stop.interrupt_grace == std::chrono::milliseconds(1234));
    CHECK(spec.stop.terminate_grace == std::chrono::milliseconds(567));
    if (command_of(spec) != "output") CHECK(has_arg(spec, "-no-color"));
    if (command_of(spec) != "output") CHECK(has_arg(spec, "-input=false"));
  }
  CHECK_THAT(r.summary, Contains("Apply complete! Resources: 1 added"));
}

TEST_CASE("terraform step: outputs are strings as they are, other types as JSON, and sensitive ones become secrets",
          "[terraform][step]") {
  Harness h(R"({"dir": "infra", "action": "output"})");
  h.runner.answer(terraform_answers(0, kOutputs));
  auto r = h.step.run(h.ctx);
  REQUIRE(r.ok);
  CHECK(h.commands() == std::vector<std::string>{"init", "output"});
  CHECK(output_value(r, "name") == "testnet");
  CHECK(output_value(r, "nodes") == "3");
  CHECK(output_value(r, "zones") == R"(["a","b"])");
  CHECK(output_value(r, "token") == "tok-Sensitive-Output-42");
  CHECK(output_value(r, "creds") == R"({"user":"admin-user","pass":"pw-Inner-99"})");
  auto secrets = h.log.secrets();
  auto secret = [&](const std::string& s) {
    return std::find(secrets.begin(), secrets.end(), s) != secrets.end();
  };
  CHECK(secret("tok-Sensitive-Output-42"));
  CHECK(secret(R"({"user":"admin-user","pass":"pw-Inner-99"})"));
  CHECK(secret("pw-Inner-99"));
  CHECK_FALSE(secret("testnet"));
  // `terraform output -json` itself is not logged.
  CHECK_THAT(h.log.text(), !Contains("tok-Sensitive-Output-42"));
}

TEST_CASE("terraform step: vars and a backend-config map never reach a command line", "[terraform][step]") {
  Harness h(R"({"dir": "infra", "action": "apply",
                "vars": {"token": "tok-Var-Secret-1", "n": 2, "zones": ["a", "b"], "tags": {"team": "infra"}},
                "backend-config": {"bucket": "my-state", "access_key": "AKIA-Backend-Secret-2"}})");
  std::string backend_file_content;
  fs::perms backend_file_perms = fs::perms::unknown;
  h.runner.answer([&](const ProcessSpec& spec) {
    if (command_of(spec) == "init") {
      std::string file = fs::absolute(h.ctx.attempt_dir + "/backend-config.tfbackend").string();
      backend_file_content = test::read_file(file);
      backend_file_perms = fs::status(file).permissions();
    }
    return terraform_answers(0)(spec);
  });
  auto r = h.step.run(h.ctx);
  REQUIRE(r.ok);
  for (const auto& spec : h.runner.specs())
    for (const auto& arg : spec.argv) {
      CHECK_THAT(arg, !Contains("tok-Var-Secret-1"));
      CHECK_THAT(arg, !Contains("AKIA-Backend-Secret-2"));
      CHECK_THAT(arg, !Contains("my-state"));
    }
  const ProcessSpec init = h.runner.specs().at(0);
  std::string file = fs::absolute(h.ctx.attempt_dir + "/backend-config.tfbackend").string();
  CHECK(has_arg(init, "-backend-config=" + file));
  CHECK(backend_file_content == "bucket = \"my-state\"\naccess_key = \"AKIA-Backend-Secret-2\"\n");
  CHECK((backend_file_perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
  CHECK_FALSE(fs::exists(file));  // removed once terraform has read it
  for (const auto& spec : h.runner.specs()) {
    CHECK(spec.env.at("TF_VAR_token") == "tok-Var-Secret-1");
    CHECK(spec.env.at("TF_VAR_n") == "2");
    CHECK(spec.env.at("TF_VAR_zones") == R"(["a","b"])");
    CHECK(spec.env.at("TF_VAR_tags") == R"({"team":"infra"})");
  }
}

TEST_CASE("terraform step: plan's exit code 2 is success with changes, 0 success without, 1 a failure",
          "[terraform][step]") {
  for (int code : {0, 2}) {
    Harness h(R"({"dir": "infra", "action": "plan"})");
    h.runner.answer(terraform_answers(code));
    auto r = h.step.run(h.ctx);
    INFO("exit code " << code);
    REQUIRE(r.ok);
    CHECK(h.commands() == std::vector<std::string>{"init", "plan"});
    CHECK(output_value(r, "changes") == (code == 2 ? "true" : "false"));
    // Moved out of the attempt's directory (removed when the attempt ends) into the step's.
    CHECK(output_value(r, "plan-file") == fs::absolute(h.tmp.path() + "/plan.tfplan").string());
    CHECK(r.summary == (code == 2 ? "Plan: 1 to add, 0 to change, 0 to destroy." : "no changes"));
  }
  Harness h(R"({"dir": "infra", "action": "plan"})");
  h.runner.answer([](const ProcessSpec& spec) {
    if (command_of(spec) != "plan") return FakeRunner::exited(0);
    spec.on_stderr("\nError: No value for required variable\n\n  on main.tf line 1:\n");
    return FakeRunner::exited(1);
  });
  auto r = h.step.run(h.ctx);
  REQUIRE_FALSE(r.ok);
  CHECK(r.failure_class == core::FailureClass::kPermanent);
  CHECK(r.summary == "terraform plan failed (exit code 1): No value for required variable");
}

TEST_CASE("terraform step: a held state lock is class lock, naming its ID and holder", "[terraform][step]") {
  Harness h(R"({"dir": "infra"})");
  h.runner.answer([](const ProcessSpec& spec) {
    if (command_of(spec) != "plan") return FakeRunner::exited(0);
    spec.on_stdout("Acquiring state lock. This may take a few moments...\n");
    spec.on_stderr("Error: Error acquiring the state lock\n\nError message: resource temporarily unavailable\n"
                   "Lock Info:\n  ID:        0c4d-lock-id\n  Path:      terraform.tfstate\n"
                   "  Operation: OperationTypeApply\n  Who:       ci@runner-7\n  Version:   1.11.4\n"
                   "  Created:   2026-01-02 03:04:05.6 +0000 UTC\n  Info:      \n\n");
    return FakeRunner::exited(1);
  });
  auto r = h.step.run(h.ctx);
  REQUIRE_FALSE(r.ok);
  CHECK(r.failure_class == core::FailureClass::kLock);
  CHECK_THAT(r.summary, Contains("0c4d-lock-id"));
  CHECK_THAT(r.summary, Contains("held by ci@runner-7"));
  CHECK(h.commands() == std::vector<std::string>{"init", "plan"});
}

TEST_CASE("terraform step: a network error is transient", "[terraform][step]") {
  Harness h(R"({"dir": "infra", "action": "init"})");
  h.runner.answer([](const ProcessSpec& spec) {
    spec.on_stderr("Error: Failed to query available provider packages\n\nCould not retrieve the list: "
                   "net/http: TLS handshake timeout\n");
    return FakeRunner::exited(1);
  });
  auto r = h.step.run(h.ctx);
  REQUIRE_FALSE(r.ok);
  CHECK(r.failure_class == core::FailureClass::kTransient);
  CHECK_THAT(r.summary, Contains("terraform init failed"));
}

TEST_CASE("terraform step: a stopped terraform is cancelled, and nothing runs after it", "[terraform][step]") {
  Harness h(R"({"dir": "infra"})");
  h.runner.answer([](const ProcessSpec& spec) {
    if (command_of(spec) != "apply") return terraform_answers(2)(spec);
    ProcessResult r = FakeRunner::exited(1);
    r.cancelled = true;
    return r;
  });
  auto r = h.step.run(h.ctx);
  REQUIRE_FALSE(r.ok);
  CHECK(r.failure_class == core::FailureClass::kCancelled);
  CHECK(h.commands() == std::vector<std::string>{"init", "plan", "apply"});
}

TEST_CASE("terraform step: without terraform in PATH it fails at once with an install hint", "[terraform][step]") {
  Harness h(R"({"dir": "infra"})");
  h.ctx.env["PATH"] = h.tmp.path() + "/nothing-here:/nonexistent";
  auto r = h.step.run(h.ctx);
  REQUIRE_FALSE(r.ok);
  CHECK(r.failure_class == core::FailureClass::kPermanent);
  CHECK(r.summary ==
        "terraform not found in PATH; install it (https://developer.hashicorp.com/terraform/install) or put it on PATH");
  CHECK(h.runner.specs().empty());
}

TEST_CASE("terraform step: a missing dir is a permanent failure naming it", "[terraform][step]") {
  Harness h(R"({"dir": "missing"})");
  auto r = h.step.run(h.ctx);
  REQUIRE_FALSE(r.ok);
  CHECK(r.failure_class == core::FailureClass::kPermanent);
  CHECK_THAT(r.summary, Contains("missing") && Contains("does not exist"));
  CHECK(h.runner.specs().empty());
}

TEST_CASE("terraform step: a workspace is selected or created, then pinned with TF_WORKSPACE", "[terraform][step]") {
  Harness h(R"({"dir": "infra", "workspace": "testnet"})");
  h.ctx.env["TF_WORKSPACE"] = "inherited";
  h.runner.answer(terraform_answers(0));
  auto r = h.step.run(h.ctx);
  REQUIRE(r.ok);
  CHECK(h.commands() == std::vector<std::string>{"init", "workspace", "plan", "apply", "output"});
  const auto ws = h.runner.specs().at(1);
  CHECK(ws.argv == std::vector<std::string>{h.bin + "/terraform", "workspace", "select", "-or-create", "-no-color",
                                            "testnet"});
  CHECK(h.runner.specs().at(0).env.count("TF_WORKSPACE") == 0);
  CHECK(ws.env.count("TF_WORKSPACE") == 0);
  for (size_t i = 2; i < h.runner.specs().size(); ++i) CHECK(h.runner.specs()[i].env.at("TF_WORKSPACE") == "testnet");
}

TEST_CASE("terraform step: destroy runs destroy -auto-approve with the inputs", "[terraform][step]") {
  Harness h(R"({"dir": "infra", "action": "destroy", "targets": ["terraform_data.a"]})");
  h.runner.answer([](const ProcessSpec& spec) {
    if (command_of(spec) == "destroy") spec.on_stdout("Destroy complete! Resources: 2 destroyed.\n");
    return FakeRunner::exited(0);
  });
  auto r = h.step.run(h.ctx);
  REQUIRE(r.ok);
  CHECK(h.commands() == std::vector<std::string>{"init", "destroy"});
  CHECK(has_arg(h.runner.specs()[1], "-auto-approve"));
  CHECK(has_arg(h.runner.specs()[1], "-target=terraform_data.a"));
  CHECK(r.summary == "Destroy complete! Resources: 2 destroyed.");
}

TEST_CASE("terraform step: preview plans into the attempt dir and shows the plan", "[terraform][step][preview]") {
  Harness h(R"({"dir": "infra", "workspace": "ws"})");
  h.runner.answer(terraform_answers(2));
  auto p = h.step.preview(h.ctx);
  REQUIRE(p);
  CHECK(p->changes);
  CHECK_THAT(p->text, Contains("Plan: 1 to add"));
  // No `workspace select -or-create`: wf plan creates nothing.
  CHECK(h.commands() == std::vector<std::string>{"init", "plan"});
  CHECK(has_arg(h.runner.specs()[1], "-out=" + fs::absolute(h.ctx.attempt_dir + "/tfplan").string()));
  CHECK(h.runner.specs()[1].env.at("TF_WORKSPACE") == "ws");

  Harness none(R"({"dir": "infra", "action": "destroy"})");
  none.runner.answer(terraform_answers(0));
  auto q = none.step.preview(none.ctx);
  REQUIRE(q);
  CHECK_FALSE(q->changes);
  CHECK(has_arg(none.runner.specs().at(1), "-destroy"));

  Harness fails(R"({"dir": "infra"})");
  fails.runner.answer([](const ProcessSpec& spec) {
    if (command_of(spec) == "plan") {
      spec.on_stderr("Error: Unsupported argument\n");
      return FakeRunner::exited(1);
    }
    return FakeRunner::exited(0);
  });
  auto failed = fails.step.preview(fails.ctx);
  REQUIRE(failed.has_value());
  CHECK_THAT(failed->error, Contains("Unsupported argument"));
}

TEST_CASE("terraform step: wf steps documents every parameter with an example", "[terraform][step]") {
  steps::TerraformStep step;
  const auto& s = step.schema();
  CHECK(s.type == "terraform");
  std::vector<std::string> names;
  for (const auto& p : s.params) {
    INFO(p.name);
    names.push_back(p.name);
    CHECK_FALSE(p.doc.empty());
    CHECK_FALSE(p.example.empty());
  }
  CHECK(names == std::vector<std::string>{"dir", "action", "vars", "var-files", "backend-config", "workspace",
                                          "lock-timeout", "parallelism", "targets", "args"});
  CHECK(s.find("dir")->required);
  CHECK(s.find("dir")->must_exist == core::PathKind::kDirectory);
  CHECK(s.find("action")->choices == std::vector<std::string>{"apply", "plan", "destroy", "init", "output"});
}
