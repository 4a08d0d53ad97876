#ifndef PLINTH_LIBS_VALIDATION_RULES_H_
#define PLINTH_LIBS_VALIDATION_RULES_H_

// Checks a request against the (plinth.v1.field) rules its proto declares
// (protos/plinth/v1/field.proto): required, lengths in characters, control
// characters, UUID and https URL formats, allowed values, integer bounds.
// The gateway's OpenAPI document is generated from the same rules, so what
// the document says a field accepts is what the services accept.

#include <set>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "libs/errors/errors.h"
#include "plinth/v1/field.pb.h"

namespace plinth::validation {

// The field's rules (an empty FieldRules when it declares none).
const v1::FieldRules& RulesOf(const google::protobuf::FieldDescriptor& field);

// Appends one violation per top-level field of `message` that breaks its
// rules. A field is checked when present: a set optional or message field, a
// non-empty string or non-zero number; or, when `present` is given (the
// paths of a PATCH's update mask), exactly the fields it names, empty or
// not; a field it names that is unset was null in the body, which only
// wrappers (StringValue: null clears) may be. A required field that is not
// present is a violation. Struct fields' size (max_json_bytes) is left to the
// service, which encodes them anyway.
void CheckFields(const google::protobuf::Message& message, std::vector<errors::FieldViolation>* out,
                 const std::set<std::string>* present = nullptr);

// CheckFields as a status: OK, or VALIDATION_ERROR listing every violation.
absl::Status Check(const google::protobuf::Message& request);

}  // namespace plinth::validation

#endif  // PLINTH_LIBS_VALIDATION_RULES_H_
