#include "tests/support/sockets.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>

namespace wf::test {

int connection_fd(int local_port, int remote_port) {
  int found = -1;
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return -1;
  while (dirent* e = readdir(dir)) {
    int fd = std::atoi(e->d_name);
    if (fd <= 2) continue;
    sockaddr_in local{}, peer{};
    socklen_t ll = sizeof local, pl = sizeof peer;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0 || local.sin_family != AF_INET) continue;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0 || peer.sin_family != AF_INET) continue;
    if (ntohs(local.sin_port) == local_port && ntohs(peer.sin_port) == remote_port) {
      found = fd;
      break;
    }
  }
  closedir(dir);
  return found;
}

void shutdown_connection(int local_port, int remote_port) {
  int fd = connection_fd(local_port, remote_port);
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

void reset_connection(int local_port, int remote_port) {
  int fd = connection_fd(local_port, remote_port);
  if (fd < 0) return;
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  (void)::connect(fd, &unspec, sizeof unspec);
}

}  // namespace wf::test
