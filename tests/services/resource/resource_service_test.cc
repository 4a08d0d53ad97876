#include "services/resource/resource_service.h"

#include <gtest/gtest.h>

#include "libs/errors/errors.h"
#include "libs/validation/rules.h"

namespace plinth::resource {
namespace {

// What grpc_server::Handle checks before a handler runs.
absl::Status Rules(const google::protobuf::Message& request) { return validation::Check(request); }

TEST(ListQueryOf, DefaultsAndBounds) {
  ListQuery q = ListQueryOf(v1::ListResourcesRequest());
  EXPECT_EQ(q.page, 1);
  EXPECT_EQ(q.limit, 20);
  EXPECT_EQ(q.sort, "-created_at");  // resource.proto's defaults
  for (int limit : {0, 101}) {
    v1::ListResourcesRequest r;
    r.set_limit(limit);
    EXPECT_FALSE(Rules(r).ok()) << limit;
  }
  for (int limit : {1, 100}) {
    v1::ListResourcesRequest r;
    r.set_limit(limit);
    EXPECT_TRUE(Rules(r).ok()) << limit;
    EXPECT_EQ(ListQueryOf(r).limit, limit);
  }
}

TEST(CreateRules, MetadataLimitIsOnTheCompactJson) {
  v1::CreateResourceRequest r;
  r.set_title("x");
  (*r.mutable_metadata()->mutable_fields())["k"].set_string_value(std::string(16 * 1024 - 8, 'm'));
  EXPECT_TRUE(Rules(r).ok());  // {"k":"…"} is exactly 16384 bytes
  EXPECT_EQ(NewResourceOf(r).metadata_json.size(), 16384u);
  (*r.mutable_metadata()->mutable_fields())["k"].set_string_value(std::string(16 * 1024 - 7, 'm'));
  auto bad = Rules(r);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(errors::Violations(bad)[0].field, "metadata");
}

TEST(NewResourceOf, AbsentMetadataIsTheDeclaredDefault) {
  v1::CreateResourceRequest r;
  r.set_title("x");
  EXPECT_EQ(NewResourceOf(r).metadata_json, "{}");
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
