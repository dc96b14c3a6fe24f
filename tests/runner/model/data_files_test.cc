// The example files under tests/data/workflows: valid ones load, each
// invalid one gives exactly the diagnostics of its `.err` sibling (with the
// file's path written as FILE), against a registry holding only `run`.

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/runner/model/model_test_support.h"

using namespace wf::model;
using namespace wf::model::test;
namespace fs = std::filesystem;

namespace {

const fs::path kData = fs::path(WF_SOURCE_DIR) / "tests/data/workflows";

std::vector<fs::path> yaml_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".yaml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> lines_of(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

std::vector<std::string> diagnostics_of(const fs::path& path) {
  LoadResult r = load_workflow_file(path.string(), run_only_options());
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) {
    std::string s = d.str();
    if (s.rfind(path.string(), 0) == 0) s = "FILE" + s.substr(path.string().size());
    out.push_back(s);
  }
  return out;
}

}  // namespace

TEST_CASE("data files: every valid workflow loads without a diagnostic", "[model]") {
  auto files = yaml_files(kData / "valid");
  REQUIRE(files.size() >= 3);
  for (const auto& f : files) {
    INFO(f.filename().string());
    LoadResult r = load_workflow_file(f.string(), run_only_options());
    CHECK(errors(r) == std::vector<std::string>{});
    CHECK(r.workflow.has_value());
  }
}

TEST_CASE("data files: every invalid workflow gives exactly the diagnostics of its .err file", "[model]") {
  auto files = yaml_files(kData / "invalid");
  REQUIRE(files.size() >= 14);
  for (const auto& f : files) {
    INFO(f.filename().string());
    fs::path err = f;
    err.replace_extension(".err");
    REQUIRE(fs::exists(err));
    auto expected = lines_of(err);
    CHECK_FALSE(expected.empty());
    CHECK(diagnostics_of(f) == expected);
  }
}
