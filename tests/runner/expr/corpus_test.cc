// Runs every case of tests/data/github-expressions.jsonl (see
// github-expressions.md): GitHub's own xlang suite, act's tests, the docs
// examples and the status-function cases.

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>

#include "runner/core/json.h"
#include "runner/expr/expr.h"

using namespace wf;
using Json = nlohmann::ordered_json;

namespace {

core::Value to_value(const Json& j) {
  auto v = core::parse_json(j.dump());
  REQUIRE(v.ok());
  return *v;
}

bool same_value(const core::Value& a, const core::Value& b, bool multiset);

bool same_array(const core::Value::Array& a, const core::Value::Array& b, bool multiset) {
  if (a.size() != b.size()) return false;
  if (!multiset) {
    for (size_t i = 0; i < a.size(); ++i)
      if (!same_value(a[i], b[i], false)) return false;
    return true;
  }
  std::vector<bool> used(b.size(), false);
  for (const auto& x : a) {
    bool found = false;
    for (size_t i = 0; i < b.size() && !found; ++i)
      if (!used[i] && same_value(x, b[i], false)) used[i] = found = true;
    if (!found) return false;
  }
  return true;
}

// Deep equality; numbers compare numerically.
bool same_value(const core::Value& a, const core::Value& b, bool multiset) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case core::Value::Kind::kNumber: return a.as_number() == b.as_number();
    case core::Value::Kind::kArray: return same_array(a.as_array(), b.as_array(), multiset);
    case core::Value::Kind::kObject: {
      const auto& x = a.as_object();
      const auto& y = b.as_object();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (x[i].first != y[i].first || !same_value(x[i].second, y[i].second, false)) return false;
      return true;
    }
    default: return a == b;
  }
}

const char* kind_name(core::Value::Kind k) {
  switch (k) {
    case core::Value::Kind::kNull: return "Null";
    case core::Value::Kind::kBool: return "Boolean";
    case core::Value::Kind::kNumber: return "Number";
    case core::Value::Kind::kString: return "String";
    case core::Value::Kind::kArray: return "Array";
    case core::Value::Kind::kObject: return "Object";
  }
  return "?";
}

const char* stage_name(expr::Error::Stage s) {
  switch (s) {
    case expr::Error::Stage::kLexing: return "lexing";
    case expr::Error::Stage::kParsing: return "parsing";
    case expr::Error::Stage::kEvaluation: return "evaluation";
  }
  return "?";
}

// The GitHub answer a DIVERGENT note gives after "give", "giving" or "->".
std::optional<core::Value> github_answer(const std::string& note) {
  static const std::regex marker(R"((?:give|giving|->)\s+)");
  std::optional<core::Value> answer;
  for (auto it = std::sregex_iterator(note.begin(), note.end(), marker); it != std::sregex_iterator(); ++it) {
    std::istringstream rest(note.substr(static_cast<size_t>(it->position() + it->length())));
    std::string word;
    while (rest >> word) {
      while (!word.empty() && (word.back() == '.' || word.back() == ',' || word.back() == ')')) word.pop_back();
      auto v = core::parse_json(word);
      if (v.ok()) {
        answer = *v;
        break;
      }
    }
  }
  return answer;
}

struct Outcome {
  bool pass = false;
  std::string actual;
};

std::string describe(const core::Value& v) { return core::to_json(v) + " (" + kind_name(v.kind()) + ")"; }

Outcome check_error(const Json& c, const expr::Error& e) {
  Outcome o;
  o.actual = std::string(stage_name(e.stage)) + " error at column " + std::to_string(e.column) + ": " + e.message;
  if (!c.contains("error_kind")) return o;
  o.pass = c["error_kind"].get<std::string>() == stage_name(e.stage);
  // GitHub's messages (not act's rewordings) must appear in ours.
  std::string upstream = c["error_message"].get<std::string>();
  upstream = upstream.substr(0, upstream.find(". Located"));
  if (c["source"].get<std::string>().rfind("nektos/act", 0) != 0 && e.message.find(upstream) == std::string::npos)
    o.pass = false;
  // Upstream messages say where: "Located at position N within expression".
  // Upstream matches messages as substrings, so a message that ends right
  // after N ("position 1") also accepts "position 10".
  std::smatch m;
  std::string msg = c["error_message"].get<std::string>();
  if (o.pass && std::regex_search(msg, m, std::regex(R"(Located at position (\d+)( within)?)"))) {
    std::string column = std::to_string(e.column);
    o.pass = m[2].matched ? m[1].str() == column : column.rfind(m[1].str(), 0) == 0;
  }
  return o;
}

Outcome check_value(const Json& c, const core::Value& actual, const core::Value& expected) {
  Outcome o;
  o.actual = describe(actual);
  if (c.value("expected_special_number", false)) {
    std::string s = c["expected"].get<std::string>();
    double d = actual.is_number() ? actual.as_number() : 0;
    o.pass = actual.is_number() && (s == "NaN" ? std::isnan(d) : d == (s[0] == '-' ? -INFINITY : INFINITY));
    return o;
  }
  if (c.contains("kind") && c["kind"].get<std::string>() != kind_name(actual.kind())) return o;
  bool multiset = c.value("note", "").find("multiset") != std::string::npos;
  o.pass = same_value(actual, expected, multiset);
  return o;
}

Outcome run_case(const Json& c, const core::Value& expected, bool expect_error) {
  core::Value context = to_value(c["context"]);
  expr::ParseOptions opts;
  for (const auto& [k, v] : context.as_object()) opts.named_values.push_back(k);
  expr::EvalContext ctx;
  ctx.named_values = context;
  std::string status = c.value("job_status", "success");
  ctx.status = status == "failure"     ? expr::JobStatus::kFailure
               : status == "cancelled" ? expr::JobStatus::kCancelled
                                       : expr::JobStatus::kSuccess;
  auto e = expr::Expression::parse(c["expr"].get<std::string>(), opts);
  if (!e) return check_error(c, e.error());
  if (c.value("mode", "") == "if") {
    auto b = expr::evaluate_condition(*e, ctx);
    if (!b) return check_error(c, b.error());
    return check_value(c, core::Value(*b), expected);
  }
  auto v = e->evaluate(ctx);
  if (!v) return check_error(c, v.error());
  if (expect_error) return Outcome{false, describe(*v)};
  return check_value(c, *v, expected);
}

}  // namespace

TEST_CASE("expr: the GitHub answer is read from a DIVERGENT note", "[expr][corpus]") {
  CHECK(core::to_json(*github_answer("act returns null; ... so GitHub semantics give 1")) == "1");
  CHECK(core::to_json(*github_answer("GitHub semantics (op_ne 'null != null') give false")) == "false");
  CHECK(core::to_json(*github_answer("(op_ne 'a != b' -> true) compare objects by reference, giving true")) == "true");
  CHECK(core::to_json(*github_answer("GitHub semantics (...) give an empty array []")) == "[]");
  CHECK(core::to_json(*github_answer("so contains(null,'s') -> false")) == "false");
  CHECK_FALSE(github_answer("act differs here").has_value());
}

TEST_CASE("expr: every case of the GitHub expression corpus passes", "[expr][corpus]") {
  std::ifstream in(WF_SOURCE_DIR "/tests/data/github-expressions.jsonl");
  REQUIRE(in);
  int counted = 0, passed = 0, skipped = 0, divergent = 0;
  std::vector<std::string> failures;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Json c = Json::parse(line);
    std::string note = c.value("note", "");
    Json expected_json = c["expected"];
    bool expect_error = c.contains("error_kind");
    if (note.find("IMPLEMENTATION-DEPENDENT") != std::string::npos) {
      ++skipped;
      continue;
    }
    if (note.find("DIVERGENT") != std::string::npos) {
      auto answer = github_answer(note);
      if (!answer) {
        ++skipped;
        continue;
      }
      // Check GitHub's answer instead of act's.
      ++divergent;
      expected_json = Json::parse(core::to_json(*answer));
      c.erase("error_kind");
      c.erase("kind");
      c["expected"] = expected_json;
      expect_error = false;
    }
    ++counted;
    core::Value expected = expect_error ? core::Value() : to_value(expected_json);
    Outcome o = run_case(c, expected, expect_error);
    if (o.pass) {
      ++passed;
      continue;
    }
    std::string want = expect_error ? c["error_kind"].get<std::string>() + " error: " + c["error_message"].get<std::string>()
                                    : expected_json.dump() + " (" + c.value("kind", "?") + ")";
    failures.push_back("case " + std::to_string(c["id"].get<int>()) + ": " + c["expr"].get<std::string>() +
                       "\n    expected: " + want + "\n    actual:   " + o.actual);
  }
  for (const auto& f : failures) std::cout << f << "\n";
  std::cout << "expression corpus: " << passed << "/" << counted << " passed (" << divergent
            << " DIVERGENT act cases checked against GitHub's answer; " << skipped
            << " IMPLEMENTATION-DEPENDENT or unparseable DIVERGENT cases not counted)\n";
  CHECK(counted > 1400);
  CHECK(failures.empty());
}
