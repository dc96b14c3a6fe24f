// The `$WF_OUTPUT` / `$GITHUB_OUTPUT` / `$GITHUB_ENV` file syntax
// (parse_output_file, which read_step_files uses for $GITHUB_ENV too).
// Properties: never crashes; what it parses, written back with
// format_output() (the writer wf uses for $GITHUB_OUTPUT), parses to the
// same entries — for the names format_output() accepts
// (writable_output_name) and the values it documents as surviving (no '\r'
// ending a value line).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runner/core/output_file.h"

namespace {

bool survives(const std::string& v) {
  if (!v.empty() && v.back() == '\r') return false;
  return v.find("\r\n") == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto entries = wf::core::parse_output_file(text);
  if (!entries) return 0;
  wf::core::OutputEntries kept;
  std::string written;
  for (const auto& [name, value] : *entries) {
    if (!wf::core::writable_output_name(name) || !survives(value)) continue;
    kept.emplace_back(name, value);
    written += wf::core::format_output(name, value);
  }
  auto again = wf::core::parse_output_file(written);
  if (!again || *again != kept) std::abort();
  return 0;
}
