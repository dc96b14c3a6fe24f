#include "runner/step_api/yaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>

namespace wf::step_api {

YamlNode::YamlNode() = default;
YamlNode::YamlNode(const YamlNode&) = default;
YamlNode::YamlNode(YamlNode&&) noexcept = default;
YamlNode& YamlNode::operator=(const YamlNode&) = default;
YamlNode& YamlNode::operator=(YamlNode&&) noexcept = default;
YamlNode::~YamlNode() = default;

const YamlNode* YamlNode::find(std::string_view key) const {
  for (const auto& [k, v] : entries)
    if (k.is_scalar() && k.scalar == key) return &v;
  return nullptr;
}

std::string YamlNode::scalar_at(std::string_view key) const {
  const YamlNode* v = find(key);
  return v && v->is_scalar() ? v->scalar : std::string();
}

namespace {

struct TooDeep {};

bool is_null_plain(const YAML::Node& n) {
  static constexpr std::array<std::string_view, 5> kNulls = {"", "~", "null", "Null", "NULL"};
  return n.Tag() == "?" && std::find(kNulls.begin(), kNulls.end(), n.Scalar()) != kNulls.end();
}

YamlNode convert(const YAML::Node& n, int depth) {
  if (depth > kMaxYamlDepth) throw TooDeep{};
  YamlNode out;
  out.line = n.Mark().is_null() ? 0 : n.Mark().line;
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      break;
    case YAML::NodeType::Scalar:
      if (is_null_plain(n)) break;
      out.type = YamlNode::Type::kScalar;
      out.scalar = n.Scalar();
      out.quoted = n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str";
      break;
    case YAML::NodeType::Sequence:
      out.type = YamlNode::Type::kSequence;
      for (const auto& item : n) out.items.push_back(convert(item, depth + 1));
      break;
    case YAML::NodeType::Map:
      out.type = YamlNode::Type::kMap;
      for (const auto& kv : n) out.entries.emplace_back(convert(kv.first, depth + 1), convert(kv.second, depth + 1));
      break;
  }
  return out;
}

void emit(YAML::Emitter& out, const YamlNode& n) {
  switch (n.type) {
    case YamlNode::Type::kNull:
      out << YAML::Null;
      break;
    case YamlNode::Type::kScalar:
      if (n.quoted) out << YAML::DoubleQuoted;
      out << n.scalar;
      break;
    case YamlNode::Type::kSequence:
      out << YAML::BeginSeq;
      for (const auto& item : n.items) emit(out, item);
      out << YAML::EndSeq;
      break;
    case YamlNode::Type::kMap:
      out << YAML::BeginMap;
      for (const auto& [k, v] : n.entries) {
        out << YAML::Key;
        emit(out, k);
        out << YAML::Value;
        emit(out, v);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

core::Expected<YamlNode, YamlError> parse_yaml(std::string_view text) {
  try {
    return convert(YAML::Load(std::string(text)), 0);
  } catch (const YAML::Exception& e) {
    return core::unexpected(YamlError{e.msg, e.mark.is_null() ? 0 : e.mark.line, e.mark.is_null() ? 0 : e.mark.column});
  } catch (const TooDeep&) {
    return core::unexpected(YamlError{"nested deeper than " + std::to_string(kMaxYamlDepth) + " levels", 0});
  }
}

std::string emit_yaml(const YamlNode& node) {
  YAML::Emitter e;
  emit(e, node);
  return e.c_str();
}

}  // namespace wf::step_api
