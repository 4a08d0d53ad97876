#include "libs/validation/text.h"

#include <gtest/gtest.h>

namespace plinth::validation {
namespace {

TEST(Text, CountsCodePointsNotBytes) {
  EXPECT_EQ(*CodePoints("héllo"), 5u);
  EXPECT_EQ(*CodePoints("日本語"), 3u);
  EXPECT_EQ(*CodePoints("😀"), 1u);
  EXPECT_FALSE(CodePoints("\xff").has_value());
  EXPECT_FALSE(CodePoints("\xe6\x97").has_value());
  // Not UTF-8 although shaped like it (PostgreSQL refuses them too).
  EXPECT_FALSE(CodePoints("\xc0\xaf").has_value());          // overlong '/'
  EXPECT_FALSE(CodePoints("\xed\xa0\x80").has_value());      // a surrogate
  EXPECT_FALSE(CodePoints("\xf4\x90\x80\x80").has_value());  // above U+10FFFF
  EXPECT_EQ(*CodePoints("\xf4\x8f\xbf\xbf"), 1u);            // U+10FFFF itself
}

TEST(Text, HttpsUrls) {
  EXPECT_FALSE(CheckUrl("https://cdn.example.com/a.png", 2048, false).has_value());
  EXPECT_TRUE(CheckUrl("http://cdn.example.com/a.png", 2048, false).has_value());
  EXPECT_TRUE(CheckUrl("javascript:alert(1)", 2048, false).has_value());
  EXPECT_TRUE(CheckUrl("https://", 2048, false).has_value());
  EXPECT_TRUE(CheckUrl("https://user@evil.com/", 2048, false).has_value());
  EXPECT_TRUE(CheckUrl("https://a.com/ b", 2048, false).has_value());
  EXPECT_TRUE(CheckUrl("https://a.com/" + std::string(2048, 'x'), 2048, false).has_value());
}

TEST(Text, HttpOrHttpsUrls) {
  EXPECT_FALSE(CheckUrl("http://127.0.0.1:3000/billing?checkout=success", 2048, true).has_value());
  EXPECT_FALSE(CheckUrl("https://app.example.com/billing", 2048, true).has_value());
  EXPECT_EQ(CheckUrl("ftp://a.com/", 2048, true).value_or(""), "must be an http(s) URL");
  EXPECT_EQ(CheckUrl("http:///billing", 2048, true).value_or(""), "must be an http(s) URL with a host");
  EXPECT_TRUE(CheckUrl("http://a.com/\r\nSet-Cookie: x", 2048, true).has_value());
  EXPECT_TRUE(CheckUrl("http://evil.com@app.example.com/", 2048, true).has_value());
}

}  // namespace
}  // namespace plinth::validation
