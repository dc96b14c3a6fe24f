// The modules wf loads on first use (runner/adapters/module_loader.h), through
// the real wf binary: what starts without them, where they are found, and
// the message when one is missing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "tests/support/command.h"

namespace fs = std::filesystem;
using wf::test::run_command;
using wf::test::run_wf;
using wf::test::TempDir;

namespace {

const char* const kModules[] = {"wf-http.so", "wf-git.so", "wf-log.so"};

std::string build_dir() { return fs::path(WF_BINARY).parent_path().string(); }

// A workflow whose run reads the git context (wf-git.so) and writes wf.log (wf-log.so).
std::string git_workflow(const TempDir& d) {
  return d.write("w/git.yaml", "name: g\nsteps:\n  show:\n    run: echo \"sha=[${{ git.sha }}]\"\n");
}

// A copy of wf in d/bin, with the modules in d/lib/wf except `left_out`.
std::string installed_copy(const TempDir& d, const std::string& left_out = "") {
  fs::create_directories(d.path() + "/bin");
  fs::create_directories(d.path() + "/lib/wf");
  fs::copy_file(WF_BINARY, d.path() + "/bin/wf");
  for (const char* m : kModules)
    if (m != left_out) fs::copy_file(build_dir() + "/" + m, d.path() + "/lib/wf/" + m);
  return d.path() + "/bin/wf";
}

}  // namespace

TEST_CASE("modules: wf --version and wf validate load neither libcurl, libgit2, spdlog nor libcrypto",
          "[adapters][modules]") {
  for (auto args : {std::vector<std::string>{"--version"},
                    std::vector<std::string>{"validate", std::string(WF_SOURCE_DIR) + "/workflows/deploy-testnet.yaml"}}) {
    auto r = run_wf(args, "", {{"LD_DEBUG", "files"}});
    INFO(args[0] << "\n" << r.err.substr(0, 4000));
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("libstdc++") != std::string::npos);  // LD_DEBUG did list the libraries
    for (const char* lib : {"libcurl", "libgit2", "libspdlog", "libcrypto", "wf-http.so", "wf-git.so", "wf-log.so"})
      CHECK(r.err.find(lib) == std::string::npos);
  }
}

TEST_CASE("modules: an installed wf (bin/wf, lib/wf/*.so) finds them in ../lib/wf", "[adapters][modules]") {
  TempDir d;
  std::string wf = installed_copy(d);
  auto r = run_command({wf, "run", git_workflow(d)}, d.path(), {{"LD_DEBUG", "files"}});
  INFO(r.out << r.err.substr(0, 4000));
  CHECK(r.exit_code == 0);
  CHECK(r.err.find(d.path() + "/lib/wf/wf-git.so") != std::string::npos);
  CHECK(r.err.find(d.path() + "/lib/wf/wf-log.so") != std::string::npos);
  CHECK(r.err.find("warning") == std::string::npos);
}

TEST_CASE("modules: without wf-git.so, a run that reads the git context fails naming the file and why",
          "[adapters][modules]") {
  TempDir d;
  std::string wf = installed_copy(d, "wf-git.so");
  auto r = run_command({wf, "run", git_workflow(d)}, d.path());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 70);
  CHECK(r.err.find("wf: error: cannot load " + d.path() + "/bin/wf-git.so (nor " + d.path() + "/lib/wf/wf-git.so)") !=
        std::string::npos);
  CHECK(r.err.find("git repositories (libgit2)") != std::string::npos);
  CHECK(r.err.find("No such file or directory") != std::string::npos);  // dlerror()'s words
  CHECK(r.err.find("internal error") == std::string::npos);
}

TEST_CASE("modules: without wf-http.so, a gh-dispatch step fails with the reason, and nothing crashes",
          "[adapters][modules]") {
  TempDir d;
  std::string wf = installed_copy(d, "wf-http.so");
  std::string file = d.write("w/http.yaml",
                             "name: h\nsteps:\n  dispatch:\n    uses: gh-dispatch\n    with:\n      repo: o/r\n"
                             "      workflow: w.yaml\n      ref: main\n      token: t\n      api-url: http://127.0.0.1:1\n");
  auto r = run_command({wf, "run", file}, d.path());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK((r.out + r.err).find("cannot load " + d.path() + "/bin/wf-http.so") != std::string::npos);
  CHECK((r.out + r.err).find("HTTP requests (libcurl)") != std::string::npos);
}

TEST_CASE("modules: without wf-log.so, a run still runs and says once that wf.log is missing", "[adapters][modules]") {
  TempDir d;
  std::string wf = installed_copy(d, "wf-log.so");
  std::string file = d.write("w/plain.yaml", "name: p\nsteps:\n  a:\n    run: echo hi\n");
  auto r = run_command({wf, "run", file}, d.path());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  std::string warning = "wf: warning: cannot load " + d.path() + "/bin/wf-log.so";
  size_t at = r.err.find(warning);
  CHECK(at != std::string::npos);
  CHECK(r.err.find(warning, at + 1) == std::string::npos);
  CHECK(r.out.find("hi") != std::string::npos);
}

TEST_CASE("modules: a module that is there but cannot load is named with the loader's reason", "[adapters][modules]") {
  TempDir d;
  std::string wf = installed_copy(d, "wf-git.so");
  d.write("lib/wf/wf-git.so", std::string(200, 'x'));
  auto r = run_command({wf, "run", git_workflow(d)}, d.path());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 70);
  CHECK(r.err.find("wf: error: cannot load " + d.path() + "/lib/wf/wf-git.so, which wf needs") != std::string::npos);
  CHECK(r.err.find("invalid ELF header") != std::string::npos);
}
