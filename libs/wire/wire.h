#ifndef PLINTH_LIBS_WIRE_WIRE_H_
#define PLINTH_LIBS_WIRE_WIRE_H_

// What every service does the same way when it maps rows to protos.

#include <cstdint>

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/time_util.h>

#include "plinth/v1/common.pb.h"

namespace plinth::wire {

// Stores keep times as microseconds since the epoch (PostgreSQL's resolution).
inline google::protobuf::Timestamp FromMicros(int64_t us) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(us);
}

// The `meta` of a list response: `total` rows in pages of `limit`.
inline v1::PageMeta PageMeta(int32_t page, int32_t limit, int64_t total) {
  v1::PageMeta meta;
  meta.set_page(page);
  meta.set_limit(limit);
  meta.set_total(static_cast<int32_t>(total));
  meta.set_total_pages(static_cast<int32_t>((total + limit - 1) / limit));
  return meta;
}

}  // namespace plinth::wire

#endif  // PLINTH_LIBS_WIRE_WIRE_H_
