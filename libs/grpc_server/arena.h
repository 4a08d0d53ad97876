#ifndef PLINTH_LIBS_GRPC_SERVER_ARENA_H_
#define PLINTH_LIBS_GRPC_SERVER_ARENA_H_

// For a callback method whose response is large and made of many small
// parts (a list page: strings, Struct map entries, timestamps): the request
// and response of each call live on one protobuf Arena, freed at once when
// the call is done, instead of hundreds of mallocs and frees.
//   service.SetMessageAllocatorFor_ListResources(&allocator);

#include <google/protobuf/arena.h>
#include <grpcpp/support/message_allocator.h>

namespace plinth::grpc_server {

template <typename Request, typename Response>
class ArenaAllocator final : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override { return new Holder(); }

 private:
  class Holder final : public grpc::MessageHolder<Request, Response> {
   public:
    Holder() : arena_(Options()) {
      this->set_request(google::protobuf::Arena::CreateMessage<Request>(&arena_));
      this->set_response(google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override { delete this; }

   private:
    static google::protobuf::ArenaOptions Options() {
      google::protobuf::ArenaOptions options;
      options.start_block_size = 16 << 10;  // a 20-item page in one or two blocks
      options.max_block_size = 256 << 10;
      return options;
    }
    google::protobuf::Arena arena_;
  };
};

}  // namespace plinth::grpc_server

#endif  // PLINTH_LIBS_GRPC_SERVER_ARENA_H_
