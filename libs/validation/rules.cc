#include "libs/validation/rules.h"

#include <algorithm>

#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

#include "libs/validation/text.h"

namespace plinth::validation {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

std::string Join(const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

// The issue with `text` under `rules`, or "" if none.
std::string TextIssue(const std::string& text, const v1::FieldRules& rules) {
  if (rules.one_of_size() > 0) {
    const auto& values = rules.one_of();
    return std::find(values.begin(), values.end(), text) == values.end() ? "must be one of " + Join(values) : "";
  }
  switch (rules.format()) {
    case v1::FORMAT_UUID:
      return IsUuid(text) ? "" : "must be a UUID";
    case v1::FORMAT_STREAM_ID:
      return text.empty() || IsStreamId(text) ? "" : "must be an event id (<milliseconds>-<sequence>)";
    case v1::FORMAT_HTTPS_URL:
    case v1::FORMAT_URI:
      return CheckUrl(text, rules.has_max_length() ? rules.max_length() : 2048, rules.format() == v1::FORMAT_URI)
          .value_or("");
    default:
      break;
  }
  auto n = CodePoints(text);
  if (!n) return "must be valid UTF-8";
  if (rules.has_min_length() && *n < rules.min_length()) {
    return rules.min_length() == 1 ? "must not be empty"
                                   : "must be at least " + std::to_string(rules.min_length()) + " characters";
  }
  if (rules.has_max_length() && *n > rules.max_length()) {
    return "must be at most " + std::to_string(rules.max_length()) + " characters";
  }
  if (HasControlCharacters(text, rules.multiline())) {
    return rules.multiline() ? "must not contain control characters other than newlines and tabs"
                             : "must not contain control characters";
  }
  return "";
}

std::string IntegerIssue(int64_t value, const v1::FieldRules& rules) {
  bool low = rules.has_minimum() && value < rules.minimum();
  bool high = rules.has_maximum() && value > rules.maximum();
  if (!low && !high) return "";
  if (rules.has_minimum() && rules.has_maximum()) {
    return "must be between " + std::to_string(rules.minimum()) + " and " + std::to_string(rules.maximum());
  }
  return low ? "must be at least " + std::to_string(rules.minimum())
             : "must be at most " + std::to_string(rules.maximum());
}

bool Present(const Message& m, const FieldDescriptor& f) {
  const auto* r = m.GetReflection();
  if (f.is_repeated()) return r->FieldSize(m, &f) > 0;
  if (f.has_presence()) return r->HasField(m, &f);
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return !r->GetString(m, &f).empty();
    case FieldDescriptor::CPPTYPE_INT32:
      return r->GetInt32(m, &f) != 0;
    case FieldDescriptor::CPPTYPE_INT64:
      return r->GetInt64(m, &f) != 0;
    case FieldDescriptor::CPPTYPE_UINT32:
      return r->GetUInt32(m, &f) != 0;
    case FieldDescriptor::CPPTYPE_BOOL:
      return r->GetBool(m, &f);
    default:
      return true;
  }
}

// The JSON value of a field's `default` (checked at build time by
// tests/libs/validation: it parses and obeys the field's own rules).
nlohmann::json DefaultJson(const FieldDescriptor& field) {
  return nlohmann::json::parse(RulesOf(field).default_(), nullptr, /*allow_exceptions=*/false);
}

std::string ByteLimit(uint32_t bytes) {
  return bytes % 1024 == 0 ? std::to_string(bytes / 1024) + " KiB" : std::to_string(bytes) + " bytes";
}

}  // namespace

std::string JsonIssue(const google::protobuf::Struct& value, const v1::FieldRules& rules, std::string* json) {
  json->clear();
  if (!google::protobuf::util::MessageToJsonString(value, json).ok()) return "must be a JSON object";
  if (rules.has_max_json_bytes() && json->size() > rules.max_json_bytes()) {
    return "must be at most " + ByteLimit(rules.max_json_bytes()) + " of JSON";
  }
  // PostgreSQL's jsonb cannot hold U+0000.
  if (json->find("\\u0000") != std::string::npos) return "must not contain NUL characters";
  return "";
}

int64_t IntegerOrDefault(const Message& message, const char* field_name) {
  const FieldDescriptor* f = message.GetDescriptor()->FindFieldByName(field_name);
  const auto* r = message.GetReflection();
  if (f->has_presence() && r->HasField(message, f)) {
    return f->cpp_type() == FieldDescriptor::CPPTYPE_INT32 ? r->GetInt32(message, f) : r->GetInt64(message, f);
  }
  auto value = DefaultJson(*f);
  return value.is_number_integer() ? value.get<int64_t>() : 0;
}

std::string TextOrDefault(const Message& message, const char* field_name) {
  const FieldDescriptor* f = message.GetDescriptor()->FindFieldByName(field_name);
  std::string text = message.GetReflection()->GetString(message, f);
  if (!text.empty()) return text;
  auto value = DefaultJson(*f);
  return value.is_string() ? value.get<std::string>() : std::string();
}

std::string DefaultJsonText(const Message& message, const char* field_name) {
  return DefaultJson(*message.GetDescriptor()->FindFieldByName(field_name)).dump();
}

const v1::FieldRules& RulesOf(const FieldDescriptor& field) { return field.options().GetExtension(v1::field); }

void CheckFields(const Message& message, std::vector<errors::FieldViolation>* out,
                 const std::set<std::string>* present) {
  const auto* descriptor = message.GetDescriptor();
  const auto* r = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor& f = *descriptor->field(i);
    const v1::FieldRules& rules = RulesOf(f);
    bool is_present = present != nullptr ? present->count(f.name()) > 0 : Present(message, f);
    if (!is_present) {
      if (rules.required()) out->push_back({f.name(), "is required"});
      continue;
    }
    // Named by the mask but unset: the body said null. Only wrappers
    // (StringValue: null clears) may be null.
    if (present != nullptr && f.has_presence() && !f.is_repeated() && !r->HasField(message, &f)) {
      bool wrapper = f.message_type() != nullptr && f.message_type()->full_name() == "google.protobuf.StringValue";
      if (!wrapper) out->push_back({f.name(), "must not be null"});
      continue;
    }
    std::string issue;
    switch (f.cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        if (f.type() != FieldDescriptor::TYPE_STRING) break;
        if (!f.is_repeated()) {
          issue = TextIssue(r->GetString(message, &f), rules);
          break;
        }
        if (const int n = r->FieldSize(message, &f); rules.has_max_items() && n > static_cast<int>(rules.max_items())) {
          issue = "must have at most " + std::to_string(rules.max_items()) + " items";
        } else {
          // Each item under the field's rules, named by its index.
          for (int k = 0; k < n; ++k) {
            if (auto item = TextIssue(r->GetRepeatedString(message, &f, k), rules); !item.empty()) {
              out->push_back({f.name() + "[" + std::to_string(k) + "]", item});
            }
          }
        }
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        if (!f.is_repeated()) issue = IntegerIssue(r->GetInt32(message, &f), rules);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        if (!f.is_repeated()) issue = IntegerIssue(r->GetInt64(message, &f), rules);
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (f.message_type() == google::protobuf::Struct::descriptor() && !f.is_repeated() &&
            r->HasField(message, &f)) {
          std::string json;
          issue = JsonIssue(static_cast<const google::protobuf::Struct&>(r->GetMessage(message, &f)), rules, &json);
          break;
        }
        // A StringValue: null (unset) clears the field; a value is checked.
        if (f.message_type()->full_name() == "google.protobuf.StringValue" && !f.is_repeated() &&
            r->HasField(message, &f)) {
          const Message& wrapper = r->GetMessage(message, &f);
          const FieldDescriptor* value = wrapper.GetDescriptor()->FindFieldByName("value");
          issue = TextIssue(wrapper.GetReflection()->GetString(wrapper, value), rules);
        }
        break;
      default:
        break;
    }
    if (!issue.empty()) out->push_back({f.name(), issue});
  }
}

absl::Status Check(const Message& request) {
  std::vector<errors::FieldViolation> v;
  CheckFields(request, &v);
  return v.empty() ? absl::OkStatus() : errors::Validation(v);
}

}  // namespace plinth::validation
