#pragma once
// Workflow steps in a run (internal to exec): what the steps of a called
// file read, and the calling step's result from theirs. The loader
// flattened the file's steps into the run (model::Scope); the scheduler
// and `wf step` start them as any step.

#include <functional>
#include <string>
#include <vector>

#include "runner/core/expected.h"
#include "runner/core/secret_masker.h"
#include "runner/exec/contexts.h"
#include "runner/exec/observer.h"
#include "runner/model/workflow.h"

namespace wf::exec {

/// The named values of scope `scope`'s steps: the called file's inputs (the
/// calling step's `with:`, evaluated against `caller` and `caller_steps`,
/// the calling step's `steps` context; defaults filled, types checked),
/// its secrets (the step's `secrets:`; each value given to `masker`), its
/// env: resolved against those; git and wf as the caller's. Errors name the
/// place: "main.yaml:14:17: input 'replicas' of ./cluster.yaml (number):
/// 'three' is not a number".
core::Expected<RunValues, std::string> call_values(const model::Workflow& wf, size_t scope, const RunValues& caller,
                                                   const core::Value& caller_steps, core::SecretMasker* masker);

/// How one step of the called file ended, as the calling step reads it.
struct Member {
  Outcome outcome = Outcome::kSuccess;
  std::string reason;
  core::Value entry;                    // its steps.<id> value (step_entry); null: it has not ended
};

/// A workflow step's end: failure when one of its file's steps failed
/// (continue-on-error aside), else cancelled when one was, skipped when all
/// were, else success with the file's `outputs:` evaluated against
/// `values` (null when they could not be made) and the file's steps, by
/// their ids there. `member(i)` tells how step i (one of the file's) ended.
struct CallEnd {
  Outcome outcome = Outcome::kSuccess;
  std::string reason;
  core::Value outputs = core::Value(core::Value::Object{});
};
CallEnd call_end(const model::Workflow& wf, const model::Step& call, const std::function<Member(size_t)>& member,
                 const RunValues* values);

/// steps.<id> of a step that ended: {outputs, outcome, conclusion} (a
/// continue-on-error failure concludes success). The scheduler's and `wf step`'s.
core::Value step_entry(const model::Step& step, Outcome outcome, const core::Value& outputs);

/// What names a step's files under .wf/runs/ID/: its id, with the '/' of a
/// called file's step as '.' ("deploy.render"; '.' is in no step id).
std::string step_file_key(const std::string& id);

}  // namespace wf::exec
