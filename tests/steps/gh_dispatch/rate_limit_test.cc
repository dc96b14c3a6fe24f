// gh-dispatch: classifying GitHub's answers, rate limits as GitHub documents them.

#include "steps/gh_dispatch/rate_limit.h"

#include <catch2/catch.hpp>

#include "github_fakes.h"

using namespace wf::steps::gh;
using namespace wf::gh_test;

namespace {

const Millis kSecondary{60000};

Classified classify(const HttpResponse& r) { return classify_response(r, epoch(), kSecondary); }

long long epoch_s(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

TEST_CASE("classify: 2xx is ok and 304 is not modified", "[gh-dispatch]") {
  CHECK(classify(answer(200)).verdict == Verdict::kOk);
  CHECK(classify(answer(204)).verdict == Verdict::kOk);
  CHECK(classify(answer(304)).verdict == Verdict::kNotModified);
}

TEST_CASE("classify: 401, 404 and 422 are permanent, with GitHub's message", "[gh-dispatch]") {
  auto c = classify(github_error(401, "Bad credentials"));
  CHECK(c.verdict == Verdict::kPermanent);
  CHECK(c.message == "HTTP 401: Bad credentials");
  CHECK(classify(github_error(404, "Not Found")).verdict == Verdict::kPermanent);
  auto u = classify(answer(422, R"({"message":"Unexpected inputs provided: [\"x\"]"})"));
  CHECK(u.verdict == Verdict::kPermanent);
  CHECK(u.message == R"(HTTP 422: Unexpected inputs provided: ["x"])");
  CHECK_FALSE(u.maybe_acted);
}

TEST_CASE("classify: a 403 that is not a rate limit is permanent", "[gh-dispatch]") {
  auto c = classify(github_error(403, "Resource not accessible by integration"));
  CHECK(c.verdict == Verdict::kPermanent);
  CHECK_THAT(c.message, Catch::Contains("Resource not accessible"));
}

TEST_CASE("classify: 5xx is transient and may have been acted on", "[gh-dispatch]") {
  for (int status : {500, 502, 503, 504}) {
    auto c = classify(github_error(status, "Server Error"));
    CHECK(c.verdict == Verdict::kTransient);
    CHECK(c.maybe_acted);
  }
}

TEST_CASE("classify: transport failures are transient, only unsent ones are known not acted on", "[gh-dispatch]") {
  auto sent = classify(transport_error("Operation timed out after 30000 milliseconds", true));
  CHECK(sent.verdict == Verdict::kTransient);
  CHECK(sent.maybe_acted);
  CHECK_THAT(sent.message, Catch::Contains("timed out"));
  auto refused = classify(transport_error("Failed to connect: Connection refused", false));
  CHECK(refused.verdict == Verdict::kTransient);
  CHECK_FALSE(refused.maybe_acted);
  HttpResponse cancelled = transport_error("cancelled");
  cancelled.cancelled = true;
  CHECK(classify(cancelled).verdict == Verdict::kCancelled);
}

TEST_CASE("classify: Retry-After (seconds) decides a secondary rate limit's wait", "[gh-dispatch]") {
  for (int status : {403, 429}) {
    auto c = classify(github_error(status, "You have exceeded a secondary rate limit.", {{"retry-after", "30"}}));
    CHECK(c.verdict == Verdict::kRateLimited);
    CHECK(c.wait == Millis(30000));
  }
}

TEST_CASE("classify: Retry-After as an HTTP date counts from the answer's Date", "[gh-dispatch]") {
  auto c = classify_response(
      github_error(429, "slow down",
                   {{"date", http_date(epoch() + std::chrono::hours(5))},
                    {"retry-after", http_date(epoch() + std::chrono::hours(5) + std::chrono::seconds(42))}}),
      epoch(), kSecondary);
  CHECK(c.verdict == Verdict::kRateLimited);
  CHECK(c.wait == Millis(42000));
}

TEST_CASE("classify: a used-up quota waits until x-ratelimit-reset, by the server's clock", "[gh-dispatch]") {
  SystemTime server = epoch() + std::chrono::minutes(10);  // our clock is 10 minutes behind
  auto c = classify_response(github_error(403, "API rate limit exceeded for user ID 1.",
                                          {{"date", http_date(server)},
                                           {"x-ratelimit-remaining", "0"},
                                           {"x-ratelimit-reset", std::to_string(epoch_s(server) + 120)}}),
                             epoch(), kSecondary);
  CHECK(c.verdict == Verdict::kRateLimited);
  CHECK(c.wait == Millis(121000));  // one second more: the reset is in whole seconds
}

TEST_CASE("classify: a secondary rate limit without Retry-After waits at least a minute", "[gh-dispatch]") {
  auto c = classify(github_error(403, "You have exceeded a secondary rate limit. Please wait a few minutes",
                                 {{"x-ratelimit-remaining", "4000"}}));
  CHECK(c.verdict == Verdict::kRateLimited);
  CHECK(c.wait == kSecondary);
  auto bare429 = classify(answer(429));
  CHECK(bare429.verdict == Verdict::kRateLimited);
  CHECK(bare429.wait == kSecondary);
}

TEST_CASE("classify: quota_wait reads a successful answer that used the last request", "[gh-dispatch]") {
  CHECK_FALSE(quota_wait(answer(200, "{}", {{"x-ratelimit-remaining", "12"}}), epoch()));
  auto w = quota_wait(
      answer(200, "{}", {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", std::to_string(epoch_s(epoch()) + 5)}}),
      epoch());
  CHECK(w == Millis(6000));
}

TEST_CASE("github_message: GitHub's message and errors, else the body's first line", "[gh-dispatch]") {
  CHECK(github_message(
            R"({"message":"Validation Failed","errors":[{"resource":"x","code":"missing_field","field":"ref"}]})") ==
        "Validation Failed; missing_field ref");
  CHECK(github_message("<html>\nbad gateway") == "<html>");
  CHECK(github_message(R"({"message":"line one\nline two"})") == "line one line two");
  CHECK(github_message(std::string(1000, 'x')).size() == 303);
}

TEST_CASE("classify: a reset or Retry-After years away waits a day at most, without overflow", "[gh-dispatch]") {
  // Found by the github_response fuzzer: x-ratelimit-reset 17966170600 (year
  // 2539) overflowed the nanosecond clock, and a huge Retry-After * 1000 did too.
  auto reset = classify_response(github_error(403, "API rate limit exceeded for user ID 1.",
                                              {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "17966170600"}}),
                                 epoch(), kSecondary);
  CHECK(reset.verdict == Verdict::kRateLimited);
  CHECK(reset.wait == Millis(24 * 3600 * 1000 + 1000));
  auto after = classify_response(github_error(429, "slow down", {{"retry-after", "9223372036854775807"}}), epoch(),
                                 kSecondary);
  CHECK(after.verdict == Verdict::kRateLimited);
  CHECK(after.wait == Millis(24 * 3600 * 1000));
}
