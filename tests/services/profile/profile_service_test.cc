#include "services/profile/profile_service.h"

#include <gtest/gtest.h>

#include "libs/errors/errors.h"

namespace plinth::profile {
namespace {

v1::UpdateMyProfileRequest Patch(std::initializer_list<const char*> paths) {
  v1::UpdateMyProfileRequest r;
  for (const char* p : paths) r.mutable_update_mask()->add_paths(p);
  return r;
}

TEST(ValidatePatch, EmptyMaskIsRejected) {
  auto r = ValidatePatch(Patch({}));
  EXPECT_EQ(errors::ContractCode(r.status()), "VALIDATION_ERROR");
}

TEST(ValidatePatch, MaskedButAbsentValueMeansClear) {
  auto r = ValidatePatch(Patch({"full_name"}));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->full_name.present);
  EXPECT_FALSE(r->full_name.value.has_value());
  EXPECT_FALSE(r->avatar_url.present);
}

TEST(ValidatePatch, EveryBadFieldIsReported) {
  auto req = Patch({"full_name", "avatar_url", "credits_remaining"});
  req.mutable_profile()->mutable_full_name()->set_value(std::string(256, 'x'));
  req.mutable_profile()->mutable_avatar_url()->set_value("ftp://x");
  auto r = ValidatePatch(req);
  auto v = errors::Violations(r.status());
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].field, "full_name");
  EXPECT_EQ(v[1].field, "avatar_url");
  EXPECT_EQ(v[2].field, "credits_remaining");
}

TEST(ValidatePatch, JsonSpellingsOfPathsAreAccepted) {
  auto req = Patch({"fullName"});
  req.mutable_profile()->mutable_full_name()->set_value("Ada");
  auto r = ValidatePatch(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->full_name.value, "Ada");
}

}  // namespace
}  // namespace plinth::profile
