#include "runner/core/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace wf::core {

std::string SourceLoc::str() const {
  std::string out = file.empty() ? "<input>" : file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

SourceLoc SourceLoc::shifted(int columns) const {
  SourceLoc l = *this;
  if (l.column > 0) l.column += columns;
  return l;
}

std::string Diagnostic::str() const { return loc.str() + ": " + message; }

void sort_diagnostics(Diagnostics& diags) {
  std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.loc.file, a.loc.line, a.loc.column) <
           std::tie(b.loc.file, b.loc.line, b.loc.column);
  });
}

}  // namespace wf::core
