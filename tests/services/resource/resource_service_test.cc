#include "services/resource/resource_service.h"

#include <gtest/gtest.h>

#include "libs/errors/errors.h"

namespace plinth::resource {
namespace {

TEST(ValidateList, DefaultsAndBounds) {
  auto q = ValidateList(v1::ListResourcesRequest());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->page, 1);
  EXPECT_EQ(q->limit, 20);
  EXPECT_EQ(q->sort, "-created_at");  // resource.proto's defaults
  for (int limit : {0, 101}) {
    v1::ListResourcesRequest r;
    r.set_limit(limit);
    EXPECT_FALSE(ValidateList(r).ok()) << limit;
  }
  for (int limit : {1, 100}) {
    v1::ListResourcesRequest r;
    r.set_limit(limit);
    EXPECT_TRUE(ValidateList(r).ok()) << limit;
  }
}

TEST(ValidateCreate, MetadataLimitIsOnTheCompactJson) {
  v1::CreateResourceRequest r;
  r.set_title("x");
  (*r.mutable_metadata()->mutable_fields())["k"].set_string_value(std::string(16 * 1024 - 8, 'm'));
  EXPECT_TRUE(ValidateCreate(r).ok());  // {"k":"…"} is exactly 16384 bytes
  (*r.mutable_metadata()->mutable_fields())["k"].set_string_value(std::string(16 * 1024 - 7, 'm'));
  auto bad = ValidateCreate(r);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(errors::Violations(bad.status())[0].field, "metadata");
}

TEST(ValidateCreate, AbsentMetadataIsTheDeclaredDefault) {
  v1::CreateResourceRequest r;
  r.set_title("x");
  auto created = ValidateCreate(r);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->metadata_json, "{}");
}

TEST(ValidateUpdate, MetadataLimitIsThePatchMessagesOwn) {
  v1::UpdateResourceRequest r;
  r.set_id("7f1e9d2c-3b4a-4c5d-8e6f-a1b2c3d4e5f6");
  r.mutable_update_mask()->add_paths("metadata");
  (*r.mutable_resource()->mutable_metadata()->mutable_fields())["k"].set_string_value(std::string(16 * 1024 - 7, 'm'));
  auto bad = ValidateUpdate(r);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(errors::Violations(bad.status())[0].field, "metadata");
  EXPECT_EQ(errors::Violations(bad.status())[0].issue, "must be at most 16 KiB of JSON");
}

TEST(ValidateUpdate, NestedMetadataPathsMeanMetadata) {
  v1::UpdateResourceRequest r;
  r.set_id("5b0c2f2e-6a4e-4c59-9b7e-0a3f3c1d2e4f");
  r.mutable_update_mask()->add_paths("metadata.a");
  r.mutable_update_mask()->add_paths("metadata.b.c");
  (*r.mutable_resource()->mutable_metadata()->mutable_fields())["a"].set_number_value(1);
  auto changes = ValidateUpdate(r);
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_EQ(changes->metadata_json, R"({"a":1})");
}

}  // namespace
}  // namespace plinth::resource
