#ifndef PLINTH_LIBS_GRPC_SERVER_HANDLER_H_
#define PLINTH_LIBS_GRPC_SERVER_HANDLER_H_

// The shell around every RPC handler: the access adapter's admission
// (access.h), the request's (plinth.v1.field) rules (libs/validation), then
// the handler, then its status on the wire (Reply). A refused or invalid
// call never reaches the handler, which is a function of the call and the
// request:
//
//   grpc::Status FooServiceImpl::GetFoo(grpc::ServerContext* context, const v1::GetFooRequest* request,
//                                       v1::FooResponse* response) {
//     return grpc_server::Handle(context, request, response,
//                                [this](const Call& call, const v1::GetFooRequest& r) ->
//                                absl::StatusOr<v1::FooResponse> {
//                                  ...
//                                });
//   }
//
// A handler may instead fill the response in place, `absl::Status(const
// Call&, const Request&, Response*)`: a response that lives on gRPC's arena
// (arena.h) is not copied.

#include <chrono>
#include <optional>
#include <type_traits>
#include <utility>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>

#include "libs/auth/jwt.h"
#include "libs/grpc_server/access.h"
#include "libs/grpc_server/call.h"
#include "libs/grpc_server/offload.h"
#include "libs/validation/rules.h"

namespace plinth::grpc_server {

// An admitted, valid call as its handler sees it.
struct Call {
  // Who calls (access.h, Admission); empty `sub` for a public method.
  auth::Claims caller;
  // The caller's deadline, capped at the service's max_call_ms: pass it to
  // the store and to the services it calls.
  std::chrono::system_clock::time_point deadline;
  // For calls on the caller's behalf (ForwardedContext) and its metadata.
  const grpc::ServerContextBase* context = nullptr;
};

// The admission and the rules of `request` checked: the Call, or the status
// to answer.
absl::StatusOr<Call> Admit(const grpc::ServerContextBase& context, const google::protobuf::Message& request);

namespace internal {

template <class Request, class Response, class Handler>
absl::Status Run(Handler& handler, const Call& call, const Request& request, Response* response) {
  if constexpr (std::is_invocable_v<Handler&, const Call&, const Request&, Response*>) {
    return handler(call, request, response);
  } else {
    absl::StatusOr<Response> result = handler(call, request);
    if (!result.ok()) return result.status();
    *response = *std::move(result);
    return absl::OkStatus();
  }
}

}  // namespace internal

// A handler on gRPC's synchronous API.
template <class Request, class Response, class Handler>
grpc::Status Handle(grpc::ServerContext* context, const Request* request, Response* response, Handler&& handler) {
  auto call = Admit(*context, *request);
  if (!call.ok()) return Reply(call.status());
  return Reply(internal::Run(handler, *call, *request, response));
}

// A handler on gRPC's callback API whose work may block: `quick` runs on
// gRPC's thread and answers what it can without waiting (a cache hit: it
// returns true, having filled the response); the rest of the calls go to
// `offload`, where `handler` runs. `request` and `response` outlive the call.
template <class Request, class Response, class Quick, class Handler>
grpc::ServerUnaryReactor* HandleOffloaded(grpc::CallbackServerContext* context, const Request* request,
                                          Response* response, Offload* offload, Quick quick, Handler handler) {
  auto* reactor = context->DefaultReactor();
  auto call = Admit(*context, *request);
  if (!call.ok()) {
    reactor->Finish(Reply(call.status()));
    return reactor;
  }
  if (quick(*call, *request, response)) {
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  offload->Run([reactor, request, response, call = *std::move(call), handler = std::move(handler)]() mutable {
    reactor->Finish(Reply(internal::Run(handler, call, *request, response)));
  });
  return reactor;
}

template <class Request, class Response, class Handler>
grpc::ServerUnaryReactor* HandleOffloaded(grpc::CallbackServerContext* context, const Request* request,
                                          Response* response, Offload* offload, Handler handler) {
  return HandleOffloaded(
      context, request, response, offload, [](const Call&, const Request&, Response*) { return false; },
      std::move(handler));
}

}  // namespace plinth::grpc_server

#endif  // PLINTH_LIBS_GRPC_SERVER_HANDLER_H_
