#ifndef PLINTH_LIBS_VALIDATION_RULES_H_
#define PLINTH_LIBS_VALIDATION_RULES_H_

// Checks a request against the (plinth.v1.field) rules its proto declares
// (protos/plinth/v1/field.proto): required, lengths in characters, control
// characters, UUID and URL formats, JSON size, allowed values, integer bounds.
// The gateway's OpenAPI document is generated from the same rules, so what
// the document says a field accepts is what the services accept.

#include <set>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/struct.pb.h>

#include "libs/errors/errors.h"
#include "plinth/v1/field.pb.h"

namespace plinth::validation {

// The field's rules (an empty FieldRules when it declares none).
const v1::FieldRules& RulesOf(const google::protobuf::FieldDescriptor& field);

// Appends one violation per top-level field of `message` that breaks its
// rules. A Struct field must encode to JSON within its own max_json_bytes,
// without U+0000 (jsonb cannot hold it). A field is checked when present: a set optional or message field, a
// non-empty string or non-zero number; or, when `present` is given (the
// paths of a PATCH's update mask), exactly the fields it names, empty or
// not; a field it names that is unset was null in the body, which only
// wrappers (StringValue: null clears) may be. A required field that is not
// present is a violation.
void CheckFields(const google::protobuf::Message& message, std::vector<errors::FieldViolation>* out,
                 const std::set<std::string>* present = nullptr);

// The issue with a Struct value under `rules` ("" if none); `json` gets its
// compact JSON text.
std::string JsonIssue(const google::protobuf::Struct& value, const v1::FieldRules& rules, std::string* json);

// The field's value, or the `default` its rules declare when it is absent
// (unset for an optional field, empty for text): the one place a default is
// written is the proto, which the OpenAPI document states too.
int64_t IntegerOrDefault(const google::protobuf::Message& message, const char* field_name);
std::string TextOrDefault(const google::protobuf::Message& message, const char* field_name);
// The declared default as compact JSON text (a Struct's "{}").
std::string DefaultJsonText(const google::protobuf::Message& message, const char* field_name);

// CheckFields as a status: OK, or VALIDATION_ERROR listing every violation.
absl::Status Check(const google::protobuf::Message& request);

}  // namespace plinth::validation

#endif  // PLINTH_LIBS_VALIDATION_RULES_H_
