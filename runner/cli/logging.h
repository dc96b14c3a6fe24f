#pragma once
// wf's own debug log on the command line: WF_LOG and -v/--verbose.

#include <iosfwd>

namespace wf::cli {

/// Installs the log backend with stderr at the level WF_LOG names (trace,
/// debug, info, warn, off; default off: only a run's wf.log gets messages).
/// An unknown value is reported on `err` and ignored. Call once, first.
void start_logging(std::ostream& err);

/// -v/--verbose: wf's decisions on stderr at debug level (WF_LOG=trace stays).
void verbose();

}  // namespace wf::cli
