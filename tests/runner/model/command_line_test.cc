#include "runner/model/command_line.h"

#include <catch2/catch.hpp>

#include <string>

namespace {

// The command that takes the `${{ }}` of `script` as an argument, or "".
std::string taker(const std::string& script) {
  size_t at = script.find("${{");
  REQUIRE(at != std::string::npos);
  return wf::model::command_taking_argument(script, at).value_or("");
}

}  // namespace

TEST_CASE("command line: a value passed to a program is on its command line", "[model]") {
  CHECK(taker("curl -H \"Authorization: Bearer ${{ secrets.token }}\" https://x") == "curl");
  CHECK(taker("terraform apply -var=pw=${{ secrets.pw }}") == "terraform");
  CHECK(taker("set -e\ncd infra && mytool --password ${{ secrets.pw }} run") == "mytool");
  CHECK(taker("echo ok | grep -q ${{ secrets.pw }}") == "grep");
  CHECK(taker("out=$(cat ${{ secrets.file }})") == "cat");
  CHECK(taker("TOKEN=1 sudo tool \\\n  --key ${{ secrets.key }}") == "tool");
}

TEST_CASE("command line: builtins, assignments and stdin keep a value inside the shell", "[model]") {
  CHECK(taker("echo \"${{ secrets.pw }}\" | docker login --password-stdin -u ci") == "");
  CHECK(taker("printf '%s' '${{ secrets.pw }}' > key.txt") == "");
  CHECK(taker("export TF_VAR_pw=${{ secrets.pw }}") == "");
  CHECK(taker("PW=${{ secrets.pw }} terraform apply") == "");
  CHECK(taker("PW=\"${{ secrets.pw }}\"\ntool --flag") == "");
  CHECK(taker("if [ -n \"${{ secrets.pw }}\" ]; then tool; fi") == "");
}
