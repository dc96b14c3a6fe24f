#pragma once
// A git smart-HTTP server for tests: cpp-httplib on 127.0.0.1 (an ephemeral
// port) running `git http-backend` as CGI for the bare repositories under a
// root folder, behind Basic auth. Stops with the object (and dies with the
// test process: it is a thread of it).

#include <memory>
#include <string>

namespace wf::test {

class GitHttpServer {
 public:
  /// Serves every repository under `root`. With a non-empty `token`, every
  /// request must carry Basic auth with that password (any user name);
  /// others get 401 with a Basic challenge.
  GitHttpServer(std::string root, std::string token);
  ~GitHttpServer();
  GitHttpServer(const GitHttpServer&) = delete;
  GitHttpServer& operator=(const GitHttpServer&) = delete;

  /// "http://127.0.0.1:PORT"
  std::string url() const;
  /// Requests seen; those refused for missing or wrong credentials.
  int requests() const;
  int refused() const;
  /// The user names that authenticated.
  std::string users() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wf::test
