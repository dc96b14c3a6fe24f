#include "runner/adapters/http_headers.h"

#include <algorithm>
#include <cctype>

#include "runner/core/strings.h"

namespace wf::adapters {

void add_header_line(std::string_view line, std::vector<std::pair<std::string, std::string>>& headers) {
  if (line.rfind("HTTP/", 0) == 0) {
    headers.clear();
    return;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return;
  std::string name = core::trim(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  headers.emplace_back(std::move(name), core::trim(line.substr(colon + 1)));
}

}  // namespace wf::adapters
