#pragma once
// Reading terraform's own output: which failure class a failed command is
// (DESIGN §1 "Semantics"), and who holds a state lock. Pure functions of
// text, so they are tested table-driven with real terraform messages.

#include <optional>
#include <string>
#include <string_view>

#include "runner/core/failure.h"

namespace wf::steps::terraform {

/// The "Lock Info:" block terraform prints with "Error acquiring the state
/// lock". Fields are empty when terraform did not print them.
struct LockInfo {
  std::string id;
  std::string path;
  std::string operation;
  std::string who;
  std::string version;
  std::string created;
  std::string info;
};

/// How a terraform command that exited non-zero failed.
struct Diagnosis {
  core::FailureClass failure_class = core::FailureClass::kPermanent;
  /// One line for the step's summary: the first error's title, for a lock
  /// its holder, for a network error the line that says so.
  std::string message;
  std::optional<LockInfo> lock;  // set for FailureClass::kLock when terraform printed it
};

/// Classifies the output (stdout and stderr as they came) of a failed
/// terraform command:
///   - "Error acquiring the state lock" → kLock, naming the lock's holder;
///   - network and throttling errors (timeouts, connection reset/refused,
///     TLS handshake timeout, 429 and 5xx answers, "context deadline
///     exceeded", throttling/rate-limit codes of AWS, Google and Azure) and
///     "Saved plan is stale" (another run changed the state between plan
///     and apply) → kTransient;
///   - anything else → kPermanent.
/// Only the diagnostics are read (from the first "Error:" line on), so a
/// plan that merely shows an attribute named "timeout" is not a network
/// error. Terraform's line wrapping and its box-drawing frame are ignored.
Diagnosis classify_failure(std::string_view output);

/// The "Lock Info:" block, when the output has one.
std::optional<LockInfo> parse_lock_info(std::string_view output);

/// The title of the first diagnostic ("Error: TITLE"), "" when there is none.
std::string first_error(std::string_view output);

/// "held by WHO (lock ID ID, OPERATION since CREATED, path PATH)", the
/// parts terraform printed.
std::string describe_lock(const LockInfo& lock);

}  // namespace wf::steps::terraform
