#pragma once
// Applying a set of manifests with kubectl until every one is applied:
// errors that mean "not ready yet" are retried with backoff until the step's
// deadline; anything else fails at once, naming the object and its source.

#include <optional>
#include <string>
#include <vector>

#include "runner/core/failure.h"
#include "steps/kubectl_apply/kubectl.h"
#include "steps/kubectl_apply/kubectl_errors.h"
#include "steps/kubectl_apply/manifest.h"

namespace wf::steps::kubectl_apply {

/// Why a phase of the step failed.
struct Failure {
  core::FailureClass failure_class = core::FailureClass::kPermanent;
  std::string summary;
};

/// The `with:` values that shape kubectl's argv.
struct ApplySettings {
  std::string namespace_;     // default namespace for objects without one ("" = the context's)
  bool server_side = false;
  std::string field_manager = "wf";
  bool force_conflicts = false;
  std::string work_dir;       // where per-object files are written (the attempt's scratch)
  std::string timeout_text;   // the step's timeout as written, for messages ("5m")
};

/// Files per object and kubectl argv groups, shared by apply, diff and rollout status.
class ManifestFiles {
 public:
  ManifestFiles(const std::vector<Manifest>& all, const ApplySettings& settings);
  /// Objects split so that each group can be given to one kubectl: those
  /// without a namespace (or in the default one) get `-n NAMESPACE`; objects
  /// that name another namespace go without `-n` (kubectl refuses a mismatch).
  struct Group {
    std::string dir;                 // holds NNNNN.yaml per object (NNNNN = index in `all`)
    std::vector<int> indices;
    std::vector<std::string> ns_args;  // {"-n", ns} or {}
  };
  /// Writes the objects `indices` into fresh directories named after `label`.
  std::vector<Group> write(const std::vector<int>& indices, const std::string& label) const;
  /// "Kind/ns/name (source:line, document N)".
  std::string describe(int index) const;

 private:
  const std::vector<Manifest>& all_;
  const ApplySettings& settings_;
};

class Applier {
 public:
  Applier(const Kubectl& kubectl, const std::vector<Manifest>& all, const ApplySettings& settings);

  /// Applies the objects `indices` (into `all`). Returns nullopt when every
  /// one is applied; each round re-applies only those not applied yet.
  std::optional<Failure> apply(const std::vector<int>& indices, const std::string& label);

 private:
  struct Round {
    std::vector<int> applied;
    std::vector<int> failed;                 // tried and not reported applied
    std::vector<KubectlError> errors;        // file_index = index in `all` when known
    std::string kubectl_failure;             // exit without a readable error
    bool timed_out = false;
    bool cancelled = false;
  };
  Round run_round(const std::vector<int>& pending, const std::string& label);
  /// Ties errors that name no file to the objects they are about.
  void attribute(Round& round);
  Failure failure_of(const Round& round, core::FailureClass c, const std::string& lead) const;
  std::vector<std::string> apply_args(const ManifestFiles::Group& g) const;

  const Kubectl& kubectl_;
  const std::vector<Manifest>& all_;
  const ApplySettings& settings_;
  ManifestFiles files_;
};

}  // namespace wf::steps::kubectl_apply
