#pragma once
// The helm-template step's parameters, read from `with:`, and the pure parts
// of turning them into helm's command line: typed `set` values as a values
// document, the argv of `helm template`. No I/O here.

#include <optional>
#include <string>
#include <vector>

#include "runner/core/expected.h"
#include "runner/core/value.h"

namespace wf::steps::helm_template {

/// `with:` of one helm-template step, paths as written (relative to the
/// step's working directory).
struct Options {
  std::string chart;
  std::string release;
  std::string namespace_;
  std::vector<std::string> values;        // values files, in order
  core::Value set;                        // object: dotted key -> any value (null when absent)
  core::Value set_string;                 // object: dotted key -> scalar (null when absent)
  std::string kube_version;
  std::vector<std::string> api_versions;
  bool include_crds = false;
  bool skip_tests = false;
  std::vector<std::string> show_only;
  std::string output;                     // a file ("" when not given)
  std::string output_dir;                 // a folder ("" when not given)
  std::string dependency_build = "auto";  // auto | always | never
};

/// Reads the resolved parameters (an object, defaults applied). Fails with a
/// one-line message naming the parameter.
core::Expected<Options, std::string> read_options(const core::Value& with);

/// `set`'s keys are helm's dotted paths (`miner.replicas`, `a\.b` for a key
/// with a dot); the problem with one key, or "" when it is fine. List
/// indexes (`a[0]`) are refused: helm's --set edits a list in place while a
/// values file replaces it, so the two would not agree.
std::string set_key_problem(const std::string& key);

/// The values document for `set` (or `set-string`, with `as_strings`): each
/// dotted key becomes nested maps, values keep their type (numbers stay
/// numbers) unless `as_strings`, where scalars become their text. Later keys
/// win, and a map value merges with what an earlier key made, as helm merges
/// values files. Fails on a bad key.
core::Expected<core::Value, std::string> set_document(const core::Value& set, bool as_strings);

/// A value's text as `--set-string` would give it ("3", "true", "x").
std::string scalar_text(const core::Value& v);

/// The arguments after `helm`: `template RELEASE CHART`, `--namespace`, one
/// `--values F` per file in `values_files` (the user's, then the generated
/// ones), and the flags of the options. `output_dir` (absolute) adds
/// `--output-dir`. Nothing of a value's content is on it: values go by file.
std::vector<std::string> template_args(const Options& o, const std::vector<std::string>& values_files,
                                       const std::string& output_dir);

/// Whether `name` is a release name helm accepts (lower-case DNS labels
/// separated by dots, at most 53 characters); the problem, or "".
std::string release_name_problem(const std::string& name);

}  // namespace wf::steps::helm_template
