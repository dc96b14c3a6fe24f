// core::Clock: ManualClock's virtual time (timers fire on the way, a timer
// that cancels ends a sleep at its own time), the system clock's shared timer
// thread, and CancelToken's callback removal.

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "runner/core/cancel.h"
#include "runner/core/clock.h"

using namespace wf::core;
using namespace std::chrono_literals;

TEST_CASE("clock: a manual sleep moves time and returns true when nothing cancels it", "[clock]") {
  ManualClock clock;
  CancelToken cancel;
  auto t0 = clock.now();
  CHECK(clock.sleep_for(5s, cancel));
  CHECK(clock.now() - t0 == Clock::Duration(5s));
  CHECK(clock.slept() == Clock::Duration(5s));
}

TEST_CASE("clock: a timer due during a manual sleep fires at its time and can end the sleep", "[clock]") {
  ManualClock clock;
  CancelToken attempt;
  auto t0 = clock.now();
  Clock::TimePoint fired_at{};
  auto timer = clock.call_at(t0 + 2s, [&] {
    fired_at = clock.now();
    attempt.cancel();
  });
  CHECK_FALSE(clock.sleep_for(10s, attempt));  // a 10 s step, stopped by a 2 s timeout
  CHECK(fired_at - t0 == Clock::Duration(2s));
  CHECK(clock.now() - t0 == Clock::Duration(2s));
  CHECK(timer->fired());
}

TEST_CASE("clock: a destroyed timer never fires", "[clock]") {
  ManualClock clock;
  CancelToken never;
  bool fired = false;
  auto timer = clock.call_at(clock.now() + 1s, [&] { fired = true; });
  CHECK(clock.pending_timers() == 1);
  timer.reset();
  CHECK(clock.pending_timers() == 0);
  CHECK(clock.sleep_for(5s, never));
  CHECK_FALSE(fired);
}

TEST_CASE("clock: advance() runs the timers due, in order", "[clock]") {
  ManualClock clock;
  std::string order;
  auto t0 = clock.now();
  auto b = clock.call_at(t0 + 2s, [&] { order += "b"; });
  auto a = clock.call_at(t0 + 1s, [&] { order += "a"; });
  auto c = clock.call_at(t0 + 9s, [&] { order += "c"; });
  clock.advance(3s);
  CHECK(order == "ab");
  CHECK_FALSE(c->fired());
}

TEST_CASE("clock: the system clock's timers fire on their own thread, and a destroyed one does not", "[clock]") {
  Clock& clock = SystemClock::instance();
  std::atomic<int> fired{0};
  auto kept = clock.call_at(clock.now() + 20ms, [&] { ++fired; });
  auto dropped = clock.call_at(clock.now() + 20ms, [&] { fired += 100; });
  dropped.reset();
  CancelToken never;
  clock.sleep_for(200ms, never);
  CHECK(fired.load() == 1);
  CHECK(kept->fired());
}

TEST_CASE("clock: destroying a system timer while it runs waits for it to end", "[clock]") {
  Clock& clock = SystemClock::instance();
  std::atomic<bool> started{false}, finished{false};
  auto timer = clock.call_at(clock.now(), [&] {
    started = true;
    std::this_thread::sleep_for(100ms);
    finished = true;
  });
  while (!started) std::this_thread::sleep_for(1ms);
  timer.reset();
  CHECK(finished.load());
}

TEST_CASE("cancel: remove_callback waits while another thread runs the callback", "[cancel]") {
  CancelToken token;
  std::atomic<bool> started{false}, finished{false};
  int id = token.on_cancel([&] {
    started = true;
    std::this_thread::sleep_for(100ms);
    finished = true;
  });
  std::thread canceller([&] { token.cancel(); });
  while (!started) std::this_thread::sleep_for(1ms);
  token.remove_callback(id);  // what the callback touches may go away after this
  CHECK(finished.load());
  canceller.join();
}

TEST_CASE("cancel: a callback removed before the cancel never runs, one added after runs at once", "[cancel]") {
  CancelToken token;
  int ran = 0;
  int id = token.on_cancel([&] { ran += 1; });
  token.remove_callback(id);
  token.cancel();
  CHECK(ran == 0);
  token.on_cancel([&] { ran += 10; });
  CHECK(ran == 10);
}

TEST_CASE("cancel: a callback may remove itself without waiting for itself", "[cancel]") {
  CancelToken token;
  int id = 0;
  bool ran = false;
  id = token.on_cancel([&] {
    token.remove_callback(id);
    ran = true;
  });
  token.cancel();
  CHECK(ran);
}
