#include "tests/steps/terraform/tf_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>

#include "runner/adapters/process_runner.h"
#include "runner/core/json.h"
#include "steps/terraform/terraform_step.h"
#include "tests/support/recording_log.h"

extern char** environ;

namespace wf::tftest {

namespace fs = std::filesystem;

namespace {

using test::RecordingLog;

std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "";
  size_t start = 0;
  while (start <= p.size()) {
    size_t colon = p.find(':', start);
    if (colon == std::string::npos) colon = p.size();
    std::string candidate = p.substr(start, colon - start) + "/" + name;
    start = colon + 1;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

}  // namespace

std::string require_terraform() {
  static const std::string kFound = find_on_path("terraform");
  if (kFound.empty())
    FAIL("terraform is not on PATH: these tests drive the real terraform (1.11). Install it from "
         "https://developer.hashicorp.com/terraform/install (one static binary, e.g. /usr/local/bin/terraform).");
  return kFound;
}

std::map<std::string, std::string> tf_env() {
  // An empty file for this test process, removed when it exits.
  struct EmptyConfig {
    test::TempDir dir;
    std::string path = dir.write("terraformrc", "");
  };
  static const EmptyConfig kConfig;
  return {{"TF_CLI_CONFIG_FILE", kConfig.path}, {"TF_IN_AUTOMATION", "1"}};
}

test::CommandResult terraform(const std::vector<std::string>& args, const std::string& dir,
                              const std::map<std::string, std::string>& extra, int timeout_s) {
  std::vector<std::string> argv = {require_terraform()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto env = tf_env();
  for (const auto& [k, v] : extra) env[k] = v;
  return test::run_command(argv, dir, env, timeout_s);
}

const char* const kTypedConfig = R"(
variable "name" { type = string }
variable "nodes" {
  type    = number
  default = 1
}
variable "zones" {
  type    = list(string)
  default = []
}
variable "tags" {
  type    = map(string)
  default = {}
}
resource "terraform_data" "name" { input = var.name }
resource "terraform_data" "shape" { input = { nodes = var.nodes, zones = var.zones } }
output "name" { value = terraform_data.name.output }
output "nodes" { value = var.nodes }
output "zones" { value = var.zones }
output "tags" { value = var.tags }
output "workspace" { value = terraform.workspace }
output "token" {
  value     = "tok-${var.name}-Sensitive-77"
  sensitive = true
}
)";

std::string slow_config(const std::string& default_delay) {
  return "variable \"delay\" { default = \"" + default_delay +
         "\" }\n"
         "resource \"terraform_data\" \"slow\" {\n"
         "  provisioner \"local-exec\" { command = \"sleep ${var.delay}\" }\n"
         "}\n"
         "output \"done\" { value = terraform_data.slow.id }\n";
}

DirectRun run_step(const std::string& with_json, const std::string& working_directory, const std::string& attempt_dir,
                   bool preview) {
  require_terraform();
  static std::unique_ptr<services::ProcessRunner> runner = adapters::make_process_runner();
  auto with = core::parse_json(with_json);
  REQUIRE(with);
  RecordingLog log;
  core::CancelToken cancel;
  step_api::StepContext ctx;
  ctx.step_id = "tf";
  ctx.with = *with;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) ctx.env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  ctx.env.erase("TF_WORKSPACE");
  ctx.env.erase("TF_DATA_DIR");
  for (const auto& [k, v] : tf_env()) ctx.env[k] = v;
  ctx.working_directory = working_directory;
  ctx.attempt_dir = attempt_dir;
  fs::create_directories(attempt_dir);
  ctx.log = &log;
  ctx.processes = runner.get();
  ctx.cancel = &cancel;
  steps::TerraformStep step;
  DirectRun out;
  if (preview) out.preview = step.preview(ctx);
  else out.result = step.run(ctx);
  out.log = log.text();
  out.secrets = log.secrets();
  return out;
}

std::string output_of(const step_api::StepResult& r, const std::string& name) {
  for (const auto& [k, v] : r.outputs)
    if (k == name) return v.is_string() ? v.as_string() : core::to_json(v);
  return "<absent>";
}

nlohmann::json WfRun::step(const std::string& id) const {
  if (report.is_object() && report.contains("steps"))
    for (const auto& s : report["steps"])
      if (s.value("id", "") == id) return s;
  return nullptr;
}

std::string WfRun::logs() const {
  std::string out;
  if (run_dir.empty()) return out;
  for (const auto& f : test::files_under(run_dir + "/logs")) out += test::read_file(f);
  return out;
}

WfRun wf_run(const test::TempDir& dir, const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
         int timeout_s) {
  require_terraform();
  auto all_env = tf_env();
  for (const auto& [k, v] : env) all_env[k] = v;
  WfRun w;
  auto start = std::chrono::steady_clock::now();
  w.r = test::run_wf(args, dir.path(), all_env, timeout_s);
  w.seconds = test::seconds_since(start);
  auto runs = test::run_dirs(dir.path() + "/.wf");
  if (runs.empty()) return w;
  w.run_dir = runs.back();
  w.report = nlohmann::json::parse(test::read_file(w.run_dir + "/report.json"), nullptr, false);
  if (w.report.is_discarded()) w.report = nullptr;
  for (const auto& line : test::split_lines(test::read_file(w.run_dir + "/journal.jsonl")))
    w.journal.push_back(nlohmann::json::parse(line, nullptr, false));
  return w;
}

}  // namespace wf::tftest
