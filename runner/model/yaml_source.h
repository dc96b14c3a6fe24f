#pragma once
// The YAML layer of the loader: a parsed file as a small tree of YamlNodes
// that keeps what yaml-cpp's own nodes lose (duplicate keys, scalar styles,
// byte positions), and maps an offset inside a scalar's content back to the
// line and column in the file. Internal to the model module; the only file
// that includes yaml-cpp is yaml_source.cc.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runner/core/diagnostic.h"

namespace wf::model {

/// One node of a YAML document. Mappings keep their members in file order.
struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMapping };
  /// How a scalar was written; decides how content offsets map to the file.
  enum class Style { kPlain, kSingleQuoted, kDoubleQuoted, kLiteral, kFolded };

  Kind kind = Kind::kNull;
  Style style = Style::kPlain;
  std::string text;                                    // scalar content (after unquoting and folding)
  size_t pos = 0;                                      // byte offset of the node (its tag or anchor if any)
  size_t content_pos = 0;                              // byte offset of the scalar token (quote, `|`, first char)
  bool implicit_null = false;                          // `key:` with nothing after it
  std::vector<YamlNode> items;                         // kSequence
  std::vector<std::pair<YamlNode, YamlNode>> members;  // kMapping

  // Defined in the .cc, where YamlNode is complete: clang with libstdc++
  // (the fuzz build) refuses the implicit ones, which instantiate
  // std::pair<YamlNode, YamlNode> while YamlNode is still incomplete.
  YamlNode();
  YamlNode(const YamlNode&);
  YamlNode(YamlNode&&) noexcept;
  YamlNode& operator=(const YamlNode&);
  YamlNode& operator=(YamlNode&&) noexcept;
  ~YamlNode();

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_mapping() const { return kind == Kind::kMapping; }
  /// A plain (unquoted, non-block) scalar: only these can be booleans or numbers.
  bool is_plain() const { return is_scalar() && style == Style::kPlain; }
  /// YAML 1.2 core schema: a plain true/True/TRUE/false/False/FALSE.
  std::optional<bool> as_bool() const;
  /// YAML 1.2 core schema: a plain integer (decimal, 0x, 0o) or float.
  std::optional<double> as_number() const;
  /// A plain non-negative decimal integer that fits an int.
  std::optional<int> as_count() const;
  /// The member value for `key`, or nullptr.
  const YamlNode* find(std::string_view key) const;
  /// The member (key node and value) for `key`, or nullptr.
  const std::pair<YamlNode, YamlNode>* member(std::string_view key) const;
};

/// A workflow file's text and its parsed tree.
/// Thread-safety: immutable after parse(); concurrent reads are safe.
class YamlSource {
 public:
  YamlSource(std::string text, std::string file);

  /// Parses the text. Never throws: invalid YAML (yaml-cpp's ParserException,
  /// at its mark, with the message made readable) and duplicate keys (the
  /// later ones dropped from the tree) are added to `diags`. Returns false
  /// when there is no usable tree (invalid YAML, nesting or alias expansion
  /// beyond bounds, a local tag such as `!cancelled()` that ate a value);
  /// an empty file gives a null root and true.
  bool parse(core::Diagnostics& diags);

  const YamlNode& root() const { return root_; }
  const std::string& file() const { return file_; }

  /// Where a node starts: a scalar's opening quote, `|`/`>` or first
  /// character (after any tag or anchor); an empty value is at its key.
  core::SourceLoc loc(const YamlNode& n) const;
  /// Where the `offset`-th byte of a scalar's content is in the file. Exact
  /// for plain scalars, quoted ones (escapes included, for non-space
  /// characters) and literal (`|`) blocks; best effort for folded text.
  core::SourceLoc loc_at(const YamlNode& scalar, size_t offset) const;
  /// Line and column (1-based; the column in characters) of a byte offset.
  core::SourceLoc loc_of_pos(size_t pos) const;

 private:
  size_t content_start(const YamlNode& n) const;

  std::string text_;
  std::string file_;
  std::vector<size_t> line_starts_;
  YamlNode root_;
};

}  // namespace wf::model
