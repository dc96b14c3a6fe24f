#include "runner/model/yaml_source.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <regex>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace wf::model {

// ---- YamlNode --------------------------------------------------------------

YamlNode::YamlNode() = default;
YamlNode::YamlNode(const YamlNode&) = default;
YamlNode::YamlNode(YamlNode&&) noexcept = default;
YamlNode& YamlNode::operator=(const YamlNode&) = default;
YamlNode& YamlNode::operator=(YamlNode&&) noexcept = default;
YamlNode::~YamlNode() = default;

std::optional<bool> YamlNode::as_bool() const {
  if (!is_plain()) return std::nullopt;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return std::nullopt;
}

std::optional<double> YamlNode::as_number() const {
  if (!is_plain()) return std::nullopt;
  static const std::regex kDecimal(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  static const std::regex kInfinity(R"([-+]?\.(inf|Inf|INF))");
  static const std::regex kNan(R"(\.(nan|NaN|NAN))");
  if (std::regex_match(text, kDecimal)) return std::strtod(text.c_str(), nullptr);
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o')) {
    unsigned long long v = 0;
    const char* first = text.data() + 2;
    const char* last = text.data() + text.size();
    auto r = std::from_chars(first, last, v, text[1] == 'x' ? 16 : 8);
    if (r.ec == std::errc() && r.ptr == last) return static_cast<double>(v);
    return std::nullopt;
  }
  if (std::regex_match(text, kInfinity))
    return text[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  if (std::regex_match(text, kNan)) return std::numeric_limits<double>::quiet_NaN();
  return std::nullopt;
}

std::optional<int> YamlNode::as_count() const {
  if (!is_plain() || text.empty() || text.size() > 9) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  return std::atoi(text.c_str());
}

const YamlNode* YamlNode::find(std::string_view key) const {
  const auto* m = member(key);
  return m ? &m->second : nullptr;
}

const std::pair<YamlNode, YamlNode>* YamlNode::member(std::string_view key) const {
  for (const auto& m : members)
    if (m.first.text == key) return &m;
  return nullptr;
}

// ---- parsing ---------------------------------------------------------------

namespace {

constexpr int kMaxDepth = 256;
// Aliases are expanded into copies; this bounds what a file of nested
// aliases ("billion laughs") can make of itself.
constexpr size_t kMaxNodes = 200000;

bool is_white(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// yaml-cpp's messages name parser states; say what the user did instead.
std::string readable_parser_message(const std::string& msg) {
  static const std::pair<const char*, const char*> kMessages[] = {
      {"illegal map value", "unexpected ':' (quote a value that contains ': ')"},
      {"end of map not found", "a mapping is not closed here (check the indentation)"},
      {"end of sequence not found", "a list is not closed here (check the indentation)"},
      {"end of map flow not found", "missing '}'"},
      {"end of sequence flow not found", "missing ']'"},
      {"unknown token", "unexpected character"},
      {"the referenced anchor is not defined", "unknown anchor"},
      {"illegal tab when looking for indentation", "a tab in indentation (indent with spaces)"},
  };
  for (const auto& [from, to] : kMessages)
    if (msg == from) return std::string("invalid YAML: ") + to;
  std::string out = msg;
  if (!out.empty() && out.back() == '.') out.pop_back();
  return "invalid YAML: " + out;
}

// Skips a node's tag (`!!str`) and anchor (`&name`) to its content token.
size_t skip_properties(const std::string& text, size_t p) {
  while (p < text.size() && (text[p] == '!' || text[p] == '&')) {
    while (p < text.size() && !is_white(text[p])) ++p;
    while (p < text.size() && is_white(text[p])) ++p;
  }
  return p;
}

YamlNode::Style style_at(const std::string& text, size_t p) {
  if (p >= text.size()) return YamlNode::Style::kPlain;
  switch (text[p]) {
    case '\'':
      return YamlNode::Style::kSingleQuoted;
    case '"':
      return YamlNode::Style::kDoubleQuoted;
    case '|':
      return YamlNode::Style::kLiteral;
    case '>':
      return YamlNode::Style::kFolded;
    default:
      return YamlNode::Style::kPlain;
  }
}

bool is_explicit_null(const std::string& text, size_t p) {
  if (p >= text.size()) return false;
  if (text[p] == '~') return true;
  for (const char* word : {"null", "Null", "NULL"})
    if (text.compare(p, 4, word) == 0 &&
        (p + 4 == text.size() || !std::isalnum(static_cast<unsigned char>(text[p + 4]))))
      return true;
  return false;
}

// Builds YamlNodes from yaml-cpp's tree, dropping duplicate keys with a
// diagnostic for each.
class Converter {
 public:
  Converter(const YamlSource& source, const std::string& text, core::Diagnostics& diags)
      : source_(source), text_(text), diags_(diags) {}

  /// The tree lacks what the file says: too big, or text taken as a tag.
  bool unusable() const { return too_big_ || bad_tag_; }

  YamlNode convert(const YAML::Node& n, size_t fallback_pos, int depth) {
    YamlNode out;
    const YAML::Mark mark = n.Mark();
    out.pos = mark.pos >= 0 ? std::min<size_t>(mark.pos, text_.size()) : fallback_pos;
    out.content_pos = skip_properties(text_, out.pos);
    if (depth > kMaxDepth || ++nodes_ > kMaxNodes) {
      const std::string why = depth > kMaxDepth
                                  ? "nested too deeply"
                                  : "more than " + std::to_string(kMaxNodes) + " values, aliases expanded";
      if (!too_big_) diags_.push_back({source_.loc_of_pos(out.pos), "invalid YAML: " + why});
      too_big_ = true;
      return out;
    }
    // A local tag is almost always a value meant to start with '!' (`if:
    // !cancelled()`); YAML has eaten the text, so the tree is not used.
    if (const std::string& tag = n.Tag(); tag.size() > 1 && tag[0] == '!' && tag[1] != '!') {
      diags_.push_back({source_.loc_of_pos(out.pos),
                        "invalid YAML: '" + tag + "' is read as a tag; quote a value that starts with '!'"});
      bad_tag_ = true;
    }
    switch (n.Type()) {
      case YAML::NodeType::Scalar:
        out.kind = YamlNode::Kind::kScalar;
        out.text = n.Scalar();
        // yaml-cpp tags plain scalars "?"; anything else was quoted, a block or tagged.
        out.style = n.Tag() == "?" ? YamlNode::Style::kPlain : style_at(text_, out.content_pos);
        break;
      case YAML::NodeType::Sequence:
        out.kind = YamlNode::Kind::kSequence;
        for (auto it = n.begin(); it != n.end() && !too_big_; ++it)
          out.items.push_back(convert(*it, out.pos, depth + 1));
        break;
      case YAML::NodeType::Map:
        out.kind = YamlNode::Kind::kMapping;
        convert_members(n, out, depth);
        break;
      default:
        out.implicit_null = mark.pos < 0 || !is_explicit_null(text_, out.content_pos);
        break;
    }
    return out;
  }

 private:
  void convert_members(const YAML::Node& n, YamlNode& out, int depth) {
    std::unordered_map<std::string, size_t> seen;  // key -> index in out.members
    for (auto it = n.begin(); it != n.end() && !too_big_; ++it) {
      YamlNode key = convert(it->first, out.pos, depth + 1);
      if (too_big_) return;
      if (!key.is_scalar()) {
        diags_.push_back({source_.loc(key), "a mapping key must be a string"});
        continue;
      }
      if (auto first = seen.find(key.text); first != seen.end()) {
        // The first key is the one that counts; later ones are reported.
        core::SourceLoc at = source_.loc(out.members[first->second].first);
        diags_.push_back({source_.loc(key), "duplicate key '" + key.text + "' (first at " + std::to_string(at.line) +
                                                ":" + std::to_string(at.column) + ")"});
        continue;
      }
      YamlNode value = convert(it->second, key.pos, depth + 1);
      if (value.implicit_null) value.pos = value.content_pos = key.pos;
      seen.emplace(key.text, out.members.size());
      out.members.emplace_back(std::move(key), std::move(value));
    }
  }

  const YamlSource& source_;
  const std::string& text_;
  core::Diagnostics& diags_;
  bool too_big_ = false;
  bool bad_tag_ = false;
  size_t nodes_ = 0;
};

// How many source bytes a double-quoted escape at `p` spans and how many
// content bytes it produces (0 for an escaped line break).
std::pair<size_t, size_t> escape_size(const std::string& text, size_t p) {
  if (p + 1 >= text.size()) return {1, 1};
  auto utf8_len = [](unsigned long cp) -> size_t { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; };
  auto hex = [&](size_t digits) -> std::pair<size_t, size_t> {
    unsigned long cp = std::strtoul(text.substr(p + 2, digits).c_str(), nullptr, 16);
    return {2 + digits, utf8_len(cp)};
  };
  switch (text[p + 1]) {
    case '\n':
      return {2, 0};
    case '\r':
      return {p + 2 < text.size() && text[p + 2] == '\n' ? 3 : 2, 0};
    case 'x':
      return hex(2);
    case 'u':
      return hex(4);
    case 'U':
      return hex(8);
    case 'N':
    case '_':
      return {2, 2};
    case 'L':
    case 'P':
      return {2, 3};
    default:
      return {2, 1};
  }
}

// yaml-cpp 0.7's LoadAll never returns on a ',' outside brackets after a
// document ("[a],"): each round yields one more empty document without
// consuming the ','. Found by fuzz_workflow (a file that hung `wf validate`).
// So the documents are counted first, with an event handler that builds
// nothing; past kMaxDocuments the text is refused at the last empty one.
constexpr size_t kMaxDocuments = 100;

class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { last_null = mark; }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
  YAML::Mark last_null = YAML::Mark::null_mark();
};

// The position of the runaway document, if the text has more than kMaxDocuments.
std::optional<size_t> runaway_documents(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentCounter counter;
  for (size_t n = 0; parser.HandleNextDocument(counter); ++n)
    if (n == kMaxDocuments)
      return counter.last_null.is_null() || counter.last_null.pos < 0 ? 0 : static_cast<size_t>(counter.last_null.pos);
  return std::nullopt;
}

}  // namespace

// ---- YamlSource ------------------------------------------------------------

YamlSource::YamlSource(std::string text, std::string file) : text_(std::move(text)), file_(std::move(file)) {
  // yaml-cpp skips a byte order mark without counting it; so do positions.
  if (text_.rfind("\xEF\xBB\xBF", 0) == 0) text_.erase(0, 3);
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

bool YamlSource::parse(core::Diagnostics& diags) {
  // yaml-cpp reports errors as exceptions; none may escape the loader.
  try {
    if (auto pos = runaway_documents(text_)) {
      diags.push_back({loc_of_pos(*pos), "invalid YAML: a ',' or other flow indicator outside brackets"});
      return false;
    }
    std::vector<YAML::Node> docs = YAML::LoadAll(text_);
    YAML::Node doc = docs.empty() ? YAML::Node() : docs.front();
    for (size_t d = 1; d < docs.size(); ++d) {
      if (docs[d].IsNull() || !docs[d].IsDefined()) continue;  // a trailing '---' with nothing after it
      size_t pos = docs[d].Mark().is_null() || docs[d].Mark().pos < 0 ? 0 : static_cast<size_t>(docs[d].Mark().pos);
      size_t marker = text_.rfind("---", pos);
      diags.push_back({loc_of_pos(marker == std::string::npos ? pos : marker),
                       "a second YAML document: a workflow file holds one (remove this '---' and what follows, "
                       "or put it in a file of its own)"});
      return false;
    }
    Converter converter(*this, text_, diags);
    root_ = converter.convert(doc, 0, 0);
    return !converter.unusable();  // such a tree would only add errors of its own
  } catch (const YAML::DeepRecursion& e) {
    diags.push_back({loc_of_pos(e.mark.pos >= 0 ? e.mark.pos : 0), "invalid YAML: nested too deeply"});
  } catch (const YAML::ParserException& e) {
    size_t pos = e.mark.is_null() || e.mark.pos < 0 ? text_.size() : static_cast<size_t>(e.mark.pos);
    // yaml-cpp's mark can lie past the end of the text (it counts a NUL byte
    // or malformed UTF-8 differently): found by fuzz_workflow.
    pos = std::min(pos, text_.size());
    // yaml-cpp marks the character after a bad escape; point at its backslash.
    if (e.msg.rfind("unknown escape", 0) == 0 && pos >= 2 && text_[pos - 2] == '\\') pos -= 2;
    // A tab in indentation confuses yaml-cpp into talking about maps; say so.
    size_t line_start = text_.rfind('\n', pos == 0 ? 0 : pos - 1);
    line_start = line_start == std::string::npos || pos == 0 ? 0 : line_start + 1;
    size_t indent_end = text_.find_first_not_of(" \t", line_start);
    size_t tab = text_.find('\t', line_start);
    if (tab != std::string::npos && tab < indent_end && tab <= pos)
      diags.push_back({loc_of_pos(tab), "invalid YAML: a tab in indentation (indent with spaces)"});
    else
      diags.push_back({loc_of_pos(pos), readable_parser_message(e.msg)});
  } catch (const YAML::Exception& e) {
    diags.push_back({loc_of_pos(0), readable_parser_message(e.msg)});
  } catch (const std::exception& e) {
    diags.push_back({loc_of_pos(0), std::string("invalid YAML: ") + e.what()});
  }
  return false;
}

core::SourceLoc YamlSource::loc_of_pos(size_t pos) const {
  pos = std::min(pos, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), pos);
  size_t line = static_cast<size_t>(it - line_starts_.begin());  // 1-based
  // Columns count characters, as editors do: UTF-8 continuation bytes are not counted.
  size_t column = 1;
  for (size_t i = line_starts_[line - 1]; i < pos; ++i)
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
  return core::SourceLoc{file_, static_cast<int>(line), static_cast<int>(column)};
}

size_t YamlSource::content_start(const YamlNode& n) const {
  size_t p = n.content_pos;
  switch (n.style) {
    case YamlNode::Style::kSingleQuoted:
    case YamlNode::Style::kDoubleQuoted:
      return p + 1;
    case YamlNode::Style::kLiteral:
    case YamlNode::Style::kFolded: {
      // Content starts on the line after the header (`|-2 # comment`).
      size_t nl = text_.find('\n', p);
      return nl == std::string::npos ? text_.size() : nl + 1;
    }
    default:
      return p;
  }
}

core::SourceLoc YamlSource::loc(const YamlNode& n) const { return loc_of_pos(n.is_scalar() ? n.content_pos : n.pos); }

core::SourceLoc YamlSource::loc_at(const YamlNode& n, size_t offset) const {
  if (!n.is_scalar()) return loc(n);
  // Walk the source and the content side by side. Every non-space content
  // byte is a source byte (or an escape); whitespace differs where lines are
  // folded, indented or chomped, so unmatched source whitespace is skipped.
  const std::string& c = n.text;
  const bool single = n.style == YamlNode::Style::kSingleQuoted;
  const bool dbl = n.style == YamlNode::Style::kDoubleQuoted;
  size_t p = content_start(n);
  size_t i = 0;
  offset = std::min(offset, c.size());
  while (p < text_.size() && i < c.size()) {
    const char s = text_[p];
    if (single && s == '\'') {
      if (p + 1 < text_.size() && text_[p + 1] == '\'') {  // '' is one quote
        if (i == offset) break;
        p += 2, ++i;
        continue;
      }
      break;  // the closing quote
    }
    if (dbl && s == '"') break;
    if (dbl && s == '\\') {
      auto [src_len, out_len] = escape_size(text_, p);
      if (out_len > 0 && i + out_len > offset) break;
      p += src_len, i += out_len;
      continue;
    }
    if (s == c[i]) {
      if (i == offset) break;
      ++p, ++i;
    } else if (is_white(s)) {
      ++p;
    } else if (c[i] == ' ' || c[i] == '\n') {
      if (i == offset) break;
      ++i;  // a folded line break with no source byte of its own here
    } else {
      if (i == offset) break;
      ++p, ++i;  // should not happen; stay roughly in step
    }
  }
  return loc_of_pos(p);
}

}  // namespace wf::model
