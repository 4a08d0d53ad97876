#ifndef PLINTH_LIBS_DB_LISTENER_H_
#define PLINTH_LIBS_DB_LISTENER_H_

// PostgreSQL's LISTEN on one channel, on a connection and a thread of its
// own. Notifications sent while the connection was down are lost: after each
// (re)connection `on_connected` runs, so the owner can look up what it may
// have missed; `on_disconnected` (optional) when a connection is found dead.

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace plinth::db {

class Listener {
 public:
  using OnPayload = std::function<void(const std::string& payload)>;

  Listener(const std::string& conninfo, std::string channel, OnPayload on_payload, std::function<void()> on_connected,
           std::function<void()> on_disconnected = nullptr);
  // Stops within about a second.
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

 private:
  void Loop();

  std::string conninfo_;
  std::string channel_;
  OnPayload on_payload_;
  std::function<void()> on_connected_;
  std::function<void()> on_disconnected_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace plinth::db

#endif  // PLINTH_LIBS_DB_LISTENER_H_
