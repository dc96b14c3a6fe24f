#include "runner/model/command_line.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace wf::model {

namespace {

// Builtins and keywords whose arguments never reach another process's argv.
constexpr std::array<std::string_view, 31> kInShell = {
    "echo", "printf", "export", "local", "declare", "typeset", "readonly", "test", "[", "[[", "read",
    "set", ":", "true", "false", "cd", "if", "then", "else", "elif", "fi", "do", "done", "while",
    "until", "for", "case", "return", "exit", "shift", "unset"};

bool is_assignment(std::string_view word) {
  size_t eq = word.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  if (std::isdigit(static_cast<unsigned char>(word[0]))) return false;
  return std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(eq),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Words that start a command but do not name it.
bool is_prefix_word(std::string_view word) {
  return word == "!" || word == "time" || word == "then" || word == "do" || word == "else" || word == "{" ||
         word == "exec" || word == "command" || word == "nohup" || word == "sudo" || word == "env";
}

struct Word {
  std::string text;
  size_t begin = 0;
  size_t end = 0;
};

// The words of the simple command that contains `offset`, split on the shell
// operators outside quotes.
std::vector<Word> command_at(std::string_view s, size_t offset) {
  std::vector<Word> words;
  Word current;
  bool in_word = false;
  char quote = 0;
  auto end_word = [&](size_t at) {
    if (!in_word) return;
    current.end = at;
    words.push_back(current);
    current = Word{};
    in_word = false;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"' && i + 1 < s.size()) {
        current.text += s[++i];
        continue;
      }
      if (c == quote) quote = 0;
      current.text += c;
      continue;
    }
    bool separator = c == '\n' || c == ';' || c == '|' || c == '&' || c == '(' || c == ')' || c == '`';
    if (s.compare(i, 3, "${{") == 0) {  // an expression is one piece of a word, spaces and all
      size_t close = s.find("}}", i + 3);
      size_t stop = close == std::string_view::npos ? s.size() : close + 2;
      if (!in_word) {
        in_word = true;
        current.begin = i;
      }
      current.text.append(s.substr(i, stop - i));
      i = stop - 1;
      continue;
    }
    if (c == '\\' && i + 1 < s.size() && s[i + 1] == '\n') {  // a continued line
      ++i;
      continue;
    }
    if (separator || c == ' ' || c == '\t') {
      end_word(i);
      if (separator) {
        if (i >= offset) return words;
        words.clear();
      }
      continue;
    }
    if (!in_word) {
      in_word = true;
      current.begin = i;
    }
    if (c == '\'' || c == '"') quote = c;
    current.text += c;
  }
  end_word(s.size());
  return words;
}

}  // namespace

std::optional<std::string> command_taking_argument(std::string_view script, size_t offset) {
  std::vector<Word> words = command_at(script, offset);
  size_t i = 0;
  while (i < words.size() && words[i].end <= offset && (is_assignment(words[i].text) || is_prefix_word(words[i].text)))
    ++i;
  if (i >= words.size()) return std::nullopt;
  const Word& name = words[i];
  if (name.begin <= offset && offset < name.end) {
    // The value is (part of) the command's name or a prefix assignment.
    return std::nullopt;
  }
  if (name.begin > offset) return std::nullopt;  // in an assignment before the command
  if (std::find(kInShell.begin(), kInShell.end(), name.text) != kInShell.end()) return std::nullopt;
  return name.text;
}

}  // namespace wf::model
