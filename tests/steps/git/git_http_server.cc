#include "tests/steps/git/git_http_server.h"

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace wf::test {

namespace {

std::string base64_decode(const std::string& in) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    size_t pos = chars.find(c);
    if (pos == std::string::npos) break;
    val = (val << 6) + static_cast<int>(pos);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::string backend_path() {
  for (const char* p : {"/usr/lib/git-core/git-http-backend", "/usr/libexec/git-core/git-http-backend"})
    if (access(p, X_OK) == 0) return p;
  throw std::runtime_error("git-http-backend not found: apt-get install git");
}

}  // namespace

struct GitHttpServer::Impl {
  std::string root, token, backend;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::atomic<int> requests{0}, refused{0};
  mutable std::mutex mu;
  std::string users;

  void handle(const httplib::Request& q, httplib::Response& r) {
    ++requests;
    std::string user;
    if (!token.empty()) {
      std::string auth = q.get_header_value("Authorization");
      std::string pass;
      if (auth.rfind("Basic ", 0) == 0) {
        std::string decoded = base64_decode(auth.substr(6));
        size_t colon = decoded.find(':');
        if (colon != std::string::npos) {
          user = decoded.substr(0, colon);
          pass = decoded.substr(colon + 1);
        }
      }
      if (pass != token) {
        ++refused;
        r.status = 401;
        r.set_header("WWW-Authenticate", "Basic realm=\"git\"");
        r.set_content("unauthorized\n", "text/plain");
        return;
      }
      std::lock_guard<std::mutex> l(mu);
      if (users.find(user) == std::string::npos) users += user + "\n";
    }
    cgi(q, r, user);
  }

  // One run of git-http-backend: the request body on its stdin (a file, so
  // no pipe can fill up both ways), its answer (CGI headers, body) on stdout.
  void cgi(const httplib::Request& q, httplib::Response& r, const std::string& user) {
    std::string query;
    size_t qm = q.target.find('?');
    if (qm != std::string::npos) query = q.target.substr(qm + 1);
    std::vector<std::string> env = {
        "GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "PATH_INFO=" + q.path,
        "REQUEST_METHOD=" + q.method, "QUERY_STRING=" + query, "REMOTE_ADDR=127.0.0.1",
        "REMOTE_USER=" + user, "CONTENT_TYPE=" + q.get_header_value("Content-Type"),
        "CONTENT_LENGTH=" + std::to_string(q.body.size()), "PATH=/usr/bin:/bin"};
    if (q.has_header("Content-Encoding")) env.push_back("HTTP_CONTENT_ENCODING=" + q.get_header_value("Content-Encoding"));
    if (q.has_header("Git-Protocol")) env.push_back("GIT_PROTOCOL=" + q.get_header_value("Git-Protocol"));
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);

    char in_name[] = "/tmp/wf-git-cgi-XXXXXX";
    int in_fd = mkstemp(in_name);
    unlink(in_name);
    if (in_fd < 0 || write(in_fd, q.body.data(), q.body.size()) != static_cast<ssize_t>(q.body.size())) {
      r.status = 500;
      if (in_fd >= 0) close(in_fd);
      return;
    }
    lseek(in_fd, 0, SEEK_SET);
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
      close(in_fd);
      r.status = 500;
      return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    char* argv[] = {backend.data(), nullptr};
    pid_t pid = -1;
    int rc = posix_spawn(&pid, backend.c_str(), &fa, nullptr, argv, envp.data());
    posix_spawn_file_actions_destroy(&fa);
    close(in_fd);
    close(out[1]);
    std::string output;
    char buf[65536];
    ssize_t n;
    while (rc == 0 && (n = read(out[0], buf, sizeof buf)) > 0) output.append(buf, n);
    close(out[0]);
    if (rc == 0) waitpid(pid, nullptr, 0);
    size_t end = output.find("\r\n\r\n");
    size_t skip = 4;
    if (end == std::string::npos || output.find("\n\n") < end) {
      end = output.find("\n\n");
      skip = 2;
    }
    if (rc != 0 || end == std::string::npos) {
      r.status = 500;
      return;
    }
    r.status = 200;
    std::string type = "application/octet-stream";
    size_t pos = 0;
    std::string head = output.substr(0, end);
    while (pos < head.size()) {
      size_t nl = head.find('\n', pos);
      if (nl == std::string::npos) nl = head.size();
      std::string line = head.substr(pos, nl - pos);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      pos = nl + 1;
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon), value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (name == "Status") r.status = std::stoi(value);
      else if (name == "Content-Type") type = value;
      else if (name != "Content-Length") r.set_header(name.c_str(), value);
    }
    r.set_content(output.substr(end + skip), type.c_str());
  }
};

GitHttpServer::GitHttpServer(std::string root, std::string token) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.root = std::move(root);
  s.token = std::move(token);
  s.backend = backend_path();
  auto handler = [&s](const httplib::Request& q, httplib::Response& r) { s.handle(q, r); };
  s.server.Get(".*", handler);
  s.server.Post(".*", handler);
  s.server.set_payload_max_length(64 << 20);
  s.port = s.server.bind_to_any_port("127.0.0.1");
  if (s.port <= 0) throw std::runtime_error("GitHttpServer: cannot bind 127.0.0.1");
  s.thread = std::thread([&s] {
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    s.server.listen_after_bind();
  });
  while (!s.server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

GitHttpServer::~GitHttpServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string GitHttpServer::url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }
int GitHttpServer::requests() const { return impl_->requests; }
int GitHttpServer::refused() const { return impl_->refused; }
std::string GitHttpServer::users() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->users;
}

}  // namespace wf::test
