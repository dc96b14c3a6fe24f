// Workflow commands (`::add-mask::`, `::error file=F,line=3::msg`, ...) as a
// step prints them. Properties: never crashes; a parsed command, printed by
// format_workflow_command() (how wf speaks to GitHub), parses back to the
// same command (but for the blanks at the ends of the property list, which
// format_workflow_command documents as lost).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <algorithm>

#include "runner/core/workflow_commands.h"

namespace {

using Properties = std::vector<std::pair<std::string, std::string>>;

bool blank(char c) { return c == ' ' || c == '\t'; }

// What format + parse keeps of the properties: blanks starting the first
// key and ending the last value go (and a property left empty with them).
void trim_ends(Properties& props) {
  while (!props.empty()) {
    std::string& last = props.back().second;
    while (!last.empty() && blank(last.back())) last.pop_back();
    if (!last.empty()) break;
    props.pop_back();
  }
  while (!props.empty()) {
    std::string& first = props.front().first;
    first.erase(0, std::min(first.find_first_not_of(" \t"), first.size()));
    if (!first.empty()) break;
    props.erase(props.begin());
    trim_ends(props);
    return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto c = wf::core::parse_workflow_command(line);
  if (!c) return 0;
  for (const auto& [k, v] : c->properties) (void)c->property(k);
  trim_ends(c->properties);
  auto again = wf::core::parse_workflow_command(wf::core::format_workflow_command(*c));
  if (!again || again->name != c->name || again->properties != c->properties || again->value != c->value)
    std::abort();
  return 0;
}
