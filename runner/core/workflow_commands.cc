#include "runner/core/workflow_commands.h"

namespace wf::core {
namespace {

constexpr std::string_view kCommandKey = "::";

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

// One left-to-right pass, so "%250A" decodes to "%0A" and not to a newline.
std::string unescape(std::string_view s, bool property) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      std::string_view code = s.substr(i + 1, 2);
      char decoded = 0;
      if (code == "25") decoded = '%';
      else if (code == "0D") decoded = '\r';
      else if (code == "0A") decoded = '\n';
      else if (property && code == "3A") decoded = ':';
      else if (property && code == "2C") decoded = ',';
      if (decoded != 0) {
        out += decoded;
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::string escape(std::string_view s, bool property) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out += c;
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(" \t");
  return s.substr(begin, end - begin + 1);
}

}  // namespace

const std::string* WorkflowCommand::property(std::string_view key) const {
  for (const auto& [k, v] : properties) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::optional<WorkflowCommand> parse_workflow_command(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  size_t first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos) return std::nullopt;
  line.remove_prefix(first);
  if (line.substr(0, kCommandKey.size()) != kCommandKey) return std::nullopt;
  size_t end = line.find(kCommandKey, kCommandKey.size());
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view info = line.substr(kCommandKey.size(), end - kCommandKey.size());
  size_t space = info.find(' ');
  std::string_view name = info.substr(0, space);
  if (name.empty()) return std::nullopt;
  for (char c : name) {
    if (!is_name_char(c)) return std::nullopt;
  }
  WorkflowCommand command;
  command.name = std::string(name);
  if (space != std::string_view::npos) {
    std::string_view props = trim(info.substr(space + 1));
    while (!props.empty()) {
      size_t comma = props.find(',');
      std::string_view prop = props.substr(0, comma);
      props = comma == std::string_view::npos ? std::string_view{} : props.substr(comma + 1);
      size_t equals = prop.find('=');
      if (equals == std::string_view::npos || equals == 0 || equals + 1 == prop.size()) continue;
      command.properties.emplace_back(std::string(prop.substr(0, equals)),
                                      unescape(prop.substr(equals + 1), true));
    }
  }
  command.value = unescape(line.substr(end + kCommandKey.size()), false);
  return command;
}

std::string format_workflow_command(const WorkflowCommand& command) {
  std::string out(kCommandKey);
  out += command.name;
  for (size_t i = 0; i < command.properties.size(); ++i) {
    out += i == 0 ? ' ' : ',';
    out += command.properties[i].first;
    out += '=';
    out += escape(command.properties[i].second, true);
  }
  out += kCommandKey;
  out += escape(command.value, false);
  return out;
}

}  // namespace wf::core
