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

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool credential_name(std::string_view name, bool query) {
  std::string n = lower(name);
  if (n == "cookie" || n == "set-cookie") return true;
  for (const char* word : {"auth", "token", "secret", "key", "password", "passwd"})
    if (n.find(word) != std::string::npos) return true;
  return query && (n == "sig" || n == "signature" || n == "code");
}

constexpr std::string_view kRedacted = "<redacted>";

}  // namespace

std::string header_for_log(std::string_view name, std::string_view value) {
  return std::string(name) + ": " + std::string(credential_name(name, false) ? kRedacted : value);
}

std::string url_for_log(std::string_view url) {
  std::string out(url);
  // userinfo: scheme://user:pass@host/...
  size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    size_t host = scheme + 3;
    size_t end = out.find_first_of("/?#", host);
    size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at >= host) out.replace(host, at - host, kRedacted);
  }
  size_t q = out.find('?');
  if (q == std::string::npos) return out;
  std::string result = out.substr(0, q + 1);
  size_t fragment = out.find('#', q);
  std::string_view query(out.data() + q + 1, (fragment == std::string::npos ? out.size() : fragment) - q - 1);
  for (size_t start = 0; start <= query.size();) {
    size_t amp = query.find('&', start);
    std::string_view param = query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    size_t eq = param.find('=');
    if (eq != std::string_view::npos && credential_name(param.substr(0, eq), true)) {
      result += std::string(param.substr(0, eq + 1)) + std::string(kRedacted);
    } else {
      result += std::string(param);
    }
    if (amp == std::string_view::npos) break;
    result += '&';
    start = amp + 1;
  }
  if (fragment != std::string::npos) result += out.substr(fragment);
  return result;
}

}  // namespace wf::adapters
