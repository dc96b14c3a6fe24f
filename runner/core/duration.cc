#include "runner/core/duration.h"

#include <cctype>

namespace wf::core {

std::optional<Millis> parse_duration(std::string_view text) {
  if (text == "0") return Millis(0);
  if (text.empty()) return std::nullopt;
  // Units in the only order they may appear.
  struct Unit { std::string_view name; long long ms; };
  static constexpr Unit kUnits[] = {{"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1}};
  long long total = 0;
  size_t next_unit = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    long long n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      n = n * 10 + (text[i] - '0');
      if (n > 1'000'000'000LL) return std::nullopt;
      ++i;
    }
    size_t start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(start, i - start);
    size_t u = next_unit;
    while (u < std::size(kUnits) && kUnits[u].name != unit) ++u;
    if (u == std::size(kUnits)) return std::nullopt;
    total += n * kUnits[u].ms;
    next_unit = u + 1;
  }
  return Millis(total);
}

std::string format_duration(Millis d) {
  long long ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  auto part = [&](long long unit, const char* name) {
    if (ms >= unit) {
      out += std::to_string(ms / unit) + name;
      ms %= unit;
    }
  };
  part(3600000, "h");
  part(60000, "m");
  part(1000, "s");
  if (ms > 0) out += std::to_string(ms) + "ms";
  return out;
}

}  // namespace wf::core
