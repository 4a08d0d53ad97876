#ifndef PLINTH_TESTS_SUPPORT_NET_H_
#define PLINTH_TESTS_SUPPORT_NET_H_

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace plinth::testing {

// A loopback TCP port free right now (for servers a test starts).
inline int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace plinth::testing

#endif  // PLINTH_TESTS_SUPPORT_NET_H_
