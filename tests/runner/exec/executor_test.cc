// The scheduler through fake step types and a manual clock: ordering,
// parallelism at 1, 2 and 8 workers, fail-fast, conditions, retries and
// backoff, outputs, cancellation, journal and resume — no processes, no sleeps.

#include "tests/runner/exec/executor_harness.h"

TEST_CASE("executor: a step starts only after all its needs", "[exec]") {
  for (int jobs : {1, 2, 8}) {
    Harness h;
    h.options.jobs = jobs;
    auto end = h.run(R"(steps:
  d: { uses: fake, needs: [b, c] }
  b: { uses: fake, needs: [a] }
  c: { uses: fake, needs: [a] }
  a: { uses: fake }
)");
    INFO("jobs " << jobs);
    CHECK(end.exit_code == 0);
    auto& s = h.record.started;
    REQUIRE(s.size() == 4);
    CHECK(position(s, "a") < position(s, "b"));
    CHECK(position(s, "a") < position(s, "c"));
    CHECK(position(s, "b") < position(s, "d"));
    CHECK(position(s, "c") < position(s, "d"));
  }
}

TEST_CASE("executor: independent steps run up to -j at once, never more", "[exec]") {
  for (int jobs : {1, 2, 8}) {
    Harness h;
    h.options.jobs = jobs;
    h.record.hold_for = jobs;  // steps wait in groups of `jobs` until the group runs together
    h.record.total = 8;
    std::string yaml = "steps:\n";
    for (int i = 0; i < 8; ++i) yaml += "  s" + std::to_string(i) + ": { uses: fake, with: { hold: true } }\n";
    auto end = h.run(yaml);
    INFO("jobs " << jobs);
    CHECK(end.exit_code == 0);
    CHECK(h.record.max_running == jobs);
    CHECK(h.record.started.size() == 8);
  }
}

TEST_CASE("executor: outputs flow to later steps with their outcome", "[exec]") {
  Harness h;
  auto end = h.run(R"(steps:
  a: { uses: fake, with: { outputs: { tag: v1.2, n: 3 } } }
  b:
    uses: fake
    needs: [a]
    with:
      value: ${{ steps.a.outputs.tag }}-${{ steps.a.outcome }}
  c:
    uses: fake
    needs: [b]
    with:
      value: ${{ steps.a.outputs.n }}
)");
  CHECK(end.exit_code == 0);
  CHECK(h.record.seen["b"].find("value")->as_string() == "v1.2-success");
  CHECK(h.record.seen["c"].find("value")->as_number() == 3);  // a lone expression keeps its type
  CHECK(Harness::step(end, "a").outputs.find("tag")->as_string() == "v1.2");
}

TEST_CASE("executor: a failure skips dependents and, by default, steps not started", "[exec]") {
  Harness h;
  auto end = h.run(R"(steps:
  a: { uses: fake, with: { fail: 1, class: permanent } }
  b: { uses: fake, needs: [a] }
  c: { uses: fake }
  cleanup: { uses: fake, needs: [b], if: "${{ always() }}" }
  on-failure: { uses: fake, needs: [a], if: failure() }
)");
  CHECK(end.exit_code == 1);
  CHECK(Harness::step(end, "a").outcome == exec::Outcome::kFailure);
  CHECK(Harness::step(end, "b").outcome == exec::Outcome::kSkipped);
  CHECK(Harness::step(end, "b").reason == "not started: step 'a' failed (--keep-going runs independent steps)");
  CHECK(Harness::step(end, "c").outcome == exec::Outcome::kSkipped);
  CHECK(Harness::step(end, "cleanup").outcome == exec::Outcome::kSuccess);
  CHECK(Harness::step(end, "on-failure").outcome == exec::Outcome::kSuccess);
}

TEST_CASE("executor: --keep-going runs independent steps after a failure", "[exec]") {
  Harness h;
  h.options.keep_going = true;
  auto end = h.run(R"(steps:
  a: { uses: fake, with: { fail: 1, class: permanent } }
  b: { uses: fake, needs: [a] }
  c: { uses: fake }
  d: { uses: fake, needs: [c], if: failure() }
)");
  CHECK(end.exit_code == 1);
  CHECK(Harness::step(end, "b").reason == "needs 'a', which ended failure");
  CHECK(Harness::step(end, "c").outcome == exec::Outcome::kSuccess);
  // failure() looks at the step's own ancestors: c's branch did not fail.
  CHECK(Harness::step(end, "d").outcome == exec::Outcome::kSkipped);
}

TEST_CASE("executor: continue-on-error lets dependents run and the run succeed", "[exec]") {
  Harness h;
  auto end = h.run(R"(steps:
  a: { uses: fake, continue-on-error: true, with: { fail: 1, class: permanent } }
  b:
    uses: fake
    needs: [a]
    with: { value: "${{ steps.a.outcome }}/${{ steps.a.conclusion }}" }
)");
  CHECK(end.exit_code == 0);
  CHECK(Harness::step(end, "a").outcome == exec::Outcome::kFailure);
  CHECK(h.record.seen["b"].find("value")->as_string() == "failure/success");
}

TEST_CASE("executor: a false if skips the step and its dependents", "[exec]") {
  Harness h;
  h.options.inputs = Value(Value::Object{{"smoke", false}});
  auto end = h.run(R"(inputs:
  smoke: { type: boolean, default: true }
steps:
  smoke: { uses: fake, if: "${{ inputs.smoke }}" }
  after: { uses: fake, needs: [smoke] }
  report: { uses: fake, needs: [after], if: always() }
)");
  CHECK(end.exit_code == 0);
  CHECK(Harness::step(end, "smoke").reason == "if: inputs.smoke is false");
  CHECK(Harness::step(end, "after").outcome == exec::Outcome::kSkipped);
  CHECK(Harness::step(end, "report").outcome == exec::Outcome::kSuccess);
}

TEST_CASE("executor: retries by class with exponential backoff and full jitter", "[exec]") {
  Harness h;
  auto end = h.run(R"(steps:
  flaky:
    uses: fake
    with: { fail: 2, class: transient }
    retry: { limit: 3, backoff: { delay: 10s, factor: 2 } }
)", /*jitter=*/0.5);
  CHECK(end.exit_code == 0);
  CHECK(h.record.attempts["flaky"] == 3);
  // full jitter at 0.5: 0.5 * 10s, then 0.5 * 20s
  CHECK(h.clock.slept() == std::chrono::seconds(15));
  REQUIRE(h.collector.attempts.size() == 3);
  CHECK(h.collector.attempts[0].retry_in == core::Millis(5000));
  CHECK(h.collector.attempts[1].retry_in == core::Millis(10000));
  CHECK(h.collector.attempts[2].ok);
}

TEST_CASE("executor: permanent failures are not retried unless when: [failure]", "[exec]") {
  Harness h;
  h.options.keep_going = true;
  auto end = h.run(R"(steps:
  p: { uses: fake, with: { fail: 1, class: permanent }, retry: 3 }
  q: { uses: fake, with: { fail: 1, class: permanent }, retry: { limit: 3, when: [failure] } }
  l: { uses: fake, with: { fail: 1, class: lock }, retry: { limit: 1, when: [transient] } }
)");
  CHECK(h.record.attempts["p"] == 1);
  CHECK(Harness::step(end, "p").reason == "failing attempt 1");
  CHECK(h.record.attempts["l"] == 1);
  CHECK(h.record.attempts["q"] == 2);
  CHECK(Harness::step(end, "q").outcome == exec::Outcome::kSuccess);
}

TEST_CASE("executor: a rate-limited failure waits at least what the server asked", "[exec]") {
  Harness h;
  auto end = h.run(R"(steps:
  api:
    uses: fake
    with: { fail: 1, class: rate-limited, retry-after: 60000 }
    retry: { limit: 1, backoff: { delay: 1s } }
)");
  CHECK(end.exit_code == 0);
  CHECK(h.clock.slept() == std::chrono::seconds(60));
}

TEST_CASE("executor: a cancelled run skips what has not started, except always() steps", "[exec]") {
  Harness h;
  h.cancel.cancel();
  auto end = h.run(R"(steps:
  a: { uses: fake }
  b: { uses: fake, needs: [a] }
  cleanup: { uses: fake, needs: [b], if: always() }
  on-cancel: { uses: fake, if: cancelled() }
)");
  CHECK(end.exit_code == 130);
  CHECK(end.cancelled);
  CHECK(Harness::step(end, "a").outcome == exec::Outcome::kSkipped);
  CHECK(Harness::step(end, "cleanup").outcome == exec::Outcome::kSuccess);
  CHECK(Harness::step(end, "on-cancel").outcome == exec::Outcome::kSuccess);
}

TEST_CASE("executor: cancelling stops a running step and records it cancelled", "[exec]") {
  Harness h;
  h.options.jobs = 2;
  std::thread canceller([&] {
    std::unique_lock<std::mutex> l(h.record.mu);
    h.record.cv.wait(l, [&] { return !h.record.started.empty(); });
    l.unlock();
    h.cancel.cancel();
  });
  auto end = h.run("steps:\n  long: { uses: fake, with: { wait-cancel: true } }\n  next: { uses: fake, needs: [long] }\n");
  canceller.join();
  CHECK(end.exit_code == 130);
  CHECK(Harness::step(end, "long").outcome == exec::Outcome::kCancelled);
  CHECK(Harness::step(end, "next").outcome == exec::Outcome::kSkipped);
}

TEST_CASE("executor: secrets are masked in outputs, journal and report", "[exec]") {
  Harness h;
  h.masker.add("hunter2-secret");
  auto end = h.run("steps:\n  a: { uses: fake, with: { outputs: { token: 'x-hunter2-secret-y' } } }\n");
  CHECK(Harness::step(end, "a").outputs.find("token")->as_string() == "x-***-y");
  std::string journal = test::read_file(end.run_dir + "/journal.jsonl");
  std::string report = test::read_file(end.run_dir + "/report.json");
  CHECK(journal.find("hunter2") == std::string::npos);
  CHECK(report.find("hunter2") == std::string::npos);
  CHECK(report.find("x-***-y") != std::string::npos);
}

TEST_CASE("executor: --resume reuses succeeded steps with the same definition", "[exec]") {
  Harness h;
  std::string yaml = R"(steps:
  a: { uses: fake, with: { outputs: { v: first } } }
  b: { uses: fake, needs: [a], with: { fail: 1, class: permanent, value: "${{ steps.a.outputs.v }}" } }
)";
  auto first = h.run(yaml);
  CHECK(first.exit_code == 1);
  CHECK(h.record.attempts["a"] == 1);
  h.options.resume = true;
  // b fails only on its first attempt overall, so the resumed run succeeds.
  auto second = h.run(yaml);
  CHECK(second.exit_code == 0);
  CHECK(h.record.attempts["a"] == 1);  // not run again
  CHECK(Harness::step(second, "a").reused);
  CHECK(h.record.seen["b"].find("value")->as_string() == "first");  // outputs restored
  auto j = exec::read_journal(second.run_dir + "/journal.jsonl");
  REQUIRE(j);
  CHECK(j->finished);
  CHECK(j->ok);
}

TEST_CASE("executor: --only runs the named steps and what they need", "[exec]") {
  Harness h;
  h.options.only = {"b"};
  auto end = h.run("steps:\n  a: { uses: fake }\n  b: { uses: fake, needs: [a] }\n  c: { uses: fake }\n");
  CHECK(end.exit_code == 0);
  CHECK(h.record.started == std::vector<std::string>{"a", "b"});
  CHECK(Harness::step(end, "c").reason == "not selected by --only");
}

TEST_CASE("executor: a timeout stops an attempt on the injected clock and names the limit", "[exec]") {
  Harness h;
  auto t0 = h.clock.now();
  auto end = h.run(R"(steps:
  slow: { uses: fake, timeout: 2s, with: { sleep: 10000 } }
)");
  CHECK(end.exit_code == 1);
  const auto& slow = Harness::step(end, "slow");
  CHECK(slow.outcome == exec::Outcome::kFailure);
  CHECK(slow.reason == "timed out after 2s (timeout)");
  CHECK(h.clock.now() - t0 == core::Clock::Duration(std::chrono::seconds(2)));  // virtual: the test did not wait
}

TEST_CASE("executor: timeout-total bounds all attempts and is named when it fires", "[exec]") {
  Harness h;
  auto end = h.run(R"(steps:
  flaky:
    uses: fake
    timeout-total: 5s
    retry: { limit: 10, backoff: { delay: 100ms, factor: 1 } }
    with: { fail: 99, class: transient, sleep: 2000 }
)");
  const auto& flaky = Harness::step(end, "flaky");
  CHECK(flaky.outcome == exec::Outcome::kFailure);
  CHECK(flaky.attempts >= 2);
  CHECK(flaky.attempts <= 3);
  CHECK_THAT(flaky.reason, Catch::Contains("timeout-total"));
}

TEST_CASE("executor: many independent steps run on a bounded pool of workers", "[exec]") {
  for (int jobs : {1, 2, 8}) {
    Harness h;
    h.options.jobs = jobs;
    std::string yaml = "steps:\n";
    for (int i = 0; i < 200; ++i) yaml += "  s" + std::to_string(i) + ": { uses: fake }\n";
    auto end = h.run(yaml);
    CHECK(end.exit_code == 0);
    CHECK(h.record.started.size() == 200);
    CHECK(h.record.max_running <= jobs);
  }
}
