// The docker-build step's parameters and the command lines they make.

#include <catch2/catch.hpp>

#include "runner/core/json.h"
#include "steps/docker_build/options.h"

using namespace wf::steps::docker_build;
using wf::core::Value;

namespace {

Value with(const char* json) { return *wf::core::parse_json(json); }

bool has(const std::vector<std::string>& args, const std::string& a) {
  return std::find(args.begin(), args.end(), a) != args.end();
}

}  // namespace

TEST_CASE("options: paths relative to the working directory, defaults", "[docker-build]") {
  auto o = read_options(with(R"({})"), "/w");
  REQUIRE(o);
  CHECK(o->context == "/w");
  CHECK(o->dockerfile() == "/w/Dockerfile");
  auto f = read_options(with(R"({"context":"img","file":"img/Dockerfile.rel"})"), "/w");
  REQUIRE(f);
  CHECK(f->context == "/w/img");
  CHECK(f->dockerfile() == "/w/img/Dockerfile.rel");
}

TEST_CASE("options: push needs tags, a password needs a username and back", "[docker-build]") {
  CHECK(read_options(with(R"({"push":true})"), "/w").error() == "tags: push needs at least one tag");
  CHECK(read_options(with(R"({"password":"p"})"), "/w").error() == "password: needs a username");
  CHECK(read_options(with(R"({"username":"u"})"), "/w").error() == "username: needs a password");
  CHECK_FALSE(read_options(with(R"({"build-args":{"A B":"x"}})"), "/w"));
}

TEST_CASE("build_command: values of build args by environment, never on the command line", "[docker-build]") {
  auto o = read_options(with(R"({"context":"c","target":"final","tags":["r:1/a:v1","r:1/a:v2"],
      "build-args":{"TOKEN":"s3cret","HTTP_PROXY":"http://p"},"labels":{"team":"infra"},
      "no-cache":true,"pull":true,"platform":"linux/amd64","network":"none"})"),
                        "/w");
  REQUIRE(o);
  BuildCommand c = build_command(*o, "/a/iid");
  CHECK(c.args.front() == "build");
  CHECK(c.args.back() == "/w/c");
  for (const char* a : {"--iidfile", "/a/iid", "--target", "final", "--no-cache", "--pull", "--platform", "linux/amd64",
                        "--network", "none", "TOKEN", "HTTP_PROXY=http://p", "team=infra", "r:1/a:v1", "r:1/a:v2"})
    CHECK(has(c.args, a));
  CHECK_FALSE(has(c.args, "TOKEN=s3cret"));
  CHECK(c.env.at("TOKEN") == "s3cret");
  CHECK(c.env.count("HTTP_PROXY") == 0);  // the client would use it itself
  CHECK(c.env.at("BUILDKIT_PROGRESS") == "plain");
}

TEST_CASE("login: the registry from the parameter or the first tag, the password never an argument", "[docker-build]") {
  auto o = read_options(with(R"({"tags":["127.0.0.1:5000/app:v1"],"username":"ci","password":"pw"})"), "/w");
  REQUIRE(o);
  CHECK(login_args(*o) == std::vector<std::string>{"login", "--username", "ci", "--password-stdin", "127.0.0.1:5000"});
  auto hub = read_options(with(R"({"tags":["org/app:v1"],"username":"ci","password":"pw"})"), "/w");
  CHECK(login_args(*hub).back() == "--password-stdin");
  CHECK(registry_of("localhost/app") == "localhost");
  CHECK(registry_of("ghcr.io/org/app:1") == "ghcr.io");
  CHECK(registry_of("app:1").empty());
}

TEST_CASE("build_key: changes with what the build reads, including build-arg values", "[docker-build]") {
  auto a = read_options(with(R"({"build-args":{"V":"1"}})"), "/w");
  auto b = read_options(with(R"({"build-args":{"V":"2"}})"), "/w");
  auto c = read_options(with(R"({"build-args":{"V":"1"},"push":false})"), "/w");
  CHECK(build_key(*a) != build_key(*b));
  CHECK(build_key(*a) == build_key(*c));
}
