#include "runner/expr/hash_files.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>

#include "runner/core/hash.h"

namespace wf::expr {

namespace fs = std::filesystem;

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    if (!seg.empty() && seg != ".") out.push_back(seg);
    start = end + 1;
  }
  return out;
}

// `[...]` at p (just after '['): advances p past ']' and tells whether c is in it.
bool match_class(std::string_view pat, size_t& p, char c, bool& valid) {
  size_t q = p;
  bool negate = q < pat.size() && (pat[q] == '!' || pat[q] == '^');
  if (negate) ++q;
  bool found = false, first = true;
  while (q < pat.size() && (first || pat[q] != ']')) {
    first = false;
    char lo = pat[q], hi = lo;
    if (q + 2 < pat.size() && pat[q + 1] == '-' && pat[q + 2] != ']') {
      hi = pat[q + 2];
      q += 2;
    }
    if (c >= lo && c <= hi) found = true;
    ++q;
  }
  valid = q < pat.size();
  p = q + 1;
  return found != negate;
}

// One path segment against one pattern segment (no '/').
bool match_segment(std::string_view pat, std::string_view name) {
  size_t p = 0, n = 0, star_p = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star_p = ++p;
      star_n = n;
      continue;
    }
    if (p < pat.size()) {
      size_t next = p + 1;
      bool ok = false;
      if (pat[p] == '?') {
        ok = true;
      } else if (pat[p] == '[') {
        bool valid = false;
        size_t q = p + 1;
        ok = match_class(pat, q, name[n], valid);
        if (valid) next = q;
        else ok = name[n] == '[';
      } else if (pat[p] == '\\' && p + 1 < pat.size()) {
        ok = pat[p + 1] == name[n];
        next = p + 2;
      } else {
        ok = pat[p] == name[n];
      }
      if (ok) {
        p = next;
        ++n;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    n = ++star_n;
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

bool match_segments(const std::vector<std::string_view>& pat, size_t i, const std::vector<std::string_view>& path,
                    size_t j, size_t path_len) {
  if (i == pat.size()) return j == path_len;
  if (pat[i] == "**") {
    for (size_t k = j; k <= path_len; ++k)
      if (match_segments(pat, i + 1, path, k, path_len)) return true;
    return false;
  }
  if (j == path_len || !match_segment(pat[i], path[j])) return false;
  return match_segments(pat, i + 1, path, j + 1, path_len);
}

// The path itself or one of its directories matches.
bool match_path(const std::vector<std::string_view>& pat, const std::vector<std::string_view>& path) {
  if (pat.empty()) return false;
  for (size_t len = 1; len <= path.size(); ++len)
    if (match_segments(pat, 0, path, 0, len)) return true;
  return false;
}

struct Pattern {
  bool negate = false;
  std::string text;  // relative to the root
};

std::vector<Pattern> compile_patterns(const std::vector<std::string>& args, const fs::path& root) {
  std::vector<Pattern> out;
  for (const auto& arg : args) {
    size_t start = 0;
    while (start <= arg.size()) {
      size_t end = arg.find('\n', start);
      if (end == std::string::npos) end = arg.size();
      std::string line = arg.substr(start, end - start);
      start = end + 1;
      line.erase(0, line.find_first_not_of(" \t\r"));
      line.erase(line.find_last_not_of(" \t\r") + 1);
      if (line.empty() || line[0] == '#') continue;
      Pattern p;
      while (!line.empty() && line[0] == '!') {
        p.negate = !p.negate;
        line.erase(0, 1);
      }
      if (!line.empty() && line[0] == '/') {
        // Absolute: only meaningful under the root.
        std::string prefix = root.generic_string();
        if (!prefix.empty() && prefix.back() != '/') prefix += '/';
        if (line.rfind(prefix, 0) != 0) continue;
        line.erase(0, prefix.size());
      }
      p.text = line;
      out.push_back(std::move(p));
    }
  }
  return out;
}

bool sha256_file(const fs::path& file, core::Sha256::Digest& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  core::Sha256 sha;
  std::array<char, 1 << 16> buf;
  while (in) {
    in.read(buf.data(), buf.size());
    if (in.gcount() > 0) sha.update(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) return false;
  out = sha.finish();
  return true;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  return match_path(split_path(pattern), split_path(path));
}

core::Expected<std::string, std::string> hash_files(const std::string& root_dir, const std::vector<std::string>& args) {
  std::error_code ec;
  fs::path root = root_dir.empty() ? fs::current_path(ec) : fs::path(root_dir);
  std::vector<Pattern> patterns = compile_patterns(args, root);
  std::vector<std::vector<std::string_view>> compiled;
  for (const auto& p : patterns) compiled.push_back(split_path(p.text));

  std::vector<std::string> files;  // relative to the root
  if (fs::is_directory(root, ec)) {
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec))
      if (it->is_regular_file(ec)) files.push_back(it->path().lexically_relative(root).generic_string());
    if (ec) return core::unexpected("hashFiles: cannot list '" + root.string() + "': " + ec.message());
  }
  std::vector<std::vector<std::string_view>> segments;
  std::vector<size_t> selected;
  for (size_t f = 0; f < files.size(); ++f) {
    segments.push_back(split_path(files[f]));
    bool included = false;
    for (size_t i = 0; i < patterns.size(); ++i)
      if (patterns[i].negate == included && match_path(compiled[i], segments[f])) included = !patterns[i].negate;
    if (included) selected.push_back(f);
  }
  if (selected.empty()) return std::string();
  // Directory by directory, as a sorted walk visits them ("a/b" before "a.txt").
  std::sort(selected.begin(), selected.end(), [&](size_t a, size_t b) {
    return std::lexicographical_compare(segments[a].begin(), segments[a].end(), segments[b].begin(),
                                        segments[b].end());
  });

  core::Sha256 outer;
  for (size_t f : selected) {
    core::Sha256::Digest d;
    if (!sha256_file(root / files[f], d)) return core::unexpected("hashFiles: cannot read '" + files[f] + "'");
    outer.update(d);
  }
  std::string hex = core::Sha256::hex(outer.finish());
  return hex;
}

}  // namespace wf::expr
