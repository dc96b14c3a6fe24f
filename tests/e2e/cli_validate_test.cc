// `wf validate` end to end: every invalid file reports exactly its expected
// diagnostics; every valid file and example validates.

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "tests/support/command.h"

namespace fs = std::filesystem;
using wf::test::read_file;
using wf::test::run_wf;

namespace {

std::vector<fs::path> yaml_files(const fs::path& dir, bool recursive) {
  std::vector<fs::path> out;
  if (recursive) {
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.path().extension() == ".yaml") out.push_back(e.path());
  } else {
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".yaml") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The .err files write the file name as FILE at the start of each line.
std::string with_file(const std::string& text, const std::string& file) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start + 1);
    if (line.rfind("FILE:", 0) == 0) line = file + line.substr(4);
    out += line;
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("validate: every invalid workflow reports exactly its expected errors", "[e2e][validate]") {
  fs::path root = WF_SOURCE_DIR;
  auto files = yaml_files(root / "tests/data/workflows/invalid", true);
  REQUIRE(files.size() >= 10);
  for (const auto& file : files) {
    std::string rel = fs::relative(file, root).string();
    DYNAMIC_SECTION(rel) {
      fs::path err = file;
      err.replace_extension(".err");
      REQUIRE(fs::exists(err));
      std::string expected = with_file(read_file(err.string()), rel);
      auto r = run_wf({"validate", rel}, root.string());
      CHECK(r.exit_code == 2);
      CHECK(r.err == expected);
      CHECK(r.out.empty());
    }
  }
}

TEST_CASE("validate: valid workflows, examples and shipped workflows pass", "[e2e][validate]") {
  fs::path root = WF_SOURCE_DIR;
  std::vector<fs::path> files = yaml_files(root / "tests/data/workflows/valid", false);
  for (const char* dir : {"examples", "workflows"}) {
    auto more = yaml_files(root / dir, false);  // subfolders hold manifests and charts, not workflows
    files.insert(files.end(), more.begin(), more.end());
  }
  REQUIRE(files.size() >= 2);
  for (const auto& file : files) {
    std::string rel = fs::relative(file, root).string();
    DYNAMIC_SECTION(rel) {
      auto r = run_wf({"validate", rel}, root.string());
      INFO(r.err);
      CHECK(r.exit_code == 0);
      CHECK(r.out.find(rel + ": valid") == 0);
    }
  }
}

TEST_CASE("validate: several files report each file's errors and exit 2", "[e2e][validate]") {
  wf::test::TempDir dir;
  std::string good = dir.write("good.yaml", "steps:\n  a:\n    run: echo a\n");
  std::string bad = dir.write("bad.yaml", "steps:\n  a:\n    rn: echo a\n");
  auto r = run_wf({"validate", good, bad});
  CHECK(r.exit_code == 2);
  CHECK(r.out == good + ": valid (1 step)\n");
  CHECK(r.err.find(bad + ":3:5: unknown key 'rn' in step 'a'; did you mean 'run'?") != std::string::npos);
  CHECK(r.err.find("1 of 2 files have errors") != std::string::npos);
}

TEST_CASE("validate: a missing file is an error, not a crash", "[e2e][validate]") {
  auto r = run_wf({"validate", "/nonexistent/wf.yaml"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("/nonexistent/wf.yaml") == 0);
}
