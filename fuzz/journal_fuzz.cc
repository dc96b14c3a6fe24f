// The journal reader (`journal.jsonl`, read by --resume and `wf runs`) on
// any bytes: a journal may be torn by a kill or damaged on disk.
// Properties: never crashes; a journal that reads well still reads, to the
// same state, when its last line is torn (cut at any byte).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runner/core/json.h"
#include "runner/exec/state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto state = wf::exec::parse_journal(text, "journal.jsonl");
  if (!state) return 0;
  for (const auto& [id, step] : state->steps) {
    (void)wf::core::to_json(step.outputs);
    (void)wf::core::to_json(step.exports);
  }
  // Append a torn copy of the text's first line, cut before its closing
  // brace as a kill during append() would: the state must not change.
  size_t nl = text.find('\n');
  if (text.empty() || text.back() != '\n' || nl == std::string_view::npos || nl < 2 || text[nl - 1] != '}')
    return 0;
  std::string torn(text);
  torn.append(text.substr(0, nl / 2));
  auto again = wf::exec::parse_journal(torn, "journal.jsonl");
  if (!again || again->events != state->events || again->steps.size() != state->steps.size()) std::abort();
  return 0;
}
