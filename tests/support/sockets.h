#pragma once
// Faults at the socket level for test servers (the GitHub API fixture, the
// registry's fault proxy): httplib gives handlers no socket, so it is found
// in /proc/self/fd by the connection's two ports.

namespace wf::test {

/// The server-side socket of the IPv4 connection between local_port and
/// remote_port, or -1.
int connection_fd(int local_port, int remote_port);

/// Ends the connection without an answer (a FIN both ways).
void shutdown_connection(int local_port, int remote_port);

/// Aborts the connection with an RST, as a crashed peer or a middlebox that
/// lost its state does: connect() to AF_UNSPEC disconnects a TCP socket at
/// once (tcp_disconnect).
void reset_connection(int local_port, int remote_port);

}  // namespace wf::test
