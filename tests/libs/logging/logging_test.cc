#include "libs/logging/logging.h"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace plinth::logging {
namespace {

nlohmann::ordered_json Parse(const std::string& line) {
  auto j = nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
  EXPECT_TRUE(j.is_object()) << line;
  return j;
}

TEST(FormatLine, FixedKeysInOrderThenTheFields) {
  RequestContext::Set("req-1", "");
  RequestContext::SetTraceParent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  auto j = Parse(FormatLine("info", "rpc", {{"method", "/a.B/C"}, {"grpc_code", "0"}}));
  RequestContext::Set("", "");
  RequestContext::SetTraceParent("");
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"ts", "level", "service", "request_id", "user_id", "trace_id", "msg",
                                            "method", "grpc_code"}));
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["request_id"], "req-1");
  EXPECT_TRUE(j["user_id"].is_null());
  EXPECT_EQ(j["trace_id"], "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(j["msg"], "rpc");
  EXPECT_EQ(j["method"], "/a.B/C");
  EXPECT_EQ(j["ts"].get<std::string>().size(), 24u);  // 2026-01-02T03:04:05.678Z
}

// Whatever a client sends ends up in a field: every line stays one line of
// valid JSON, text that is UTF-8 comes back as it was, and bytes that are not
// become U+FFFD.
TEST(FormatLine, EscapesEverythingAndReplacesBytesThatAreNotUtf8) {
  std::string all_ascii;
  for (int c = 0; c < 128; ++c) all_ascii.push_back(static_cast<char>(c));
  const std::string unicode = "é 😀 \xE2\x80\xA8 中文 \xF4\x8F\xBF\xBF";  // incl. U+2028, U+10FFFF
  auto line = FormatLine("warn", all_ascii, {{"text", unicode}, {"quote\"key", "a\\b"}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto j = Parse(line);
  EXPECT_EQ(j["msg"], all_ascii);
  EXPECT_EQ(j["text"], unicode);
  EXPECT_EQ(j["quote\"key"], "a\\b");

  const std::string replacement = "\xEF\xBF\xBD";
  struct Case {
    std::string in, out;
  } cases[] = {
      {"a\xFF"
       "b",
       "a" + replacement + "b"},
      {"\xC0\xAF", replacement + replacement},                                      // overlong '/'
      {"\xED\xA0\x80", replacement + replacement + replacement},                    // a surrogate
      {"\xF4\x90\x80\x80", replacement + replacement + replacement + replacement},  // above U+10FFFF
      {"\xE2\x82", replacement + replacement},                                      // cut short at the end
      {"\xE2\x82"
       "x",
       replacement + replacement + "x"},
  };
  for (const auto& c : cases) {
    auto parsed = Parse(FormatLine("info", "m", {{"v", c.in}}));
    EXPECT_EQ(parsed["v"], c.out);
  }
}

}  // namespace
}  // namespace plinth::logging
