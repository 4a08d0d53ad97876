#include "libs/config/config.h"

#include <gtest/gtest.h>

namespace plinth::config {
namespace {

TEST(Config, DefaultsApplyWhenUnset) {
  Env env(std::map<std::string, std::string>{});
  EXPECT_EQ(*env.HostPort("ADDR", "127.0.0.1:1"), "127.0.0.1:1");
  EXPECT_EQ(*env.Int("N", 7, 1, 10), 7);
  EXPECT_EQ(env.String("S", "x"), "x");
}

TEST(Config, BadValuesNameTheVariable) {
  Env env({{"PROFILE_GRPC_ADDR", "nonsense"},
           {"DB_POOL_SIZE", "0"},
           {"DATABASE_URL", "mysql://x"},
           {"SUPABASE_JWT_SECRET", "short"},
           {"REDIS_URL", "http://x"},
           {"STRIPE_API_BASE", "ftp://x"}});
  auto addr = env.HostPort("PROFILE_GRPC_ADDR", "");
  ASSERT_FALSE(addr.ok());
  EXPECT_NE(addr.status().message().find("PROFILE_GRPC_ADDR"), std::string::npos);
  auto n = env.Int("DB_POOL_SIZE", 8, 1, 256);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("DB_POOL_SIZE"), std::string::npos);
  EXPECT_NE(env.PostgresUrl("DATABASE_URL").status().message().find("DATABASE_URL"), std::string::npos);
  EXPECT_NE(env.Secret("SUPABASE_JWT_SECRET", 32).status().message().find("SUPABASE_JWT_SECRET"), std::string::npos);
  EXPECT_NE(env.RedisUrl("REDIS_URL", "").status().message().find("REDIS_URL"), std::string::npos);
  EXPECT_NE(env.BaseUrl("STRIPE_API_BASE", "").status().message().find("STRIPE_API_BASE"), std::string::npos);
}

TEST(Config, RetiredNamesAreRefusedWithTheirNewName) {
  const std::map<std::string, std::string> renamed{{"OLD_NAME", "NEW_NAME"}};
  using Values = std::map<std::string, std::string>;
  EXPECT_TRUE(Env(Values{{"NEW_NAME", "1"}}).RefuseRetired(renamed).ok());
  EXPECT_TRUE(Env(Values{{"OLD_NAME", ""}}).RefuseRetired(renamed).ok());  // empty is unset
  auto refused = Env(Values{{"OLD_NAME", "1"}}).RefuseRetired(renamed);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("OLD_NAME"), std::string::npos);
  EXPECT_NE(refused.message().find("NEW_NAME"), std::string::npos);
}

TEST(Config, RequiredValuesMustBeSet) {
  Env env(std::map<std::string, std::string>{});
  auto url = env.PostgresUrl("DATABASE_URL");
  ASSERT_FALSE(url.ok());
  EXPECT_NE(url.status().message().find("DATABASE_URL"), std::string::npos);
  EXPECT_FALSE(env.Secret("SUPABASE_JWT_SECRET", 32).ok());
}

TEST(Config, AcceptsGoodValues) {
  Env env({{"A", "0.0.0.0:50051"},
           {"B", "[::1]:80"},
           {"D", "postgresql://u:p@h:5432/db?sslmode=require"},
           {"R", "redis://:pw@localhost:6379/2"},
           {"U", "https://api.stripe.test/"}});
  EXPECT_TRUE(env.HostPort("A", "").ok());
  EXPECT_TRUE(env.HostPort("B", "").ok());
  EXPECT_TRUE(env.PostgresUrl("D").ok());
  EXPECT_TRUE(env.RedisUrl("R", "").ok());
  EXPECT_EQ(*env.BaseUrl("U", ""), "https://api.stripe.test");
}

}  // namespace
}  // namespace plinth::config
