// The (plinth.v1.field) rules as the services apply them, on the real
// request messages (the same rules the OpenAPI document states).
#include "libs/validation/rules.h"

#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "plinth/v1/profile.pb.h"
#include "plinth/v1/resource.pb.h"

namespace plinth::validation {
namespace {

std::map<std::string, std::string> Issues(const google::protobuf::Message& m,
                                          const std::set<std::string>* present = nullptr) {
  std::vector<errors::FieldViolation> v;
  CheckFields(m, &v, present);
  std::map<std::string, std::string> out;
  for (auto& [field, issue] : v) out[field] = issue;
  return out;
}

TEST(Rules, RequiredLengthsAndControlCharacters) {
  v1::CreateResourceRequest r;
  EXPECT_EQ(Issues(r), (std::map<std::string, std::string>{{"title", "is required"}}));
  r.set_title(std::string(200, 'x'));
  EXPECT_TRUE(Issues(r).empty());
  r.set_title(std::string(199, 'x') + "\xc3\xa9");  // 200 characters, 201 bytes
  EXPECT_TRUE(Issues(r).empty());
  r.set_title(std::string(201, 'x'));
  EXPECT_EQ(Issues(r)["title"], "must be at most 200 characters");
  r.set_title("a\nb");  // single line
  EXPECT_EQ(Issues(r)["title"], "must not contain control characters");
  r.set_title("ok");
  r.set_content("line one\nline two\ttab");  // multiline text
  EXPECT_TRUE(Issues(r).empty());
  r.set_content(std::string("nul\0", 4));
  EXPECT_EQ(Issues(r)["content"], "must not contain control characters other than newlines and tabs");
}

TEST(Rules, FormatsValuesAndBounds) {
  v1::GetResourceRequest get;
  get.set_id("not-a-uuid");
  EXPECT_EQ(Issues(get)["id"], "must be a UUID");
  get.set_id("8c45fc34-287e-4f02-b5b6-c0fc3fdfeca6");
  EXPECT_TRUE(Issues(get).empty());

  v1::ListResourcesRequest list;
  EXPECT_TRUE(Issues(list).empty());  // all absent: the defaults
  list.set_limit(0);
  list.set_page(0);
  list.set_status("");  // present but empty: not one of the values
  list.set_sort("-title");
  auto issues = Issues(list);
  EXPECT_EQ(issues["limit"], "must be between 1 and 100");
  EXPECT_EQ(issues["page"], "must be between 1 and 1000000");
  EXPECT_EQ(issues["status"], "must be one of pending, processing, completed, failed, archived");
  EXPECT_EQ(issues.count("sort"), 0u);
}

TEST(Rules, AMaskChecksWhatItNamesAndRefusesNullButForWrappers) {
  v1::ResourcePatch patch;
  std::set<std::string> title_only = {"title"};
  EXPECT_EQ(Issues(patch, &title_only)["title"], "must not be null");  // {"title": null}
  patch.set_title("");
  EXPECT_EQ(Issues(patch, &title_only)["title"], "must not be empty");
  patch.set_title("fine");
  patch.set_status("completed");  // not named by the mask: not checked
  EXPECT_TRUE(Issues(patch, &title_only).empty());
  std::set<std::string> status_too = {"title", "status"};
  EXPECT_EQ(Issues(patch, &status_too)["status"], "must be one of archived, pending");

  v1::ProfilePatch profile;
  std::set<std::string> both = {"full_name", "avatar_url"};
  EXPECT_TRUE(Issues(profile, &both).empty());  // null clears a wrapper
  profile.mutable_avatar_url()->set_value("http://example.com/a.png");
  EXPECT_EQ(Issues(profile, &both)["avatar_url"], "must be an https URL");
  profile.mutable_full_name()->set_value(std::string(256, 'x'));
  EXPECT_EQ(Issues(profile, &both)["full_name"], "must be at most 255 characters");
}

}  // namespace
}  // namespace plinth::validation
