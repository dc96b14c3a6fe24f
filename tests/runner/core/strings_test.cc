#include <catch2/catch.hpp>

#include "runner/core/strings.h"

using namespace wf::core;

TEST_CASE("did_you_mean: suggests a close candidate and nothing for a far one", "[core]") {
  std::vector<std::string> keys{"needs", "timeout", "continue-on-error", "working-directory"};
  CHECK(did_you_mean("need", keys) == "needs");
  CHECK(did_you_mean("timout", keys) == "timeout");
  CHECK(did_you_mean("continue-on-eror", keys) == "continue-on-error");
  CHECK_FALSE(did_you_mean("banana", keys).has_value());
  CHECK(with_suggestion("unknown key 'nede'", "nede", keys) == "unknown key 'nede'; did you mean 'needs'?");
}

TEST_CASE("iequals: ASCII case-insensitive", "[core]") {
  CHECK(iequals("GitHub", "github"));
  CHECK_FALSE(iequals("github", "gitlab"));
  CHECK_FALSE(iequals("a", "ab"));
}
