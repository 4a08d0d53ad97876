// The Server-Sent Events parser on the shapes the providers send, split at
// every byte boundary.
#include "libs/http/sse.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace plinth::http {
namespace {

std::vector<SseEvent> ParseInChunks(const std::string& stream, size_t chunk) {
  SseParser parser;
  std::vector<SseEvent> events;
  for (size_t i = 0; i < stream.size(); i += chunk) {
    EXPECT_TRUE(
        parser.Feed(std::string_view(stream).substr(i, chunk), [&](const SseEvent& e) { events.push_back(e); }));
  }
  return events;
}

TEST(SseParser, AnthropicEventsWhateverTheChunking) {
  const std::string stream =
      "event: message_start\ndata: {\"type\":\"message_start\"}\n\n"
      "event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n"
      ": a comment\n"
      "event: content_block_delta\rdata: {\"text\":\"Hi \"}\r\r"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    auto events = ParseInChunks(stream, chunk);
    ASSERT_EQ(events.size(), 4u) << "chunks of " << chunk;
    EXPECT_EQ(events[0].event, "message_start");
    EXPECT_EQ(events[1].event, "ping");
    EXPECT_EQ(events[1].data, "{\"type\": \"ping\"}");
    EXPECT_EQ(events[2].event, "content_block_delta");
    EXPECT_EQ(events[2].data, "{\"text\":\"Hi \"}");
    EXPECT_EQ(events[3].event, "message_stop");
  }
}

TEST(SseParser, OpenAiDataOnlyEventsAndMultilineData) {
  auto events = ParseInChunks("data: {\"a\":1}\n\ndata:line one\ndata: line two\n\ndata: [DONE]\n\n", 3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event, "message");
  EXPECT_EQ(events[1].data, "line one\nline two");
  EXPECT_EQ(events[2].data, "[DONE]");
}

TEST(SseParser, IdsPersistAndEventsWithoutDataAreNotDispatched) {
  auto events = ParseInChunks("id: 7\nevent: x\n\nevent: y\ndata: d\n\nid\ndata: e\n\n", 5);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event, "y");
  EXPECT_EQ(events[0].id, "7");
  EXPECT_EQ(events[1].event, "message");  // the type does not carry over
  EXPECT_EQ(events[1].id, "");
}

TEST(SseParser, AnEndlessLineIsRefused) {
  SseParser parser(16);
  EXPECT_TRUE(parser.Feed("data: short\n", [](const SseEvent&) {}));
  EXPECT_FALSE(parser.Feed(std::string(100, 'x'), [](const SseEvent&) {}));
}

}  // namespace
}  // namespace plinth::http
