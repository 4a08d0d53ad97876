// The (plinth.v1.field) rules as the services apply them, on the real
// request messages (the same rules the OpenAPI document states).
#include "libs/validation/rules.h"

#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include <google/protobuf/util/json_util.h>

#include "plinth/v1/analysis.pb.h"
#include "plinth/v1/billing.pb.h"
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

TEST(Rules, RepeatedTextChecksEachItemAndTheCount) {
  v1::OperatorActionRequest r;
  EXPECT_TRUE(Issues(r).empty());
  r.add_ids("8c45fc34-287e-4f02-b5b6-c0fc3fdfeca6");
  r.add_ids("x'; drop table analyses; --");
  EXPECT_EQ(Issues(r), (std::map<std::string, std::string>{{"ids[1]", "must be a UUID"}}));
  r.clear_ids();
  for (int i = 0; i < 1001; ++i) r.add_ids("8c45fc34-287e-4f02-b5b6-c0fc3fdfeca6");
  EXPECT_EQ(Issues(r)["ids"], "must have at most 1000 items");
}

TEST(Rules, EventIdsAreRedisStreamIds) {
  v1::WatchAnalysisRequest r;
  r.set_id("8c45fc34-287e-4f02-b5b6-c0fc3fdfeca6");
  for (const char* ok : {"", "0-0", "1733382000000-12", "9999999999999999999-9999999999999999999"}) {
    r.set_last_event_id(ok);
    EXPECT_TRUE(Issues(r).empty()) << ok;
  }
  for (const char* bad :
       {"1", "1-", "-1", "1-2-3", "18446744073709551615-0", "1710-29565248909796739412", "1-x", " 1-1"}) {
    r.set_after(bad);
    EXPECT_EQ(Issues(r)["after"], "must be an event id (<milliseconds>-<sequence>)") << bad;
  }
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

// A field's `default` is what the service uses when the field is absent:
// it must be a value the field itself accepts.
TEST(Rules, EveryDeclaredDefaultObeysItsFieldsRules) {
  int defaults = 0;
  for (const auto* file :
       {v1::CreateAnalysisRequest::descriptor()->file(), v1::CreditRequest::descriptor()->file(),
        v1::UpdateMyProfileRequest::descriptor()->file(), v1::ListResourcesRequest::descriptor()->file()}) {
    for (int i = 0; i < file->message_type_count(); ++i) {
      const auto* type = file->message_type(i);
      for (int j = 0; j < type->field_count(); ++j) {
        const auto* field = type->field(j);
        const std::string& value = RulesOf(*field).default_();
        if (value.empty()) continue;
        ++defaults;
        std::unique_ptr<google::protobuf::Message> m(
            google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
        auto parsed =
            google::protobuf::util::JsonStringToMessage("{\"" + field->json_name() + "\": " + value + "}", m.get());
        ASSERT_TRUE(parsed.ok()) << field->full_name() << " default " << value << ": " << parsed;
        std::set<std::string> present = {field->name()};
        auto issues = Issues(*m, &present);
        EXPECT_EQ(issues.count(field->name()), 0u) << field->full_name() << ": " << issues[field->name()];
      }
    }
  }
  EXPECT_GE(defaults, 6);
}

TEST(Rules, AbsentFieldsReadAsTheirDefaults) {
  v1::ListResourcesRequest list;
  EXPECT_EQ(IntegerOrDefault(list, "limit"), 20);
  EXPECT_EQ(TextOrDefault(list, "sort"), "-created_at");
  list.set_limit(7);
  list.set_sort("title");
  EXPECT_EQ(IntegerOrDefault(list, "limit"), 7);
  EXPECT_EQ(TextOrDefault(list, "sort"), "title");
  EXPECT_EQ(DefaultJsonText(v1::CreateResourceRequest(), "metadata"), "{}");
  EXPECT_FALSE(TextOrDefault(v1::CreateAnalysisRequest(), "prompt").empty());
}

// A single-line key of 1-255 characters (billing.proto's idempotency_key,
// which billing checked by hand before).
TEST(Rules, LineLimitsAtTheBoundary) {
  auto issue = [](const std::string& key) {
    v1::CreditRequest r;
    r.set_idempotency_key(key);
    return Issues(r)["idempotency_key"];
  };
  EXPECT_EQ(issue(std::string(255, 'a')), "");
  EXPECT_NE(issue(std::string(256, 'a')), "");
  std::string snowmen;
  for (int i = 0; i < 255; ++i) snowmen += "☃";
  EXPECT_EQ(issue(snowmen), "");
  EXPECT_EQ(issue(""), "is required");
  EXPECT_NE(issue("a\nb"), "");
  EXPECT_NE(issue("a\x01"), "");
  EXPECT_NE(issue("a\xc2\x85"), "");  // NEL, a C1 control
  EXPECT_EQ(issue("Robert'); DROP TABLE profiles;--"), "");
}

TEST(Rules, UriFieldsTakeHttpAndHttpsWithAHost) {
  v1::CreatePortalSessionRequest r;
  r.set_return_url("http://127.0.0.1:3000/billing");
  EXPECT_TRUE(Issues(r).empty());
  r.set_return_url("javascript:alert(1)");
  EXPECT_EQ(Issues(r)["return_url"], "must be an http(s) URL");
  r.set_return_url("https:///billing");
  EXPECT_EQ(Issues(r)["return_url"], "must be an http(s) URL with a host");
}

TEST(Rules, StructFieldsWithinTheirJsonLimitAndWithoutNul) {
  v1::CreateResourceRequest r;
  r.set_title("x");
  (*r.mutable_metadata()->mutable_fields())["k"].set_string_value(std::string("a\0b", 3));
  EXPECT_EQ(Issues(r)["metadata"], "must not contain NUL characters");
}

}  // namespace
}  // namespace plinth::validation
