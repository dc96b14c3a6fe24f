#include "runner/core/output_file.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <random>

namespace wf::core {
namespace {

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// Splits content into lines, each without its '\n' and a '\r' before it.
std::vector<std::string_view> split_lines(std::string_view content) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < content.size()) {
    size_t nl = std::min(content.find('\n', start), content.size());
    std::string_view line = content.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = nl + 1;
  }
  return lines;
}

std::string at_line(size_t index, std::string_view message) {
  return "line " + std::to_string(index + 1) + ": " + std::string(message);
}

void set_output(OutputEntries& entries, std::string_view name, std::string value) {
  auto it = std::find_if(entries.begin(), entries.end(),
                         [&](const auto& entry) { return entry.first == name; });
  if (it != entries.end()) {
    it->second = std::move(value);
  } else {
    entries.emplace_back(std::string(name), std::move(value));
  }
}

std::string random_delimiter() {
  // One engine per thread: seeding is costly and mt19937_64 is not thread-safe.
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string delimiter = "ghadelimiter_";
  for (int part = 0; part < 2; ++part) {
    uint64_t bits = engine();
    for (int i = 0; i < 16; ++i, bits >>= 4) delimiter += kHex[bits & 0x0f];
  }
  return delimiter;
}

}  // namespace

Expected<OutputEntries, std::string> parse_output_file(std::string_view content) {
  OutputEntries entries;
  std::vector<std::string_view> lines = split_lines(content);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (is_blank(line)) continue;
    size_t equals = line.find('=');
    size_t heredoc = line.find("<<");
    if (equals == std::string_view::npos && heredoc == std::string_view::npos) {
      return unexpected(at_line(i, "missing '=' or '<<' in \"" + std::string(line) + "\""));
    }
    if (equals < heredoc) {
      std::string_view name = line.substr(0, equals);
      if (name.empty()) return unexpected(at_line(i, "empty output name"));
      set_output(entries, name, std::string(line.substr(equals + 1)));
      continue;
    }
    std::string_view name = line.substr(0, heredoc);
    std::string_view delimiter = line.substr(heredoc + 2);
    if (name.empty()) return unexpected(at_line(i, "empty output name"));
    if (delimiter.empty()) {
      return unexpected(at_line(i, "empty heredoc delimiter for '" + std::string(name) + "'"));
    }
    size_t end = i + 1;
    while (end < lines.size() && lines[end] != delimiter) ++end;
    if (end == lines.size()) {
      return unexpected(at_line(i, "heredoc '" + std::string(delimiter) + "' for '" +
                                       std::string(name) + "' is never closed"));
    }
    std::string value;
    for (size_t j = i + 1; j < end; ++j) {
      if (j > i + 1) value += '\n';
      value.append(lines[j]);
    }
    set_output(entries, name, std::move(value));
    i = end;
  }
  return entries;
}

bool writable_output_name(std::string_view name) {
  return !name.empty() && name.back() != '<' && name.find('=') == std::string_view::npos &&
         name.find("<<") == std::string_view::npos && name.find_first_of("\r\n") == std::string_view::npos;
}

std::string format_output(std::string_view name, std::string_view value) {
  assert(writable_output_name(name));
  std::string out(name);
  if (value.find_first_of("\r\n") == std::string_view::npos) {
    out += '=';
    out.append(value);
    out += '\n';
    return out;
  }
  std::string delimiter = random_delimiter();
  while (value.find(delimiter) != std::string_view::npos) delimiter = random_delimiter();
  out += "<<" + delimiter + "\n";
  out.append(value);
  out += '\n' + delimiter + '\n';
  return out;
}

}  // namespace wf::core
