// Providers: the offline one is deterministic; the remote ones send the
// documented request and classify answers, checked against a scripted HTTP
// server on loopback.

#include "services/analysis_worker/provider.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/net.h"

namespace plinth::analysis {
namespace {

using Outcome = ProviderResult::Outcome;
using nlohmann::json;
using std::chrono::milliseconds;

// Answers each HTTP request with the next scripted response and records
// what it received (one request per connection).
class ScriptedServer {
 public:
  struct Reply {
    int status;
    std::string body;
    std::string extra_headers;  // "Name: value\r\n"...
  };
  struct Received {
    std::string head, body;
  };

  ScriptedServer() : port_(testing::FreePort()) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(fd_, 16);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void Push(Reply r) {
    std::lock_guard<std::mutex> lock(mu_);
    replies_.push_back(std::move(r));
  }
  Received Last() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_.empty() ? Received{} : received_.back();
  }

 private:
  void Serve() {
    while (true) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string data;
      char buf[4096];
      size_t header_end = std::string::npos, length = 0;
      while (true) {
        ssize_t n = read(c, buf, sizeof(buf));
        if (n <= 0) break;
        data.append(buf, static_cast<size_t>(n));
        if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
          std::string lower = data.substr(0, header_end);
          for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          auto at = lower.find("content-length:");
          if (at != std::string::npos) length = std::stoul(lower.substr(at + 15));
        }
        if (header_end != std::string::npos && data.size() >= header_end + 4 + length) break;
      }
      Reply reply{500, "{}", ""};
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (header_end != std::string::npos) {
          received_.push_back({data.substr(0, header_end), data.substr(header_end + 4)});
        }
        if (!replies_.empty()) {
          reply = replies_.front();
          replies_.pop_front();
        }
      }
      std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\nContent-Type: application/json\r\n" +
                        reply.extra_headers + "Content-Length: " + std::to_string(reply.body.size()) +
                        "\r\nConnection: close\r\n\r\n" + reply.body;
      [[maybe_unused]] ssize_t w = write(c, out.data(), out.size());
      close(c);
    }
  }

  int port_;
  int fd_;
  std::thread thread_;
  std::mutex mu_;
  std::deque<Reply> replies_;
  std::vector<Received> received_;
};

const PromptInput kInput{"Summarise.", "Title", "First sentence here. Second one follows!"};

std::unique_ptr<Provider> Make(const std::string& kind, const std::string& url) {
  ProviderOptions o;
  o.kind = kind;
  o.base_url = url;
  o.api_key = "key-123";
  o.model = kind == "anthropic" ? kAnthropicDefaultModel : "llama-3";
  o.api_version = kAnthropicDefaultVersion;
  auto p = MakeProvider(o);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? std::move(*p) : nullptr;
}

TEST(OfflineProvider, IsDeterministicAndExtractive) {
  auto p = MakeProvider({"offline", "", "", kOfflineModel, 4096});
  ASSERT_TRUE(p.ok());
  PromptInput in{"Summarise.", "Notes",
                 "Plinth runs analyses as jobs. Jobs survive crashes because the row is the record. "
                 "Redis delivers the jobs.\n\nUnrelated line"};
  ProviderResult a = (*p)->Complete(in, milliseconds(1000));
  ProviderResult b = (*p)->Complete(in, milliseconds(1000));
  ASSERT_EQ(a.outcome, Outcome::kOk);
  EXPECT_EQ(a.completion.text, b.completion.text);
  EXPECT_EQ(a.completion.model, kOfflineModel);
  EXPECT_NE(a.completion.text.find("Summary of \"Notes\" (4 sentences):"), std::string::npos) << a.completion.text;
  EXPECT_NE(a.completion.text.find("- Jobs survive crashes because the row is the record."), std::string::npos);
  EXPECT_GT(a.completion.input_tokens, 10);
  EXPECT_GT(a.completion.output_tokens, 10);
  ProviderResult empty = (*p)->Complete({"Summarise.", "Empty", ""}, milliseconds(1000));
  EXPECT_EQ(empty.outcome, Outcome::kOk);
  EXPECT_EQ(empty.completion.text, "\"Empty\" has no content to summarise.");
}

TEST(AnthropicProvider, SendsTheMessagesApiRequestAndReadsUsage) {
  ScriptedServer server;
  server.Push({200, R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-5",
    "content":[{"type":"text","text":"Hello "},{"type":"text","text":"world"}],
    "stop_reason":"end_turn","usage":{"input_tokens":21,"output_tokens":2}})"});
  auto p = Make("anthropic", server.url());
  ProviderResult r = p->Complete(kInput, milliseconds(5000));
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.error;
  EXPECT_EQ(r.completion.text, "Hello world");
  EXPECT_EQ(r.completion.input_tokens, 21);
  EXPECT_EQ(r.completion.output_tokens, 2);
  auto sent = server.Last();
  EXPECT_EQ(sent.head.rfind("POST /v1/messages HTTP/1.1", 0), 0u) << sent.head;
  // What the official SDKs send since API version 2026-10-21.
  EXPECT_NE(sent.head.find("authorization: Bearer key-123"), std::string::npos);
  EXPECT_NE(sent.head.find("anthropic-version: 2026-10-21"), std::string::npos);
  json body = json::parse(sent.body);
  EXPECT_EQ(body["model"], "claude-sonnet-5");
  // Removed from the request in 2026-10-21: never sent.
  EXPECT_FALSE(body.contains("temperature") || body.contains("top_p") || body.contains("top_k"));
  EXPECT_EQ(body["max_tokens"], 4096);
  EXPECT_EQ(body["messages"][0]["role"], "user");
  EXPECT_EQ(body["messages"][0]["content"], UserMessage(kInput));
}

TEST(AnthropicProvider, ClassifiesFailures) {
  ScriptedServer server;
  auto p = Make("anthropic", server.url());
  server.Push(
      {429, R"({"type":"error","error":{"type":"rate_limit_error","message":"slow down"}})", "retry-after: 7\r\n"});
  ProviderResult limited = p->Complete(kInput, milliseconds(5000));
  EXPECT_EQ(limited.outcome, Outcome::kTransient);
  EXPECT_EQ(limited.retry_after, std::chrono::seconds(7));
  EXPECT_EQ(limited.error, "Anthropic answered HTTP 429 (rate_limit_error: slow down)");

  server.Push({529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"});
  EXPECT_EQ(p->Complete(kInput, milliseconds(5000)).outcome, Outcome::kTransient);
  server.Push({500, R"({"type":"error","error":{"type":"api_error","message":"boom"}})"});
  EXPECT_EQ(p->Complete(kInput, milliseconds(5000)).outcome, Outcome::kTransient);
  server.Push({200, R"({"id":"msg_cut","content":[{"type":"te)"});
  EXPECT_EQ(p->Complete(kInput, milliseconds(5000)).outcome, Outcome::kTransient);
  for (int status : {400, 401, 403, 404, 413}) {
    server.Push({status, R"({"type":"error","error":{"type":"invalid_request_error","message":"no"}})"});
    ProviderResult r = p->Complete(kInput, milliseconds(5000));
    EXPECT_EQ(r.outcome, Outcome::kPermanent) << status;
  }
  // The model itself is gone (retired, or no access): its own class.
  server.Push({404, R"({"type":"error","error":{"type":"not_found_error","message":"model: claude-sonnet-5"}})"});
  ProviderResult gone = p->Complete(kInput, milliseconds(5000));
  EXPECT_EQ(gone.outcome, Outcome::kModelUnavailable);
  EXPECT_EQ(gone.error.rfind("the model claude-sonnet-5 is not available (LLM_MODEL): Anthropic answered HTTP 404", 0),
            0u)
      << gone.error;
}

TEST(AnthropicProvider, ChecksTheModelWithTheModelsApi) {
  ScriptedServer server;
  auto p = Make("anthropic", server.url());
  server.Push(
      {200,
       R"({"type":"model","id":"claude-sonnet-5","display_name":"Claude Sonnet 5","created_at":"2026-01-01T00:00:00Z"})"});
  EXPECT_EQ(p->CheckModel(milliseconds(5000)).state, ModelCheck::State::kUsable);
  auto sent = server.Last();
  EXPECT_EQ(sent.head.rfind("GET /v1/models/claude-sonnet-5 HTTP/1.1", 0), 0u) << sent.head;
  EXPECT_NE(sent.head.find("anthropic-version: 2026-10-21"), std::string::npos);
  server.Push({404, R"({"type":"error","error":{"type":"not_found_error","message":"model: claude-sonnet-5"}})"});
  ModelCheck retired = p->CheckModel(milliseconds(5000));
  EXPECT_EQ(retired.state, ModelCheck::State::kUnusable);
  EXPECT_NE(retired.detail.find("not_found_error"), std::string::npos) << retired.detail;
  server.Push({401, R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}})"});
  EXPECT_EQ(p->CheckModel(milliseconds(5000)).state, ModelCheck::State::kUnusable);
  server.Push({529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"});
  EXPECT_EQ(p->CheckModel(milliseconds(5000)).state, ModelCheck::State::kUnknown);
  auto closed = Make("anthropic", "http://127.0.0.1:" + std::to_string(testing::FreePort()));
  EXPECT_EQ(closed->CheckModel(milliseconds(2000)).state, ModelCheck::State::kUnknown);
}

TEST(OpenAiCompatibleProvider, ChecksTheModelInGetModels) {
  ScriptedServer server;
  auto p = Make("openai", server.url() + "/v1");
  server.Push(
      {200, R"({"object":"list","data":[{"id":"mistral","object":"model"},{"id":"llama-3","object":"model"}]})"});
  EXPECT_EQ(p->CheckModel(milliseconds(5000)).state, ModelCheck::State::kUsable);
  EXPECT_EQ(server.Last().head.rfind("GET /v1/models HTTP/1.1", 0), 0u) << server.Last().head;
  server.Push({200, R"({"object":"list","data":[{"id":"mistral","object":"model"}]})"});
  EXPECT_EQ(p->CheckModel(milliseconds(5000)).state, ModelCheck::State::kUnusable);
}

TEST(AnthropicProvider, UnreachableOrSlowIsTransient) {
  auto closed = Make("anthropic", "http://127.0.0.1:" + std::to_string(testing::FreePort()));
  EXPECT_EQ(closed->Complete(kInput, milliseconds(2000)).outcome, Outcome::kTransient);
}

TEST(OpenAiCompatibleProvider, SendsChatCompletionsAndReadsUsage) {
  ScriptedServer server;
  server.Push({200, R"({"id":"chatcmpl-1","object":"chat.completion","model":"llama-3",
    "choices":[{"index":0,"message":{"role":"assistant","content":"Summary."},"finish_reason":"stop"}],
    "usage":{"prompt_tokens":30,"completion_tokens":3,"total_tokens":33}})"});
  auto p = Make("openai", server.url() + "/v1");
  ProviderResult r = p->Complete(kInput, milliseconds(5000));
  ASSERT_EQ(r.outcome, Outcome::kOk) << r.error;
  EXPECT_EQ(r.completion.text, "Summary.");
  EXPECT_EQ(r.completion.model, "llama-3");
  EXPECT_EQ(r.completion.input_tokens, 30);
  EXPECT_EQ(r.completion.output_tokens, 3);
  auto sent = server.Last();
  EXPECT_EQ(sent.head.rfind("POST /v1/chat/completions HTTP/1.1", 0), 0u) << sent.head;
  EXPECT_NE(sent.head.find("authorization: Bearer key-123"), std::string::npos);
  json body = json::parse(sent.body);
  EXPECT_EQ(body["model"], "llama-3");
  EXPECT_EQ(body["messages"][0]["content"], UserMessage(kInput));

  server.Push({404, R"({"error":{"message":"model not found","type":"invalid_request_error"}})"});
  EXPECT_EQ(p->Complete(kInput, milliseconds(5000)).outcome, Outcome::kPermanent);
  server.Push({503, "upstream down"});
  EXPECT_EQ(p->Complete(kInput, milliseconds(5000)).outcome, Outcome::kTransient);
}

TEST(MakeProvider, RefusesIncompleteConfiguration) {
  EXPECT_FALSE(MakeProvider({"anthropic", "https://api.example", "", "m", 4096, "2026-10-21"}).ok()) << "no key";
  EXPECT_FALSE(MakeProvider({"anthropic", "https://api.example", "k", "m", 4096, ""}).ok()) << "no version";
  EXPECT_FALSE(MakeProvider({"openai", "", "", "m", 4096}).ok()) << "no base URL";
  EXPECT_FALSE(MakeProvider({"gpt", "https://x", "k", "m", 4096}).ok());
}

// Results of CompleteAsync calls, each callback counted.
class Collector {
 public:
  Provider::CompletionDone Callback() {
    return [this](ProviderResult r) {
      std::lock_guard<std::mutex> lock(mu_);
      results_.push_back(std::move(r));
      changed_.notify_all();
    };
  }
  std::vector<ProviderResult> WaitFor(size_t n, std::chrono::seconds limit = std::chrono::seconds(20)) {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, limit, [&] { return results_.size() >= n; });
    return results_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<ProviderResult> results_;
};

// "Hello" as the Messages API streams it (content-type text/event-stream).
std::string AnthropicStream(const std::vector<std::string>& pieces, const std::string& ending = "stop") {
  std::string out =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":"
      "\"claude-sonnet-5\",\"usage\":{\"input_tokens\":3,\"output_tokens\":1,\"cache_read_input_tokens\":2,"
      "\"cache_creation_input_tokens\":5}}}\n\n"
      "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
      "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
      "event: ping\ndata: {\"type\": \"ping\"}\n\n";
  for (const auto& piece : pieces) {
    out += "event: content_block_delta\ndata: " +
           json{{"type", "content_block_delta"}, {"index", 0}, {"delta", {{"type", "text_delta"}, {"text", piece}}}}
               .dump() +
           "\n\n";
  }
  if (ending == "overloaded") {
    return out +
           "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":"
           "\"Overloaded\"}}\n\n";
  }
  if (ending == "cut") return out;
  return out +
         "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
         "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
         "\"usage\":{\"output_tokens\":4}}\n\n"
         "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
}
const std::string kHello = AnthropicStream({"Hel", "lo"});
constexpr char kEventStream[] = "Content-Type: text/event-stream\r\n";

// The worker's path: many calls in flight on the provider's one I/O thread,
// each answer classified as Complete would, each callback run exactly once.
TEST(RemoteProvider, CompleteAsyncClassifiesEveryAnswerOnce) {
  ScriptedServer server;
  for (int i = 0; i < 12; ++i) {
    if (i % 3 == 0) server.Push({200, kHello, kEventStream});
    if (i % 3 == 1)
      server.Push(
          {429, R"({"type":"error","error":{"type":"rate_limit_error","message":"slow"}})", "Retry-After: 7\r\n"});
    if (i % 3 == 2)
      server.Push({400, R"({"type":"error","error":{"type":"invalid_request_error","message":"bad"}})", ""});
  }
  auto p = Make("anthropic", server.url());
  Collector results;
  for (int i = 0; i < 12; ++i) p->CompleteAsync(kInput, milliseconds(5000), results.Callback());
  auto got = results.WaitFor(12);
  ASSERT_EQ(got.size(), 12u);
  int ok = 0, transient = 0, permanent = 0;
  for (const auto& r : got) {
    if (r.outcome == Outcome::kOk) {
      ++ok;
      EXPECT_EQ(r.completion.text, "Hello");
      EXPECT_EQ(r.completion.input_tokens, 3);
    } else if (r.outcome == Outcome::kTransient) {
      ++transient;
      EXPECT_EQ(r.retry_after, std::chrono::seconds(7));
    } else if (r.outcome == Outcome::kPermanent) {
      ++permanent;
      EXPECT_NE(r.error.find("invalid_request_error"), std::string::npos) << r.error;
    }
  }
  EXPECT_EQ(ok, 4);
  EXPECT_EQ(transient, 4);
  EXPECT_EQ(permanent, 4);
  // Nothing more arrives later.
  EXPECT_EQ(results.WaitFor(13, std::chrono::seconds(1)).size(), 12u);
  EXPECT_NE(server.Last().body.find("\"max_tokens\""), std::string::npos);
  EXPECT_NE(server.Last().body.find("\"stream\":true"), std::string::npos);
}

// The text reaches the sink piece by piece, in order, before `done`; usage
// with the cache's tokens; a stream that fails or is cut short mid-answer is
// worth another attempt, whatever text it sent.
TEST(RemoteProvider, StreamsTheTextAndJudgesTheStreamsEnd) {
  ScriptedServer server;
  server.Push({200, AnthropicStream({"Once ", "upon ", "a time."}), kEventStream});
  server.Push({200, AnthropicStream({"Half "}, "overloaded"), kEventStream});
  server.Push({200, AnthropicStream({"Half "}, "cut"), kEventStream});
  auto p = Make("anthropic", server.url());
  for (int call = 0; call < 3; ++call) {
    std::vector<std::string> pieces;  // the I/O thread appends, then `done` runs there too
    Collector results;
    p->CompleteAsync(kInput, milliseconds(5000), results.Callback(), nullptr,
                     [&pieces](std::string_view text) { pieces.emplace_back(text); });
    auto got = results.WaitFor(1);
    ASSERT_EQ(got.size(), 1u);
    if (call == 0) {
      ASSERT_EQ(got[0].outcome, Outcome::kOk) << got[0].error;
      EXPECT_EQ(pieces, (std::vector<std::string>{"Once ", "upon ", "a time."}));
      EXPECT_EQ(got[0].completion.text, "Once upon a time.");
      EXPECT_EQ(got[0].completion.model, "claude-sonnet-5");
      EXPECT_EQ(got[0].completion.input_tokens, 3);
      EXPECT_EQ(got[0].completion.output_tokens, 4);
      EXPECT_EQ(got[0].completion.cache_read_input_tokens, 2);
      EXPECT_EQ(got[0].completion.cache_write_input_tokens, 5);
    } else {
      EXPECT_EQ(got[0].outcome, Outcome::kTransient);
      EXPECT_EQ(pieces, (std::vector<std::string>{"Half "}));
      EXPECT_NE(got[0].error.find(call == 1 ? "overloaded_error" : "before it was complete"), std::string::npos)
          << got[0].error;
    }
  }
}

TEST(RemoteProvider, OpenAiCompatibleServersStreamToo) {
  ScriptedServer server;
  server.Push({200,
               "data: {\"model\":\"llama\",\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n"
               "data: {\"choices\":[{\"delta\":{\"content\":\"Hi \"}}]}\n\n"
               "data: {\"choices\":[{\"delta\":{\"content\":\"there\"}}]}\n\n"
               "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,"
               "\"prompt_tokens_details\":{\"cached_tokens\":4}}}\n\n"
               "data: [DONE]\n\n",
               kEventStream});
  auto p = Make("openai", server.url());
  std::string streamed;
  Collector results;
  p->CompleteAsync(kInput, milliseconds(5000), results.Callback(), nullptr,
                   [&streamed](std::string_view text) { streamed.append(text); });
  auto got = results.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].outcome, Outcome::kOk) << got[0].error;
  EXPECT_EQ(streamed, "Hi there");
  EXPECT_EQ(got[0].completion.text, "Hi there");
  EXPECT_EQ(got[0].completion.model, "llama");
  EXPECT_EQ(got[0].completion.input_tokens, 9);
  EXPECT_EQ(got[0].completion.cache_read_input_tokens, 4);
  EXPECT_NE(server.Last().body.find("\"include_usage\":true"), std::string::npos);
}

// A loopback socket whose connections complete in the backlog and are
// never answered (nobody accepts until the test does); -1 on failure.
int SilentListener(int* port) {
  *port = testing::FreePort();
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(*port));
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 64) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// A provider that accepts connections and never answers: each call ends at
// its own timeout, a transient failure; a provider destroyed with calls in
// flight answers them (transient) rather than dropping them.
TEST(RemoteProvider, CompleteAsyncTimesOutAndCancelsOnDestruction) {
  int port = 0;
  const int fd = SilentListener(&port);
  ASSERT_GE(fd, 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  {
    auto p = Make("anthropic", url);
    Collector results;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i) p->CompleteAsync(kInput, milliseconds(300), results.Callback());
    auto got = results.WaitFor(5);
    ASSERT_EQ(got.size(), 5u);
    EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(250));
    for (const auto& r : got) {
      EXPECT_EQ(r.outcome, Outcome::kTransient);
      EXPECT_NE(r.error.find("unreachable"), std::string::npos) << r.error;
    }
  }
  Collector results;
  {
    auto p = Make("anthropic", url);
    for (int i = 0; i < 3; ++i) p->CompleteAsync(kInput, milliseconds(60000), results.Callback());
  }  // destroyed with three calls in flight
  auto got = results.WaitFor(3, std::chrono::seconds(2));
  ASSERT_EQ(got.size(), 3u);
  for (const auto& r : got) EXPECT_EQ(r.outcome, Outcome::kTransient) << r.error;
  close(fd);
}

// The worker drops a call whose analysis was deleted: the call ends
// kAborted at once, not at its timeout, and only once its request reached
// the server (a call aborted before it was even sent is still sent: what the
// worker counted as started is what the provider saw).
TEST(RemoteProvider, AnAbortedCallEndsAtOnceAfterItsRequestWasSent) {
  int port = 0;
  const int fd = SilentListener(&port);
  ASSERT_GE(fd, 0);
  auto p = Make("anthropic", "http://127.0.0.1:" + std::to_string(port));
  Collector results;
  auto before = std::make_shared<http::AbortSignal>();
  before->Abort();
  p->CompleteAsync(kInput, milliseconds(60000), results.Callback(), before);
  auto during = std::make_shared<http::AbortSignal>();
  p->CompleteAsync(kInput, milliseconds(60000), results.Callback(), during);
  std::this_thread::sleep_for(milliseconds(200));  // the call is waiting for its answer
  const auto aborted_at = std::chrono::steady_clock::now();
  during->Abort();
  auto got = results.WaitFor(2, std::chrono::seconds(5));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_LT(std::chrono::steady_clock::now() - aborted_at, milliseconds(1500));
  for (const auto& r : got) EXPECT_EQ(r.outcome, Outcome::kAborted) << r.error;
  // Both requests are in the server's socket buffers, whole.
  for (int i = 0; i < 2; ++i) {
    int conn = accept(fd, nullptr, nullptr);
    ASSERT_GE(conn, 0);
    std::string received;
    char buf[4096];
    ssize_t n;
    while ((n = read(conn, buf, sizeof(buf))) > 0) received.append(buf, static_cast<size_t>(n));
    EXPECT_EQ(received.rfind("POST /v1/messages", 0), 0u) << received;
    EXPECT_NE(received.find("\"max_tokens\""), std::string::npos) << received;
    close(conn);
  }
  close(fd);
}

// With a pace, the offline answer arrives a word at a time, the pieces
// making up the same text Complete gives, then `done`; an aborted call ends
// kAborted without its remaining pieces.
TEST(OfflineProvider, PacedAnswersArriveInPieces) {
  ProviderOptions options;
  options.kind = "offline";
  options.offline_pace = milliseconds(1);
  auto p = MakeProvider(options);
  ASSERT_TRUE(p.ok());
  const PromptInput input{"Summarise.", "T", "One sentence here. Another sentence there. A third one."};
  const std::string whole = (*p)->Complete(input, milliseconds(1000)).completion.text;
  std::vector<std::string> pieces;
  Collector results;
  (*p)->CompleteAsync(input, milliseconds(1000), results.Callback(), nullptr,
                      [&pieces](std::string_view text) { pieces.emplace_back(text); });
  auto got = results.WaitFor(1);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].outcome, Outcome::kOk);
  std::string joined;
  for (const auto& piece : pieces) joined += piece;
  EXPECT_EQ(joined, whole);
  EXPECT_GT(pieces.size(), 5u);

  auto abort = std::make_shared<http::AbortSignal>();
  abort->Abort();
  Collector aborted;
  (*p)->CompleteAsync(input, milliseconds(1000), aborted.Callback(), abort);
  auto ended = aborted.WaitFor(1);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].outcome, Outcome::kAborted);
}

// The local stack's outage switch: while the file exists every call fails
// transiently (so the worker retries it), and none streams a piece; once it
// is removed calls answer again.
TEST(OfflineProvider, FailsWhileTheOutageFileExists) {
  const std::string file = ::testing::TempDir() + "/provider-outage-" + std::to_string(getpid());
  ProviderOptions options;
  options.kind = "offline";
  options.offline_outage_file = file;
  auto p = MakeProvider(options);
  ASSERT_TRUE(p.ok());
  const PromptInput input{"Summarise.", "T", "One sentence here. Another one."};
  { std::ofstream(file) << ""; }
  std::string streamed;
  Collector during;
  (*p)->CompleteAsync(input, milliseconds(1000), during.Callback(), nullptr,
                      [&streamed](std::string_view text) { streamed += text; });
  auto failed = during.WaitFor(1);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].outcome, Outcome::kTransient);
  EXPECT_NE(failed[0].error.find("outage"), std::string::npos) << failed[0].error;
  EXPECT_EQ(streamed, "");
  std::remove(file.c_str());
  Collector after;
  (*p)->CompleteAsync(input, milliseconds(1000), after.Callback(), nullptr, nullptr);
  auto answered = after.WaitFor(1);
  ASSERT_EQ(answered.size(), 1u);
  EXPECT_EQ(answered[0].outcome, Outcome::kOk);
}

}  // namespace
}  // namespace plinth::analysis
