#ifndef PLINTH_TESTS_SUPPORT_NET_H_
#define PLINTH_TESTS_SUPPORT_NET_H_

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>

namespace plinth::testing {

// A loopback TCP port free right now (for servers a test starts), below the
// kernel's ephemeral range: a port the kernel hands out (bind to 0) is in that
// range, and once closed it can become the source port of an outgoing
// connection before the server meant for it binds it.
inline int FreePort() {
  int low = 32768;
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  if (int lo = 0; range >> lo && lo > 12000) low = lo;
  static std::mt19937 random{std::random_device{}()};
  std::uniform_int_distribution<int> pick(10000, low - 1);
  for (;;) {
    int port = pick(random);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    if (ok) return port;
  }
}

}  // namespace plinth::testing

#endif  // PLINTH_TESTS_SUPPORT_NET_H_
