#pragma once
// A matrix step in a run (internal to exec): making its instances when it
// starts, and its result from theirs. The scheduler starts, limits
// (max-parallel) and cancels (fail-fast) the instances.

#include <string>

#include "runner/exec/run_state.h"

namespace wf::exec::detail {

/// What names an instance's files under .wf/runs/ID/ (logs, scratch, a
/// step type's records): "deploy@" and 12 hex digits of a hash of its
/// values, so a resumed run finds an instance's files whatever its place
/// in a dynamic matrix ('@' is in no step id).
std::string instance_file_key(const std::string& step_id, const Value& matrix);

/// Fills s.instances of matrix step `s`: the loader's combinations, or a
/// dynamic matrix evaluated against `steps_context` (what its needs
/// produced). Each instance is a StepState of its own ("deploy (a, us)",
/// files "deploy@1"). Returns "" or the reason the step fails (permanent):
/// "FILE:LINE:COL: matrix of step 'deploy': the matrix is a string, not a
/// list of objects".
/// `values`: what the step's expressions read (the run's, or its called file's).
std::string make_instances(const RunShared& run, StepState& s, const Value& steps_context, const RunValues& values);

/// A matrix step's result once every instance ended: `failure` when one
/// failed, else `cancelled` when one was, else `success`; each output a
/// JSON list of the instances' values (null where one has none), in
/// instance order; reused when every instance was.
void aggregate_instances(StepState& s);

}  // namespace wf::exec::detail
