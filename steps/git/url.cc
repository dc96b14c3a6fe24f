#include "steps/git/url.h"

namespace wf::steps::git {

SplitUrl split_credentials(const std::string& url) {
  SplitUrl out{url, "", ""};
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return out;
  size_t start = scheme + 3;
  size_t end = url.find('/', start);
  if (end == std::string::npos) end = url.size();
  size_t at = url.rfind('@', end);
  if (at == std::string::npos || at < start) return out;
  std::string info = url.substr(start, at - start);
  size_t colon = info.find(':');
  out.username = info.substr(0, colon);
  if (colon != std::string::npos) out.password = info.substr(colon + 1);
  out.url = url.substr(0, start) + url.substr(at + 1);
  return out;
}

bool is_url(const std::string& repo) {
  if (repo.find("://") != std::string::npos) return true;
  // scp-like: user@host:path (a colon before any slash)
  size_t colon = repo.find(':');
  size_t slash = repo.find('/');
  return colon != std::string::npos && colon > 1 && (slash == std::string::npos || colon < slash);
}

bool is_local_repo(const std::string& repo) { return repo.rfind("file://", 0) == 0 || !is_url(repo); }

std::string default_dir(const std::string& repo) {
  std::string r = repo;
  while (!r.empty() && r.back() == '/') r.pop_back();
  size_t cut = r.find_last_of("/:");
  std::string name = cut == std::string::npos ? r : r.substr(cut + 1);
  if (name.size() > 4 && name.compare(name.size() - 4, 4, ".git") == 0) name.resize(name.size() - 4);
  return name;
}

}  // namespace wf::steps::git
