#include "libs/db/listener.h"

#include <algorithm>
#include <chrono>

#include <pqxx/pqxx>

#include "libs/db/pool.h"
#include "libs/logging/logging.h"

namespace plinth::db {
namespace {

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, const std::string& channel, const Listener::OnPayload& on_payload)
      : pqxx::notification_receiver(c, channel), on_payload_(on_payload) {}
  void operator()(const std::string& payload, int) override { on_payload_(payload); }

 private:
  const Listener::OnPayload& on_payload_;
};

}  // namespace

Listener::Listener(const std::string& conninfo, std::string channel, OnPayload on_payload,
                   std::function<void()> on_connected, std::function<void()> on_disconnected)
    : conninfo_(WithConnectionDefaults(conninfo)),
      channel_(std::move(channel)),
      on_payload_(std::move(on_payload)),
      on_connected_(std::move(on_connected)),
      on_disconnected_(std::move(on_disconnected)) {
  thread_ = std::thread([this] { Loop(); });
}

Listener::~Listener() {
  stopping_ = true;
  thread_.join();
}

void Listener::Loop() {
  auto backoff = std::chrono::milliseconds(200);
  bool warned = false;
  while (!stopping_) {
    try {
      pqxx::connection conn(conninfo_);
      Receiver receiver(conn, channel_, on_payload_);  // LISTEN, at once
      conn.get_notifs();
      if (warned) logging::Info("listening again", {{"channel", channel_}});
      warned = false;
      backoff = std::chrono::milliseconds(200);
      if (on_connected_) on_connected_();
      while (!stopping_) conn.await_notification(1, 0);
    } catch (const std::exception& e) {
      if (on_disconnected_) on_disconnected_();
      if (!warned)
        logging::Warn("database listener disconnected; reconnecting", {{"channel", channel_}, {"error", e.what()}});
      warned = true;
      for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopping_;
           waited += std::chrono::milliseconds(100)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
  }
}

}  // namespace plinth::db
