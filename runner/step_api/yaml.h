#pragma once
// YAML for step types, without yaml-cpp in sight: yaml.cc is the adapter.
// A document is read into a plain tree (YamlNode) that keeps what a step type
// needs to look at and to write back: scalars with whether they were quoted,
// sequences, mappings in their order, and each node's line.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runner/core/expected.h"

namespace wf::step_api {

struct YamlNode {
  enum class Type { kNull, kScalar, kSequence, kMap };
  Type type = Type::kNull;
  std::string scalar;   // kScalar: its text
  bool quoted = false;  // kScalar: quoted or tagged !!str, a string whatever it looks like
  int line = 0;         // 0-based line of the node in the parsed text
  std::vector<YamlNode> items;                         // kSequence
  std::vector<std::pair<YamlNode, YamlNode>> entries;  // kMap, in document order

  // Defined in the .cc, where YamlNode is complete: clang with libstdc++
  // (the fuzz build) refuses the implicit ones, which instantiate
  // std::pair<YamlNode, YamlNode> while YamlNode is still incomplete.
  YamlNode();
  YamlNode(const YamlNode&);
  YamlNode(YamlNode&&) noexcept;
  YamlNode& operator=(const YamlNode&);
  YamlNode& operator=(YamlNode&&) noexcept;
  ~YamlNode();

  bool is_null() const { return type == Type::kNull; }
  bool is_scalar() const { return type == Type::kScalar; }
  bool is_sequence() const { return type == Type::kSequence; }
  bool is_map() const { return type == Type::kMap; }
  /// The value of a map entry whose key is the scalar `key`; nullptr if none.
  const YamlNode* find(std::string_view key) const;
  /// The scalar text of `find(key)`; "" when absent or not a scalar.
  std::string scalar_at(std::string_view key) const;
};

struct YamlError {
  std::string message;
  int line = 0;    // 0-based; may be one past the last line for an unclosed bracket
  int column = 0;  // 0-based; 0 also when unknown
};

/// The deepest nesting of sequences and mappings parse_yaml accepts: deeper
/// input is an error, not a stack overflow.
inline constexpr int kMaxYamlDepth = 256;

/// Parses one YAML document (empty text or a lone comment is a null node).
core::Expected<YamlNode, YamlError> parse_yaml(std::string_view text);

/// Writes a node back as block YAML (no trailing newline) keeping what its
/// scalars mean: a quoted scalar stays double-quoted, a null stays null.
std::string emit_yaml(const YamlNode& node);

}  // namespace wf::step_api
