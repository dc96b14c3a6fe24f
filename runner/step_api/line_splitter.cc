#include "runner/step_api/line_splitter.h"

namespace wf::step_api {

void LineSplitter::write(std::string_view chunk) {
  size_t start = 0;
  for (size_t nl = chunk.find('\n'); nl != std::string_view::npos; nl = chunk.find('\n', start)) {
    partial_.append(chunk.substr(start, nl - start));
    if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    on_line_(partial_);
    partial_.clear();
    start = nl + 1;
  }
  partial_.append(chunk.substr(start));
}

void LineSplitter::flush() {
  if (partial_.empty()) return;
  if (partial_.back() == '\r') partial_.pop_back();
  on_line_(partial_);
  partial_.clear();
}

}  // namespace wf::step_api
