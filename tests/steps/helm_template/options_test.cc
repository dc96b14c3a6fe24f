// The helm-template step's pure parts: parameters, typed `set` values as a
// values document, the argv of `helm template` (no value on it), and release names.

#include "steps/helm_template/options.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "runner/core/json.h"

namespace {

using namespace wf;
using namespace wf::steps::helm_template;
using Catch::Matchers::Contains;

core::Value json(const char* text) {
  auto v = core::parse_json(text);
  REQUIRE(v);
  return *v;
}

std::string doc_of(const char* set, bool as_strings = false) {
  auto doc = set_document(json(set), as_strings);
  REQUIRE(doc);
  return core::to_json(*doc);
}

TEST_CASE("helm-template options: set keeps each value's type and nests dotted keys", "[helm_template]") {
  CHECK(doc_of(R"({"miner.replicas": 3, "seed.enabled": true, "image.tag": "v1"})") ==
        R"({"miner":{"replicas":3},"seed":{"enabled":true},"image":{"tag":"v1"}})");
  CHECK(doc_of(R"({"hosts": ["a", "b"], "ratio": 0.5, "off": null})") == R"({"hosts":["a","b"],"ratio":0.5,"off":null})");
}

TEST_CASE("helm-template options: later set keys win and maps merge like values files", "[helm_template]") {
  CHECK(doc_of(R"({"a.b": 1, "a.c": 2, "a.b": 3})") == R"({"a":{"b":3,"c":2}})");
  CHECK(doc_of(R"({"a": {"x": 1, "y": 2}, "a.y": 5})") == R"({"a":{"x":1,"y":5}})");
  CHECK(doc_of(R"({"a.b": 1, "a": 7})") == R"({"a":7})");
}

TEST_CASE("helm-template options: an escaped dot stays in the key", "[helm_template]") {
  CHECK(doc_of(R"({"annotations.app\\.kubernetes\\.io/name": "net"})") ==
        R"({"annotations":{"app.kubernetes.io/name":"net"}})");
}

TEST_CASE("helm-template options: set-string makes every scalar a string", "[helm_template]") {
  CHECK(doc_of(R"({"image.tag": 1.10, "flag": true, "n": 3})", true) == R"({"image":{"tag":"1.1"},"flag":"true","n":"3"})");
  auto list = set_document(json(R"({"a": [1]})"), true);
  REQUIRE_FALSE(list);
  CHECK_THAT(list.error(), Contains("expected a string"));
}

TEST_CASE("helm-template options: list indexes and empty key parts are refused", "[helm_template]") {
  CHECK_THAT(set_key_problem("hosts[0]"), Contains("list indexes are not supported"));
  CHECK_THAT(set_key_problem("a..b"), Contains("empty part"));
  CHECK_THAT(set_key_problem(".a"), Contains("empty part"));
  CHECK(set_key_problem("a.b-c.d_e").empty());
  CHECK_FALSE(set_document(json(R"({"a[1]": 2})"), false));
}

TEST_CASE("helm-template options: the argv has values files in order, generated ones last, and every flag",
          "[helm_template]") {
  auto o = read_options(json(R"({"chart": "chart", "release": "net", "namespace": "ns",
      "values": ["a.yaml", "b.yaml"], "kube-version": "1.31.0", "api-versions": ["x/v1", "y/v2"],
      "include-crds": true, "skip-tests": "true", "show-only": ["templates/a.yaml"]})"));
  REQUIRE(o);
  CHECK(o->dependency_build == "auto");
  std::vector<std::string> files = o->values;
  files.push_back("/attempt/set-values.yaml");
  std::vector<std::string> expected = {"template", "net", "chart", "--namespace", "ns", "--values", "a.yaml",
                                       "--values", "b.yaml", "--values", "/attempt/set-values.yaml",
                                       "--kube-version", "1.31.0", "--api-versions", "x/v1", "--api-versions", "y/v2",
                                       "--include-crds", "--skip-tests", "--show-only", "templates/a.yaml",
                                       "--output-dir", "/out"};
  CHECK(template_args(*o, files, "/out") == expected);
}

TEST_CASE("helm-template options: no value of set reaches the command line", "[helm_template]") {
  auto o = read_options(json(R"({"chart": "c", "release": "r", "set": {"token": "s3cr3t-value"},
                                 "set-string": {"pw": "hunter2"}})"));
  REQUIRE(o);
  auto args = template_args(*o, {"/attempt/set-values.yaml"}, "");
  for (const auto& a : args) {
    CHECK(a.find("s3cr3t-value") == std::string::npos);
    CHECK(a.find("hunter2") == std::string::npos);
  }
  CHECK(std::find(args.begin(), args.end(), "--output-dir") == args.end());
}

TEST_CASE("helm-template options: missing and conflicting parameters are named", "[helm_template]") {
  CHECK_THAT(read_options(json(R"({"release": "r"})")).error(), Contains("chart"));
  CHECK_THAT(read_options(json(R"({"chart": "c"})")).error(), Contains("release"));
  CHECK_THAT(read_options(json(R"({"chart": "c", "release": "r", "output": "a", "output-dir": "b"})")).error(),
             Contains("not both"));
  CHECK_THAT(read_options(json(R"({"chart": "c", "release": "r", "dependency-build": "sometimes"})")).error(),
             Contains("auto, always, never"));
}

TEST_CASE("helm-template options: release names follow helm's rule", "[helm_template]") {
  CHECK(release_name_problem("9c-sample").empty());
  CHECK(release_name_problem("a.b-c").empty());
  CHECK_THAT(release_name_problem("Net"), Contains("not a valid release name"));
  CHECK_THAT(release_name_problem("net-"), Contains("not a valid release name"));
  CHECK_THAT(release_name_problem(std::string(54, 'a')), Contains("53"));
}

}  // namespace
