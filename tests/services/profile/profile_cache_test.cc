#include "services/profile/profile_cache.h"

#include <gtest/gtest.h>

namespace plinth::profile {
namespace {

v1::Profile ProfileOf(const std::string& id, const std::string& name) {
  v1::Profile p;
  p.set_id(id);
  p.mutable_full_name()->set_value(name);
  return p;
}

class ProfileCacheTest : public ::testing::Test {
 protected:
  ProfileCache::Options options_;
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
  std::unique_ptr<ProfileCache> cache_;

  void SetUp() override { Make(); }
  void Make() {
    cache_ = std::make_unique<ProfileCache>(options_, [this] { return now_; });
    cache_->SetListening(true);
  }
  std::string NameOf(const std::string& id) {
    auto p = cache_->Get(id);
    return p ? p->full_name().value() : "<miss>";
  }
};

TEST_F(ProfileCacheTest, StoresAndServesUntilTheTtl) {
  cache_->Put(ProfileOf("u1", "Ada"), cache_->BeginLoad());
  EXPECT_EQ(NameOf("u1"), "Ada");
  EXPECT_EQ(NameOf("u2"), "<miss>");
  now_ += options_.ttl - absl::Seconds(1);
  EXPECT_EQ(NameOf("u1"), "Ada");
  now_ += absl::Seconds(1);
  EXPECT_EQ(NameOf("u1"), "<miss>");
}

TEST_F(ProfileCacheTest, InvalidateDropsTheEntry) {
  cache_->Put(ProfileOf("u1", "Ada"), cache_->BeginLoad());
  cache_->Invalidate("u1");
  EXPECT_EQ(NameOf("u1"), "<miss>");
  // A load begun after the change stores what it read.
  cache_->Put(ProfileOf("u1", "Ada L."), cache_->BeginLoad());
  EXPECT_EQ(NameOf("u1"), "Ada L.");
}

// The race the tombstone exists for: a load reads the row, the row changes
// and is invalidated, then the load stores what it read.
TEST_F(ProfileCacheTest, ALoadBegunBeforeAChangeCannotPutTheOldRowBack) {
  const uint64_t ticket = cache_->BeginLoad();
  cache_->Invalidate("u1");
  cache_->Put(ProfileOf("u1", "old"), ticket);
  EXPECT_EQ(NameOf("u1"), "<miss>");
  // Another user's change does not hold back this user's loads.
  const uint64_t other = cache_->BeginLoad();
  cache_->Invalidate("u2");
  cache_->Put(ProfileOf("u1", "fresh"), other);
  EXPECT_EQ(NameOf("u1"), "fresh");
}

TEST_F(ProfileCacheTest, NothingServedOrStoredWhileNotListening) {
  cache_->Put(ProfileOf("u1", "Ada"), cache_->BeginLoad());
  cache_->SetListening(false);
  EXPECT_EQ(NameOf("u1"), "<miss>");
  cache_->Put(ProfileOf("u2", "Bob"), cache_->BeginLoad());
  const uint64_t before_reconnect = cache_->BeginLoad();
  cache_->SetListening(true);
  // Back: empty, and loads begun while deaf are not stored.
  EXPECT_EQ(NameOf("u1"), "<miss>");
  EXPECT_EQ(NameOf("u2"), "<miss>");
  cache_->Put(ProfileOf("u1", "stale?"), before_reconnect);
  EXPECT_EQ(NameOf("u1"), "<miss>");
  cache_->Put(ProfileOf("u1", "Ada"), cache_->BeginLoad());
  EXPECT_EQ(NameOf("u1"), "Ada");
}

TEST_F(ProfileCacheTest, NeverServesBeforeTheListenerFirstConnects) {
  ProfileCache cache(options_, [this] { return now_; });
  cache.Put(ProfileOf("u1", "Ada"), cache.BeginLoad());
  EXPECT_FALSE(cache.Get("u1").has_value());
}

TEST_F(ProfileCacheTest, StaysWithinItsSize) {
  options_.max_entries = 160;  // 10 per shard
  Make();
  for (int i = 0; i < 1000; ++i) cache_->Put(ProfileOf("u" + std::to_string(i), "x"), cache_->BeginLoad());
  EXPECT_LE(cache_->Size(), 160u);
  EXPECT_GE(cache_->Size(), 16u);
  // The newest is there.
  EXPECT_EQ(NameOf("u999"), "x");
}

}  // namespace
}  // namespace plinth::profile
