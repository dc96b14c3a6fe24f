// The git step over smart HTTP (git http-backend behind a local server that
// demands a token), through the step and through the real wf binary: the
// token is sent, and never shows up in output, journal, logs or .git/config.

#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/steps/git/git_fixture.h"
#include "tests/steps/git/git_http_server.h"

using wf::core::FailureClass;
using wf::test::GitHttpServer;
using wf::test::read_file;
using wf::test::TempDir;
using namespace wf::test::gitfx;
namespace fs = std::filesystem;

namespace {

constexpr const char* kToken = "ghs_T0kenValue4Tests9xq";

std::string all_files_text(const std::string& dir) {
  std::string text;
  for (const auto& f : wf::test::files_under(dir)) text += read_file(f);
  return text;
}

std::string workflow(const std::string& url) {
  return "name: git-http\n"
         "secrets:\n"
         "  tok: { env: WF_TEST_GIT_TOKEN }\n"
         "steps:\n"
         "  src:\n"
         "    uses: git\n"
         "    with:\n"
         "      action: checkout\n"
         "      repo: " + url + "\n"
         "      ref: main\n"
         "      dir: src\n"
         "      token: ${{ secrets.tok }}\n"
         "  pushed:\n"
         "    needs: [src]\n"
         "    uses: git\n"
         "    with: { action: require-pushed, dir: src, token: \"${{ secrets.tok }}\" }\n"
         "  show:\n"
         "    needs: [src]\n"
         "    run: echo \"sha=${{ steps.src.outputs.sha }} ref=${{ steps.src.outputs.ref }}\"\n";
}

}  // namespace

TEST_CASE("git http: checkout and require-pushed with a token, which is in no output, log, journal or config",
          "[git][http]") {
  Origin o;
  GitHttpServer server(o.root.path(), kToken);
  std::string url = server.url() + "/origin.git";
  TempDir w;
  w.write("wf.yaml", workflow(url));
  auto r = wf::test::run_wf_local({"run", "wf.yaml"}, w.path(), {{"WF_TEST_GIT_TOKEN", kToken}}, 120);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("sha=" + rev(o.work) + " ref=refs/heads/main") != std::string::npos);
  CHECK(fs::exists(w.path() + "/src/README.md"));
  CHECK(server.refused() >= 1);                        // asked without credentials first, as git does
  CHECK(server.users() == "x-access-token\n");
  std::string config = read_file(w.path() + "/src/.git/config");
  CHECK(config.find(kToken) == std::string::npos);
  CHECK(config.find("url = " + url) != std::string::npos);
  CHECK((r.out + r.err).find(kToken) == std::string::npos);
  CHECK(all_files_text(w.path() + "/.wf").find(kToken) == std::string::npos);
  CHECK(all_files_text(w.path() + "/src/.git").find(kToken) == std::string::npos);
}

TEST_CASE("git http: a wrong or missing token fails permanent, saying so without the token", "[git][http]") {
  Origin o;
  GitHttpServer server(o.root.path(), kToken);
  TempDir w;
  std::string with = R"({"action":"checkout","repo":")" + server.url() + R"(/origin.git","dir":"src")";
  auto wrong = run_step(with + R"(,"token":"not-the-token"})", w.path());
  INFO(wrong.result.summary << "\n" << wrong.log);
  REQUIRE_FALSE(wrong.result.ok);
  CHECK(wrong.result.failure_class == FailureClass::kPermanent);
  CHECK(wrong.result.summary.find("refused the credentials") != std::string::npos);
  CHECK(wrong.result.summary.find("not-the-token") == std::string::npos);
  CHECK(wrong.secrets == std::vector<std::string>{"not-the-token"});

  auto none = run_step(with + "}", w.path());
  REQUIRE_FALSE(none.result.ok);
  CHECK(none.result.failure_class == FailureClass::kPermanent);
  CHECK(none.result.summary.find("give a `token`") != std::string::npos);
}

TEST_CASE("git http: a token inside the repo URL is taken out of it before anything stores or shows it",
          "[git][http]") {
  Origin o;
  GitHttpServer server(o.root.path(), kToken);
  TempDir w;
  std::string plain = server.url() + "/origin.git";
  std::string with_creds = "http://x-access-token:" + std::string(kToken) + "@" + plain.substr(7);
  auto r = run_step(R"({"action":"checkout","repo":")" + with_creds + R"(","dir":"src"})", w.path());
  INFO(r.result.summary << "\n" << r.log);
  REQUIRE(r.result.ok);
  CHECK(r.log.find(kToken) == std::string::npos);
  CHECK(r.result.summary.find(kToken) == std::string::npos);
  CHECK(read_file(w.path() + "/src/.git/config").find(kToken) == std::string::npos);
  CHECK(read_file(w.path() + "/src/.git/config").find("url = " + plain) != std::string::npos);
}

TEST_CASE("git http: require-pushed asks the http remote, and an unreachable one is transient", "[git][http]") {
  Origin o;
  GitHttpServer server(o.root.path(), kToken);
  git(o.work, {"remote", "set-url", "origin", server.url() + "/origin.git"});
  std::string with = std::string(R"({"action":"require-pushed","token":")") + kToken + R"("})";
  auto ok = run_step(with, o.work);
  INFO(ok.result.summary << "\n" << ok.log);
  CHECK(ok.result.ok);
  std::string sha = o.commit("x.txt", "x\n", "local only");
  auto r = run_step(with, o.work);
  CHECK_FALSE(r.result.ok);
  CHECK(r.result.summary.find(sha.substr(0, 7) + " local only") != std::string::npos);

  TempDir w;
  auto down = run_step(R"({"action":"checkout","repo":"http://127.0.0.1:9/origin.git","dir":"src"})", w.path());
  CHECK_FALSE(down.result.ok);
  CHECK(down.result.failure_class == FailureClass::kTransient);
}
