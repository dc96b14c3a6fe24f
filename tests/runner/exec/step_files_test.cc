#include "runner/exec/step_files.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "tests/support/command.h"

namespace wf::exec {
namespace {

using core::Value;

void append(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::app) << text; }

TEST_CASE("step files: GITHUB_* point at the step's own files, never the runner's", "[exec]") {
  test::TempDir dir;
  std::map<std::string, std::string> env = {{"GITHUB_OUTPUT", "/runner/set_output_1"},
                                            {"GITHUB_STATE", "/runner/save_state_1"},
                                            {"GITHUB_ENV", "/runner/set_env_1"}};
  REQUIRE(prepare_step_files(dir.path(), env));
  CHECK_FALSE(env.count("GITHUB_OUTPUT"));
  CHECK_FALSE(env.count("GITHUB_STATE"));
  CHECK(env["GITHUB_ENV"] == dir.path() + "/env");
  CHECK(env["WF_ENV"] == env["GITHUB_ENV"]);
  CHECK(env["GITHUB_PATH"] == dir.path() + "/path");
  CHECK(env["WF_STEP_SUMMARY"] == dir.path() + "/summary");
  auto nothing = read_step_files(dir.path());
  CHECK(nothing.exports.is_null());
  CHECK(nothing.summary.empty());
  CHECK(nothing.errors.empty());
}

TEST_CASE("step files: env heredocs, path lines, NODE_OPTIONS refused, summary kept", "[exec]") {
  test::TempDir dir;
  std::map<std::string, std::string> env;
  REQUIRE(prepare_step_files(dir.path(), env));
  append(env["GITHUB_ENV"], "A=1\nB<<EOF\nx=y\nz\nEOF\nNODE_OPTIONS=--inspect\n");
  append(env["GITHUB_PATH"], "/opt/one\n\n/opt/two\n");
  append(env["GITHUB_STEP_SUMMARY"], "## hi\n");
  auto files = read_step_files(dir.path());
  REQUIRE(files.exports.is_object());
  const Value* vars = files.exports.find("env");
  REQUIRE(vars);
  CHECK(vars->find("A")->as_string() == "1");
  CHECK(vars->find("B")->as_string() == "x=y\nz");
  CHECK_FALSE(vars->find("NODE_OPTIONS"));
  CHECK(files.exports.find("path")->as_array().size() == 2);
  CHECK(files.summary == "## hi\n");
  REQUIRE(files.errors.size() == 1);
  CHECK(files.errors[0].find("NODE_OPTIONS") != std::string::npos);
}

TEST_CASE("step files: a malformed env file is an error, not an export", "[exec]") {
  test::TempDir dir;
  std::map<std::string, std::string> env;
  REQUIRE(prepare_step_files(dir.path(), env));
  append(env["GITHUB_ENV"], "B<<EOF\nnever closed\n");
  auto files = read_step_files(dir.path());
  CHECK(files.exports.is_null());
  REQUIRE(files.errors.size() == 1);
  CHECK(files.errors[0].find("malformed $GITHUB_ENV") != std::string::npos);
}

TEST_CASE("step files: exports apply in order, the step's own env wins, PATH latest first", "[exec]") {
  model::Step step;
  step.env.emplace_back("OWN", model::Param{});
  std::vector<Value> exports = {
      Value(Value::Object{{"env", Value(Value::Object{{"X", "first"}, {"OWN", "exported"}})},
                          {"path", Value(Value::Array{Value("/a")})}}),
      Value(Value::Object{{"env", Value(Value::Object{{"X", "second"}})},
                          {"path", Value(Value::Array{Value("/b"), Value("/c")})}})};
  std::map<std::string, std::string> env = {{"PATH", "/usr/bin"}, {"OWN", "mine"}, {"X", "workflow"}};
  apply_exports(exports, step, env);
  CHECK(env["X"] == "second");
  CHECK(env["OWN"] == "mine");
  CHECK(env["PATH"] == "/c:/b:/a:/usr/bin");
}

}  // namespace
}  // namespace wf::exec
