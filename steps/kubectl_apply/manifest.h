#pragma once
// The Kubernetes objects a kubectl-apply step applies: its sources split into
// documents, each remembering where it came from so that an error names it.
// YAML is read through step_api/yaml.h.

#include <string>
#include <string_view>
#include <vector>

#include "runner/core/expected.h"

namespace wf::steps::kubectl_apply {

/// One Kubernetes object, as the user wrote it.
struct Manifest {
  std::string text;          // its YAML, byte for byte as in the source (one document)
  std::string source;        // "deploy/app.yaml", "manifests", "kustomize argocd (build.yaml)"
  int document = 0;          // 1-based position in its source
  int item = 0;              // 1-based position in a `kind: *List` document; 0 otherwise
  int line = 0;              // 1-based line of its first content line in the source
  std::string api_version;
  std::string kind;
  std::string name;
  std::string namespace_;    // metadata.namespace; empty when not given
  // For a CustomResourceDefinition: what it defines.
  std::string crd_group;
  std::string crd_kind;
  bool crd_cluster_scoped = false;

  /// The API group of apiVersion ("apps/v1" -> "apps", "v1" -> "").
  std::string group() const;
  bool is_namespace() const { return kind == "Namespace" && api_version == "v1"; }
  bool is_crd() const { return kind == "CustomResourceDefinition" && group() == "apiextensions.k8s.io"; }
  /// How `kubectl apply -o name` prints it: "deployment.apps/web", "configmap/x".
  std::string kubectl_name() const;
  /// "SOURCE:LINE" plus ", document N" (and ", item M") when the source holds several.
  std::string where() const;
};

/// Splits one source's YAML text into objects as kubectl does: documents are
/// separated by lines starting with `---` (followed by nothing or a comment);
/// empty documents are skipped; a `kind: List` (or FooList) document with
/// `items` becomes one Manifest per item. Fails with "SOURCE:LINE: message"
/// for invalid YAML, a document that is not a mapping, or one without
/// apiVersion, kind or metadata.name.
core::Expected<std::vector<Manifest>, std::string> split_manifests(std::string_view text, const std::string& source);

/// Why a source's text is not a list of manifests, and where.
struct ManifestProblem {
  int line = 0;          // 1-based line in the text
  int column = 0;        // 1-based; 0 when unknown
  int document = 0;      // 1-based among the text's documents; 0: not known (invalid YAML)
  int item = 0;          // 1-based in a List's items; 0: not in a List
  std::string message;   // "invalid YAML: ...", "no kind", ...

  /// "document 2, item 3: no kind"; just the message when neither is known.
  std::string text() const;
};

/// split_manifests with the problem as a value: `wf validate` places it in
/// the workflow file when the text is an inline `manifests:` block.
core::Expected<std::vector<Manifest>, ManifestProblem> parse_manifests(std::string_view text, const std::string& source);

/// The manifest files under `path` as `kubectl apply -R -f path` reads them:
/// `path` itself when it is a file; for a directory every *.yaml, *.yml and
/// *.json below it, recursively, in lexical order. Paths are returned as
/// given (relative to `base` when relative). Fails when `path` does not exist.
core::Expected<std::vector<std::string>, std::string> manifest_files(const std::string& path, const std::string& base);

/// "Kind/namespace/name" or "Kind/name"; `default_namespace` is used for an
/// object without one unless its kind is known to be cluster-scoped (built-in
/// kinds, and kinds whose CRD in `all` says `scope: Cluster`).
std::string object_ref(const Manifest& m, const std::vector<Manifest>& all, const std::string& default_namespace);

/// Whether the object's kind is cluster-scoped, as far as the bundle and the
/// built-in kinds tell.
bool is_cluster_scoped(const Manifest& m, const std::vector<Manifest>& all);

}  // namespace wf::steps::kubectl_apply
