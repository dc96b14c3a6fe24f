#pragma once
// Source positions and the `FILE:LINE:COL: message` diagnostics every
// validation error is reported as.

#include <string>
#include <vector>

namespace wf::core {

/// A position in a source file; line and column are 1-based (0 = unknown).
struct SourceLoc {
  std::string file;
  int line = 0;
  int column = 0;

  /// "FILE:LINE:COL", or less when parts are unknown.
  std::string str() const;
  /// The same place shifted `columns` to the right on the same line.
  SourceLoc shifted(int columns) const;
};

struct Diagnostic {
  SourceLoc loc;
  std::string message;

  /// "FILE:LINE:COL: message".
  std::string str() const;
};

using Diagnostics = std::vector<Diagnostic>;

/// Sorts by file, line, column (stable, so same-place errors keep their order).
void sort_diagnostics(Diagnostics& diags);

}  // namespace wf::core
