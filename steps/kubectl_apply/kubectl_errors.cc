#include "steps/kubectl_apply/kubectl_errors.h"

#include <array>
#include <cctype>

namespace wf::steps::kubectl_apply {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// How kubectl starts each error it prints. With several errors it prints
// them one per line without "error: "; a message may span lines.
bool starts_record(std::string_view line) {
  static constexpr std::array<std::string_view, 14> kStarts = {
      "error: ",           "Error from server",        "error validating",
      "resource mapping not found", "error when ",     "Error: ",
      "unable to recognize", "The connection to the server", "Unable to connect to the server",
      "error parsing",     "the namespace from the provided object", "Apply failed with",
      "error converting",  "the server "};
  for (auto s : kStarts)
    if (starts_with(line, s)) return true;
  return false;
}

int file_index_in(std::string_view text, const std::string& dir) {
  if (dir.empty()) return -1;
  std::string prefix = dir + "/";
  for (size_t at = text.find(prefix); at != std::string_view::npos; at = text.find(prefix, at + 1)) {
    size_t i = at + prefix.size();
    size_t digits = i;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
    if (digits > i && text.substr(digits, 5) == ".yaml") return std::stoi(std::string(text.substr(i, digits - i)));
  }
  return -1;
}

}  // namespace

ErrorClass classify_kubectl_error(std::string_view t) {
  // The CRD of the kind is not served yet, or kubectl's discovery is stale.
  if (contains(t, "no matches for kind") || contains(t, "ensure CRDs are installed first") ||
      contains(t, "the server could not find the requested resource"))
    return ErrorClass::kNotReady;
  if (contains(t, "the server is currently unable to handle the request")) return ErrorClass::kNotReady;
  // An admission webhook whose server is still starting.
  if (contains(t, "failed calling webhook")) {
    static constexpr std::array<std::string_view, 8> kNotUp = {
        "connection refused",     "context deadline exceeded", "i/o timeout",       "Client.Timeout exceeded",
        "connection reset by peer", "no endpoints available",  "timed out",         "no route to host"};
    for (auto s : kNotUp)
      if (contains(t, s)) return ErrorClass::kNotReady;
    if (contains(t, "service \"") && contains(t, "not found")) return ErrorClass::kNotReady;
    return ErrorClass::kPermanent;
  }
  static constexpr std::array<std::string_view, 11> kTransient = {
      "The connection to the server", "Unable to connect to the server", "connection refused",
      "connection reset by peer",     "i/o timeout",                     "TLS handshake timeout",
      "Error from server (InternalError)", "Error from server (ServiceUnavailable)", "Error from server (Timeout)",
      "the object has been modified", "Error from server (TooManyRequests)"};
  for (auto s : kTransient)
    if (contains(t, s)) return ErrorClass::kTransient;
  return ErrorClass::kPermanent;
}

std::vector<KubectlError> parse_kubectl_errors(std::string_view text, const std::string& dir) {
  std::vector<KubectlError> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (starts_with(line, "Warning:") || starts_with(line, "W1") || starts_with(line, "I1")) continue;
    if (out.empty() || starts_record(line)) {
      out.push_back({std::string(line), -1, ErrorClass::kPermanent});
    } else {
      out.back().text += "\n";
      out.back().text += line;
    }
  }
  for (auto& e : out) {
    e.file_index = file_index_in(e.text, dir);
    e.error_class = classify_kubectl_error(e.text);
  }
  return out;
}

std::string kubectl_message(std::string_view text) {
  std::string_view t = text;
  // The last `"…/NNNN.yaml": ` ends kubectl's framing of the object.
  size_t cut = std::string_view::npos;
  for (std::string_view marker : {std::string_view(".yaml\": "), std::string_view(".yml\": "), std::string_view(".json\": ")}) {
    size_t at = t.rfind(marker);
    if (at != std::string_view::npos && (cut == std::string_view::npos || at + marker.size() > cut)) cut = at + marker.size();
  }
  if (cut != std::string_view::npos) {
    t = t.substr(cut);
  } else {
    if (starts_with(t, "error: ")) t.remove_prefix(7);
    if (starts_with(t, "Error from server")) {
      size_t colon = t.find(": ");
      if (colon != std::string_view::npos) t.remove_prefix(colon + 2);
    }
  }
  std::string out;
  bool space = false;
  for (char c : t) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

namespace {

// klog's header: "E1122 22:37:57.928673    8243 run.go:72] ".
bool is_klog_header(std::string_view line) {
  return line.size() > 6 && std::string_view("EWIF").find(line[0]) != std::string_view::npos &&
         std::isdigit(static_cast<unsigned char>(line[1])) && line.find("] ") != std::string_view::npos;
}

}  // namespace

std::string kustomize_message(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) continue;
    line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
    if (line == ">") continue;
    std::string unquoted;
    if (is_klog_header(line)) {
      line = line.substr(line.find("] ") + 2);
      if (line.find("err=<") != std::string_view::npos) continue;  // the message follows on its own lines
      if (size_t q = line.find("err=\""); q != std::string_view::npos) {
        // err="..." on the same line, Go-quoted.
        std::string_view body = line.substr(q + 5);
        if (!body.empty() && body.back() == '"') body.remove_suffix(1);
        for (size_t i = 0; i < body.size(); ++i) {
          if (body[i] == '\\' && i + 1 < body.size()) ++i;
          unquoted.push_back(body[i]);
        }
        line = unquoted;
      }
    }
    if (starts_with(line, "error: ")) line.remove_prefix(7);
    if (!out.empty()) out.push_back(' ');
    out.append(line);
  }
  return out;
}

ErrorClass classify_kustomize_error(std::string_view t) {
  static constexpr std::array<std::string_view, 8> kNetwork = {
      "dial tcp", "Could not resolve host", "no such host", "connection refused", "connection reset by peer",
      "i/o timeout", "TLS handshake timeout", "Connection timed out"};
  for (auto s : kNetwork)
    if (contains(t, s)) return ErrorClass::kTransient;
  return ErrorClass::kPermanent;
}

std::vector<std::string> parse_applied_names(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    // "-o name" prints TYPE/NAME; older servers' messages ("x created") have a space.
    if (!line.empty() && line.find('/') != std::string_view::npos && line.find(' ') == std::string_view::npos)
      out.emplace_back(line);
  }
  return out;
}

}  // namespace wf::steps::kubectl_apply
