#include "libs/redis/redis_client.h"

#include <unistd.h>

#include <cstdlib>

#include <gtest/gtest.h>

#include "libs/errors/errors.h"
#include "tests/support/net.h"
#include "tests/support/redis.h"

namespace plinth::redis {
namespace {

std::string ServerUrl() { return testing::RedisUrl(); }

TEST(RedisUrl, Parses) {
  auto o = ParseUrl("redis://:s3cret@cache.internal:6380/2");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->host, "cache.internal");
  EXPECT_EQ(o->port, 6380);
  EXPECT_EQ(o->password, "s3cret");
  EXPECT_EQ(o->db, 2);
  EXPECT_FALSE(ParseUrl("http://x").ok());
  EXPECT_FALSE(ParseUrl("redis://h:port").ok());
}

TEST(RedisClient, SetGetBinarySafe) {
  auto options = ParseUrl(ServerUrl());
  ASSERT_TRUE(options.ok());
  RedisClient client(*options);
  std::string key = "test:" + std::to_string(getpid()) + ":bin";
  std::string value("a\0b\r\n$3\r\n", 9);
  ASSERT_TRUE(client.SetEx(key, value, 60).ok());
  auto got = client.Get(key);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, value);
  // NX never overwrites.
  ASSERT_TRUE(client.SetEx(key, "other", 60, /*only_if_absent=*/true).ok());
  EXPECT_EQ(**client.Get(key), value);
  // A key that was never set reads as absent, not as an error.
  auto missing = client.Get(key + ":never-set");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST(RedisClient, DeadServerIsUnavailableAndBacksOff) {
  RedisOptions o;
  o.port = testing::FreePort();  // nothing listens
  o.backoff = std::chrono::milliseconds(60000);
  RedisClient client(o);
  auto first = client.Get("k");
  EXPECT_EQ(errors::ContractCode(first.status()), "UNAVAILABLE");
  auto second = client.Get("k");
  EXPECT_EQ(errors::ContractCode(second.status()), "UNAVAILABLE");
  EXPECT_NE(second.status().message().find("backing off"), std::string::npos);
}

}  // namespace
}  // namespace plinth::redis
