#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "runner/expr/hash_files.h"
#include "tests/runner/expr/expr_test_util.h"

using namespace wf;
using namespace wf::expr;
namespace fs = std::filesystem;

namespace {

// A temporary tree with act's hashing fixtures (nektos/act
// pkg/exprparser/testdata) and a few more files; removed afterwards.
class Tree {
 public:
  Tree() {
    std::string tmpl = (fs::temp_directory_path() / "wf-hashfiles-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    root_ = tmpl;
    write("for-hashing-1.txt", "Hello\n");
    write("for-hashing-2.txt", "World!\n");
    write("for-hashing-3/data.txt", "Knock knock!\n");
    write("for-hashing-3/nested/nested-data.txt", "Anybody home?\n");
    write("order/a.txt", "dot\n");
    write("order/a/b.txt", "slash\n");
    write(".hidden/x.cfg", "cfg");
  }
  ~Tree() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;

  void write(const std::string& name, const std::string& content) const {
    fs::create_directories((root_ / name).parent_path());
    std::ofstream(root_ / name, std::ios::binary) << content;
  }
  std::string root() const { return root_.string(); }

  std::string hash(std::string_view expression) const {
    auto e = Expression::parse(expression, {});
    REQUIRE(e.ok());
    EvalContext ctx;
    ctx.hash_files_root = root();
    auto v = e->evaluate(ctx);
    INFO(expression << " -> " << (v ? test::show(*v) : test::show(v.error())));
    REQUIRE(v.ok());
    REQUIRE(v->is_string());
    return v->as_string();
  }

 private:
  fs::path root_;
};

// sha256sum of each file, the hex digests turned back into bytes and hashed
// again: an independent computation of the expected value.
// The same hash computed independently, by Python's hashlib.
std::string python_hash(const Tree& t, const std::vector<std::string>& files) {
  std::string cmd = "cd '" + t.root() + "' && /usr/bin/python3 -c 'import hashlib, sys; print(hashlib.sha256("
                    "b\"\".join(hashlib.sha256(open(f, \"rb\").read()).digest() for f in sys.argv[1:])).hexdigest())'";
  for (const auto& f : files) cmd += " '" + f + "'";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[128];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}


// Precomputed with Python: sha256(b''.join(sha256(content).digest() for each file)).
constexpr const char* kOne = "31ff3fcb19566e855efbe0c4eb393d1a7807e08c4f1cf4f1a89e29d9d55968c5";
constexpr const char* kTwo = "56c352d06ebcf622658fb248292304a432b204d29e11ba76c96dbb647d3b73ad";
constexpr const char* kAllFour = "9af859a89b56aaf2c1bcc457fccd56b85a70d827b9ad588a8929971432580979";
constexpr const char* kDir3 = "971c07fd4bb8d8afd1ba0a410a3326c1afc51185e262a5b7416308464874eb9c";
constexpr const char* kNested = "f5b93541229f40ca0a8a59ec7776bdc80fdb955b5e258c07717efc9b39527d5a";
constexpr const char* kOrder = "95356b92be3fa3a74876b2f87f031c9c63be016e488701c037709f66fea0c75b";
constexpr const char* kHidden = "114deb3af59abd2121cb36f6de280ccb4ce5b5d57cb063558930a10bffb45358";

}  // namespace

TEST_CASE("hashFiles: hashes the SHA-256 digests of the matched files", "[expr][hashFiles]") {
  Tree t;
  CHECK(t.hash("hashFiles('for-hashing-1.txt')") == kOne);
  CHECK(t.hash("hashFiles('./for-hashing-1.txt')") == kOne);
  CHECK(t.hash("hashFiles(format('{0}/for-hashing-1.txt', '.'))") == kOne);
  CHECK(t.hash("hashFiles('./for-hashing-*.txt')") == kTwo);
  CHECK(t.hash("hashFiles('for-hashing-2.txt', 'for-hashing-1.txt')") == kTwo);  // path order, not pattern order
  CHECK(t.hash("hashFiles('for-hashing-?.txt')") == kTwo);
  CHECK(t.hash("hashFiles('for-hashing-[12].txt')") == kTwo);
  CHECK(t.hash("hashFiles('for-hashing-[!2].txt')") == kOne);
}

TEST_CASE("hashFiles: ** spans directories and a directory selects its files", "[expr][hashFiles]") {
  Tree t;
  CHECK(t.hash("hashFiles('./for-hashing-**')") == kAllFour);
  CHECK(t.hash("hashFiles('for-hashing-*')") == kAllFour);
  CHECK(t.hash("hashFiles('./for-hashing-3/**')") == kDir3);
  CHECK(t.hash("hashFiles('for-hashing-3')") == kDir3);
  CHECK(t.hash("hashFiles('./for-hashing-3/**/nested-data.txt')") == kNested);
  CHECK(t.hash("hashFiles('**/nested-data.txt')") == kNested);
  CHECK(t.hash("hashFiles('**/*.cfg')") == kHidden);
  CHECK(t.hash(std::string("hashFiles('") + t.root() + "/for-hashing-1.txt')") == kOne);
}

TEST_CASE("hashFiles: ! excludes and later patterns win", "[expr][hashFiles]") {
  Tree t;
  CHECK(t.hash("hashFiles('./for-hashing-*.txt', '!./for-hashing-2.txt')") == kOne);
  CHECK(t.hash("hashFiles('for-hashing-*', '!for-hashing-3/nested')") ==
        t.hash("hashFiles('for-hashing-?.txt', 'for-hashing-3/data.txt')"));
  CHECK(t.hash("hashFiles('*.txt', '!*.txt', 'for-hashing-1.txt')") == kOne);
  CHECK(t.hash("hashFiles('for-hashing-1.txt\n# comment\n\nfor-hashing-2.txt')") == kTwo);
}

TEST_CASE("hashFiles: files are taken directory by directory", "[expr][hashFiles]") {
  Tree t;
  CHECK(t.hash("hashFiles('order/**')") == kOrder);  // order/a/b.txt before order/a.txt
}

TEST_CASE("hashFiles: nothing matched gives ''", "[expr][hashFiles]") {
  Tree t;
  CHECK(t.hash("hashFiles('**/non-extant-files')") == "");
  CHECK(t.hash("hashFiles('**/non-extant-files', '**/more-non-extant-files')") == "");
  CHECK(t.hash("hashFiles('/elsewhere/for-hashing-1.txt')") == "");
  CHECK(t.hash("hashFiles('!for-hashing-1.txt')") == "");
}

TEST_CASE("hashFiles: agrees with Python's hashlib", "[expr][hashFiles]") {
  INFO("needs /usr/bin/python3: apt-get install python3 (scripts/install-deps.sh does)");
  REQUIRE(std::system("/usr/bin/python3 -c 'import hashlib' 2>/dev/null") == 0);
  Tree t;
  CHECK(t.hash("hashFiles('for-hashing-1.txt')") == python_hash(t, {"for-hashing-1.txt"}));
  CHECK(t.hash("hashFiles('**/*.txt')") ==
        python_hash(t, {"for-hashing-1.txt", "for-hashing-2.txt", "for-hashing-3/data.txt",
                       "for-hashing-3/nested/nested-data.txt", "order/a/b.txt", "order/a.txt"}));
}

TEST_CASE("hashFiles: a pattern that is not a string is an evaluation error", "[expr][hashFiles]") {
  auto e = Expression::parse("hashFiles(1)", {});
  REQUIRE(e.ok());
  auto v = e->evaluate({});
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().stage == Error::Stage::kEvaluation);
  CHECK(v.error().message == "hashFiles() patterns must be strings");
}

TEST_CASE("hashFiles: an unreadable file is an evaluation error", "[expr][hashFiles]") {
  Tree t;
  fs::permissions(t.root(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(fs::path(t.root()) / "for-hashing-1.txt", fs::perms::none);
  auto message = [&]() -> std::string {
    auto e = Expression::parse("hashFiles('for-hashing-1.txt')", {});
    EvalContext ctx;
    ctx.hash_files_root = t.root();
    auto v = e->evaluate(ctx);
    return v.ok() ? "(no error)" : v.error().message;
  };
  if (geteuid() != 0) {
    CHECK(message() == "hashFiles: cannot read 'for-hashing-1.txt'");
    return;
  }
  // Permissions do not stop root: evaluate as nobody in a child process.
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(2);
    _exit(message() == "hashFiles: cannot read 'for-hashing-1.txt'" ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("glob_match: segments, classes and **", "[expr][hashFiles]") {
  CHECK(glob_match("*.txt", "a.txt"));
  CHECK_FALSE(glob_match("*.txt", "dir/a.txt"));
  CHECK(glob_match("**/*.txt", "a.txt"));
  CHECK(glob_match("**/*.txt", "x/y/a.txt"));
  CHECK(glob_match("src", "src/deep/file.c"));
  CHECK(glob_match("a/**/b", "a/b"));
  CHECK(glob_match("a/**/b", "a/x/y/b"));
  CHECK_FALSE(glob_match("a/**/b", "a/x/y/c"));
  CHECK(glob_match("?.c", "x.c"));
  CHECK_FALSE(glob_match("?.c", "xy.c"));
  CHECK(glob_match("[a-c]*", "beta"));
  CHECK_FALSE(glob_match("[!a-c]*", "beta"));
  CHECK(glob_match("\\*.md", "*.md"));
  CHECK_FALSE(glob_match("\\*.md", "x.md"));
  CHECK(glob_match("*", ".hidden"));
}
