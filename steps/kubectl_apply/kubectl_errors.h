#pragma once
// Reading what kubectl says when an apply fails: its stderr split into one
// record per error, each tied to the manifest file it names and classified.
// Pure functions of text, unit-tested against kubectl's real messages.

#include <string>
#include <string_view>
#include <vector>

namespace wf::steps::kubectl_apply {

/// What an error means for the step.
enum class ErrorClass {
  /// The cluster is not ready for the object yet: its CRD is not served
  /// (`no matches for kind`, `ensure CRDs are installed first`, `the server
  /// could not find the requested resource`), an admission webhook refuses
  /// connections or times out, `the server is currently unable to handle the
  /// request`. Retried inside the step until its timeout.
  kNotReady,
  /// Worth another attempt later but not inside this one: the API server
  /// cannot be reached, a 5xx, a write conflict. Fails the attempt as transient.
  kTransient,
  /// Anything else (invalid object, forbidden, missing namespace, ...).
  kPermanent,
};

struct KubectlError {
  std::string text;      // the whole record, lines joined with '\n'
  int file_index = -1;   // the NNNN of ".../NNNN.yaml" in `dir` it names; -1 when none
  ErrorClass error_class = ErrorClass::kPermanent;
};

/// Splits kubectl's stderr into error records. A record starts at a line such
/// as "error: ...", "Error from server (...)", "error validating ...",
/// "resource mapping not found ..." and continues over the lines that follow
/// ("ensure CRDs are installed first", "Resource: ..."). "Warning: ..." lines
/// are not errors. File names are recognised when they are `dir`/NNNN.yaml.
std::vector<KubectlError> parse_kubectl_errors(std::string_view stderr_text, const std::string& dir);

/// The class of one error record.
ErrorClass classify_kubectl_error(std::string_view text);

/// kubectl's own words about the object, on one line: the record without
/// the "Error from server (X): error when creating "FILE": " framing.
std::string kubectl_message(std::string_view text);

/// What `kubectl kustomize` said on stderr, on one line: its message without
/// klog's framing (`E1122 12:00:00.000000 1 run.go:72] "command failed" err=<`
/// ... `>`). Its class: kTransient when a remote base could not be fetched
/// (DNS, refused or reset connections, timeouts), else kPermanent.
std::string kustomize_message(std::string_view stderr_text);
ErrorClass classify_kustomize_error(std::string_view stderr_text);

/// The objects `kubectl apply -o name` reported ("deployment.apps/web"), one per line.
std::vector<std::string> parse_applied_names(std::string_view stdout_text);

}  // namespace wf::steps::kubectl_apply
