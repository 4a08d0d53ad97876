#include "services/analysis_worker/provider.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <vector>

#include <thread>

#include <absl/base/thread_annotations.h>
#include <absl/strings/numbers.h>
#include <absl/synchronization/mutex.h>
#include <absl/strings/str_cat.h>
#include <nlohmann/json.hpp>

#include "libs/http/http_client.h"
#include "libs/http/sse.h"
#include "libs/logging/logging.h"

namespace plinth::analysis {
namespace {

using Outcome = ProviderResult::Outcome;
using nlohmann::json;

ProviderResult Failure(Outcome outcome, std::string error, std::chrono::seconds retry_after = std::chrono::seconds(0)) {
  ProviderResult r;
  r.outcome = outcome;
  r.error = std::move(error);
  r.retry_after = retry_after;
  return r;
}

std::chrono::seconds RetryAfter(const http::Response& response) {
  int64_t seconds = 0;
  if (absl::SimpleAtoi(response.Header("retry-after"), &seconds) && seconds > 0) {
    return std::chrono::seconds(std::min<int64_t>(seconds, 3600));
  }
  return std::chrono::seconds(0);
}

// The provider's own words for an error body, bounded; both APIs nest them
// as {"error": {"type"?, "message"}}.
std::string ErrorText(const std::string& provider, const http::Response& response) {
  std::string detail;
  auto body = json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const auto& e = body["error"];
    if (e.contains("type") && e["type"].is_string()) detail = e["type"].get<std::string>();
    if (e.contains("message") && e["message"].is_string()) {
      detail += (detail.empty() ? "" : ": ") + e["message"].get<std::string>();
    }
  }
  if (detail.size() > 500) detail.resize(500);
  // Keep what is stored valid UTF-8 after the cut.
  while (!detail.empty() && (static_cast<unsigned char>(detail.back()) & 0xC0) == 0x80) detail.pop_back();
  if (!detail.empty() && static_cast<unsigned char>(detail.back()) >= 0xC0) detail.pop_back();
  return absl::StrCat(provider, " answered HTTP ", response.status, detail.empty() ? "" : " (" + detail + ")");
}

int32_t Int(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_number_integer()) return 0;
  return static_cast<int32_t>(std::clamp<int64_t>(object[key].get<int64_t>(), 0, INT32_MAX));
}

// A remote chat API: one JSON POST with the model, max_tokens and one user
// message; every answer but a usable 200 classified. Subclasses name the
// endpoint and headers and read their own response shape.
class RemoteProvider : public Provider {
 public:
  explicit RemoteProvider(ProviderOptions options) : options_(std::move(options)) {}

  ProviderResult Complete(const PromptInput& input, std::chrono::milliseconds timeout) final {
    return Interpret(http::Send(MessageRequest(input, timeout)));
  }

  // Streamed: the events are read as they arrive, on the client's thread.
  void CompleteAsync(const PromptInput& input, std::chrono::milliseconds timeout, CompletionDone done,
                     std::shared_ptr<http::AbortSignal> abort, DeltaSink on_delta) final {
    // One loop thread for every call of this provider, started with the first.
    std::call_once(async_started_, [this] { async_ = std::make_unique<http::AsyncClient>(); });
    auto stream = std::make_shared<Stream>();
    stream->on_delta = std::move(on_delta);
    http::Request request = MessageRequest(input, timeout, /*stream=*/true);
    request.abort = std::move(abort);
    request.on_body = [this, stream](std::string_view bytes) {
      return stream->parser.Feed(bytes, [&](const http::SseEvent& event) { OnEvent(event, stream.get()); });
    };
    async_->Send(std::move(request),
                 [this, stream, done = std::move(done)](const absl::StatusOr<http::Response>& response) {
                   done(InterpretStream(response, std::move(*stream)));
                 });
  }

  ModelCheck CheckModel(std::chrono::milliseconds timeout) final {
    http::Request request;
    request.method = "GET";
    request.url = ModelsUrl();
    request.headers = Headers();
    request.timeout = timeout;
    ModelCheck check;
    auto response = http::Send(request);
    if (!response.ok()) {
      check.detail = absl::StrCat(Name(), " unreachable: ", response.status().message());
      return check;
    }
    if (IsTransientHttpStatus(response->status)) {
      check.detail = ErrorText(Name(), *response);
      return check;
    }
    const json body = json::parse(response->body, nullptr, false);
    if (response->status == 200 && Lists(body)) {
      check.state = ModelCheck::State::kUsable;
      return check;
    }
    // 401/403 (the key), 404 (the model), or a list without it.
    check.state = ModelCheck::State::kUnusable;
    check.detail = response->status == 200 ? absl::StrCat(Name(), " does not list the model ", options_.model)
                                           : ErrorText(Name(), *response);
    return check;
  }

 protected:
  // What a streamed answer has said so far (only its transfer's thread
  // touches it).
  struct Stream {
    http::SseParser parser;
    Completion completion;
    bool finished = false;  // the provider said the answer is complete
    std::string error;      // an `error` event: what it said
    bool error_transient = false;
    DeltaSink on_delta;

    void Text(std::string_view text) {
      if (text.empty()) return;
      completion.text.append(text);
      if (on_delta) on_delta(text);
    }
  };

  // One event of a streamed answer.
  virtual void OnEvent(const http::SseEvent& event, Stream* stream) const = 0;
  // The fields that ask for a stream.
  virtual void AskToStream(json* body) const = 0;

  // A streamed 200 judged once it ended: whole, cut short, or failed mid-way.
  ProviderResult InterpretStream(const absl::StatusOr<http::Response>& response, Stream stream) const {
    if (!response.ok() || response->status != 200) return Interpret(response);
    if (!stream.error.empty()) {
      return Failure(stream.error_transient ? Outcome::kTransient : Outcome::kPermanent,
                     absl::StrCat(Name(), " failed mid-answer (", stream.error, ")"));
    }
    if (!stream.finished) return Failure(Outcome::kTransient, Name() + "'s answer ended before it was complete");
    if (stream.completion.text.empty()) return Failure(Outcome::kTransient, Name() + " answered no usable text");
    ProviderResult result;
    result.completion = std::move(stream.completion);
    if (result.completion.model.empty()) result.completion.model = options_.model;
    return result;
  }

  // The one POST of a completion; built on the caller's thread, so it carries
  // that thread's trace.
  http::Request MessageRequest(const PromptInput& input, std::chrono::milliseconds timeout, bool stream = false) const {
    http::Request request;
    request.method = "POST";
    request.url = Url();
    request.headers = Headers();
    request.headers.push_back("content-type: application/json");
    // The trace of the request that created the analysis (W3C trace context).
    if (!logging::RequestContext::TraceParent().empty()) {
      request.headers.push_back("traceparent: " + logging::RequestContext::TraceParent());
    }
    json body = {{"model", options_.model},
                 {"max_tokens", options_.max_tokens},
                 {"messages", json::array({{{"role", "user"}, {"content", UserMessage(input)}}})}};
    if (stream) AskToStream(&body);
    request.body = body.dump();
    request.timeout = timeout;
    return request;
  }

  // Every answer but a usable 200 classified.
  ProviderResult Interpret(const absl::StatusOr<http::Response>& response) const {
    if (absl::IsAborted(response.status())) {
      return Failure(Outcome::kAborted, absl::StrCat("the call to ", Name(), " was aborted"));
    }
    if (!response.ok()) {
      return Failure(Outcome::kTransient, absl::StrCat(Name(), " unreachable: ", response.status().message()));
    }
    if (response->status != 200) {
      if (IsModelGone(*response)) return Failure(Outcome::kModelUnavailable, ModelGoneText(*response));
      return Failure(IsTransientHttpStatus(response->status) ? Outcome::kTransient : Outcome::kPermanent,
                     ErrorText(Name(), *response), RetryAfter(*response));
    }
    const json body = json::parse(response->body, nullptr, false);
    ProviderResult result;
    if (!body.is_object() || !Read(body, &result.completion) || result.completion.text.empty()) {
      return Failure(Outcome::kTransient, Name() + " answered no usable text");
    }
    if (body.contains("model") && body["model"].is_string()) {
      result.completion.model = body["model"].get<std::string>();
    } else {
      result.completion.model = options_.model;
    }
    return result;
  }

  virtual std::string Name() const = 0;
  virtual std::string Url() const = 0;
  virtual std::string ModelsUrl() const = 0;
  // Whether a 200 of ModelsUrl() says the configured model is there.
  virtual bool Lists(const json& body) const = 0;
  virtual std::vector<std::string> Headers() const = 0;
  // Text and usage from a 200's body; false if it does not have the shape.
  virtual bool Read(const json& body, Completion* out) const = 0;

  // A 404 about the model (Anthropic: not_found_error; OpenAI-compatible
  // servers: model_not_found or a 404 naming it) rather than the request.
  bool IsModelGone(const http::Response& response) const {
    if (response.status != 404) return false;
    auto body = json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return true;
    const auto& e = body["error"];
    std::string type = e.value("type", ""),
                code = e.is_object() && e.contains("code") && e["code"].is_string() ? e["code"].get<std::string>() : "";
    return type == "not_found_error" || code == "model_not_found" ||
           e.value("message", "").find(options_.model) != std::string::npos;
  }
  std::string ModelGoneText(const http::Response& response) const {
    return absl::StrCat("the model ", options_.model, " is not available (LLM_MODEL): ", ErrorText(Name(), response));
  }

  // Answers the calls still in flight (CANCELLED); each subclass's destructor
  // calls it, while Interpret's virtual functions are still its own.
  void StopCalls() { async_.reset(); }

  ProviderOptions options_;

 private:
  std::once_flag async_started_;
  std::unique_ptr<http::AsyncClient> async_;
};

class AnthropicProvider final : public RemoteProvider {
 public:
  using RemoteProvider::RemoteProvider;
  ~AnthropicProvider() override { StopCalls(); }

 protected:
  std::string Name() const override { return "Anthropic"; }
  std::string Url() const override { return options_.base_url + "/v1/messages"; }
  std::string ModelsUrl() const override { return options_.base_url + "/v1/models/" + options_.model; }
  bool Lists(const json& body) const override {
    return body.is_object() && body.value("type", "") == "model" && body.value("id", "") == options_.model;
  }
  // As the official SDKs send them since API version 2026-10-21.
  std::vector<std::string> Headers() const override {
    return {"authorization: Bearer " + options_.api_key, "anthropic-version: " + options_.api_version};
  }
  void AskToStream(json* body) const override { (*body)["stream"] = true; }

  // message_start (model, input and cache usage), content_block_delta
  // (text_delta), message_delta (output tokens so far), message_stop, ping,
  // error (overloaded_error, api_error: worth another attempt).
  void OnEvent(const http::SseEvent& event, Stream* stream) const override {
    const json data = json::parse(event.data, nullptr, false);
    if (!data.is_object()) return;
    const std::string type = data.value("type", event.event);
    if (type == "content_block_delta") {
      const json delta = data.value("delta", json::object());
      if (delta.is_object() && delta.value("type", "") == "text_delta" && delta.contains("text") &&
          delta["text"].is_string()) {
        stream->Text(delta["text"].get_ref<const std::string&>());
      }
    } else if (type == "message_start") {
      const json message = data.value("message", json::object());
      if (message.is_object() && message.contains("model") && message["model"].is_string()) {
        stream->completion.model = message["model"].get<std::string>();
      }
      ReadUsage(message.is_object() ? message.value("usage", json::object()) : json::object(), &stream->completion);
    } else if (type == "message_delta") {
      ReadUsage(data.value("usage", json::object()), &stream->completion);
    } else if (type == "message_stop") {
      stream->finished = true;
    } else if (type == "error") {
      const json error = data.value("error", json::object());
      const std::string kind = error.is_object() ? error.value("type", "error") : "error";
      stream->error = absl::StrCat(kind, ": ", error.is_object() ? error.value("message", "") : "");
      stream->error_transient = kind == "overloaded_error" || kind == "api_error" || kind == "rate_limit_error";
    }
  }

  // Usage fields present in `usage` (message_start has them all, later
  // message_delta events the cumulative output).
  static void ReadUsage(const json& usage, Completion* out) {
    if (!usage.is_object()) return;
    if (usage.contains("input_tokens")) out->input_tokens = Int(usage, "input_tokens");
    if (usage.contains("output_tokens")) out->output_tokens = Int(usage, "output_tokens");
    if (usage.contains("cache_read_input_tokens")) out->cache_read_input_tokens = Int(usage, "cache_read_input_tokens");
    if (usage.contains("cache_creation_input_tokens")) {
      out->cache_write_input_tokens = Int(usage, "cache_creation_input_tokens");
    }
  }

  bool Read(const json& body, Completion* out) const override {
    if (!body.contains("content") || !body["content"].is_array()) return false;
    for (const auto& block : body["content"]) {
      if (block.is_object() && block.value("type", "") == "text" && block.contains("text") &&
          block["text"].is_string()) {
        out->text += block["text"].get<std::string>();
      }
    }
    ReadUsage(body.value("usage", json::object()), out);
    return true;
  }
};

class OpenAiCompatibleProvider final : public RemoteProvider {
 public:
  using RemoteProvider::RemoteProvider;
  ~OpenAiCompatibleProvider() override { StopCalls(); }

 protected:
  std::string Name() const override { return "the chat-completions server"; }
  std::string Url() const override { return options_.base_url + "/chat/completions"; }
  std::string ModelsUrl() const override { return options_.base_url + "/models"; }
  bool Lists(const json& body) const override {
    if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) return false;
    for (const auto& m : body["data"]) {
      if (m.is_object() && m.value("id", "") == options_.model) return true;
    }
    return false;
  }
  std::vector<std::string> Headers() const override {
    if (options_.api_key.empty()) return {};
    return {"authorization: Bearer " + options_.api_key};
  }
  void AskToStream(json* body) const override {
    (*body)["stream"] = true;
    (*body)["stream_options"] = {{"include_usage", true}};
  }

  // data-only events: chunks with choices[0].delta.content, a last one with
  // the usage, then `data: [DONE]`; an {"error": …} chunk on failure.
  void OnEvent(const http::SseEvent& event, Stream* stream) const override {
    if (event.data == "[DONE]") {
      stream->finished = true;
      return;
    }
    const json data = json::parse(event.data, nullptr, false);
    if (!data.is_object()) return;
    if (data.contains("error") && data["error"].is_object()) {
      stream->error = data["error"].value("message", "error");
      stream->error_transient = true;  // a server failing mid-answer: worth another attempt
      return;
    }
    if (data.contains("model") && data["model"].is_string())
      stream->completion.model = data["model"].get<std::string>();
    if (data.contains("choices") && data["choices"].is_array() && !data["choices"].empty()) {
      const json& choice = data["choices"][0];
      const json delta = choice.is_object() ? choice.value("delta", json::object()) : json::object();
      if (delta.is_object() && delta.contains("content") && delta["content"].is_string()) {
        stream->Text(delta["content"].get_ref<const std::string&>());
      }
    }
    if (data.contains("usage") && data["usage"].is_object()) ReadUsage(data["usage"], &stream->completion);
  }

  static void ReadUsage(const json& usage, Completion* out) {
    out->input_tokens = Int(usage, "prompt_tokens");
    out->output_tokens = Int(usage, "completion_tokens");
    const json details = usage.value("prompt_tokens_details", json::object());
    if (details.is_object()) out->cache_read_input_tokens = Int(details, "cached_tokens");
  }

  bool Read(const json& body, Completion* out) const override {
    if (!body.contains("choices") || !body["choices"].is_array() || body["choices"].empty()) return false;
    const json& choice = body["choices"][0];
    if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object()) return false;
    const json& message = choice["message"];
    if (!message.contains("content") || !message["content"].is_string()) return false;
    out->text = message["content"].get<std::string>();
    ReadUsage(body.value("usage", json::object()), out);
    return true;
  }
};

// Sentences split on ., ! or ? followed by white space, and on blank lines.
std::vector<std::string> Sentences(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    size_t b = current.find_first_not_of(" \t\r\n");
    if (b != std::string::npos) {
      size_t e = current.find_last_not_of(" \t\r\n");
      out.push_back(current.substr(b, e - b + 1));
    }
    current.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    current += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    bool end_mark = (c == '.' || c == '!' || c == '?') &&
                    (i + 1 == text.size() || std::isspace(static_cast<unsigned char>(text[i + 1])));
    bool blank_line = c == '\n' && i + 1 < text.size() && text[i + 1] == '\n';
    if (end_mark || blank_line) flush();
  }
  flush();
  return out;
}

std::vector<std::string> Words(const std::string& sentence) {
  std::vector<std::string> words;
  std::string w;
  for (unsigned char c : sentence) {
    if (std::isalnum(c) || c >= 0x80) {
      w += static_cast<char>(std::tolower(c));
    } else if (!w.empty()) {
      words.push_back(std::move(w));
      w.clear();
    }
  }
  if (!w.empty()) words.push_back(std::move(w));
  return words;
}

// Summarises by extraction: the sentences whose words are most frequent in
// the whole text, in their original order. Same input, same output. With a
// pace, CompleteAsync hands the text out a word at a time, `pace` apart, from
// a thread of its own (one for every call), as a remote model streams.
//
// While `outage_file` exists, every call fails as an overloaded remote model's
// would (transient): the local stack's way to try failures, retries and the
// operator's retry without a real provider (`./plinth provider outage`).
class OfflineProvider final : public Provider {
 public:
  OfflineProvider(std::chrono::milliseconds pace, std::string outage_file)
      : pace_(pace), outage_file_(std::move(outage_file)) {
    if (pace_.count() > 0) thread_ = std::thread([this] { Loop(); });
  }
  ~OfflineProvider() override {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    if (thread_.joinable()) thread_.join();
  }

  ModelCheck CheckModel(std::chrono::milliseconds) override { return {ModelCheck::State::kUsable, ""}; }

  void CompleteAsync(const PromptInput& input, std::chrono::milliseconds timeout, CompletionDone done,
                     std::shared_ptr<http::AbortSignal> abort, DeltaSink on_delta) override {
    if (InOutage()) {
      done(Failure(Outcome::kTransient, "the offline provider is in an outage (LLM_OFFLINE_OUTAGE_FILE exists)"));
      return;
    }
    ProviderResult result = Complete(input, timeout);
    if (pace_.count() == 0) {
      if (on_delta) on_delta(result.completion.text);
      done(std::move(result));
      return;
    }
    Paced call{std::chrono::steady_clock::now(),
               {},
               0,
               std::move(result),
               std::move(done),
               std::move(abort),
               std::move(on_delta)};
    const std::string& text = call.result.completion.text;
    for (size_t start = 0; start < text.size();) {
      size_t end = text.find(' ', start);
      end = end == std::string::npos ? text.size() : end + 1;
      call.pieces.emplace_back(start, end - start);
      start = end;
    }
    absl::MutexLock lock(&mu_);
    calls_.push_back(std::move(call));
  }

  ProviderResult Complete(const PromptInput& input, std::chrono::milliseconds) override {
    ProviderResult result;
    result.completion.model = kOfflineModel;
    const std::vector<std::string> sentences = Sentences(input.content);
    std::ostringstream out;
    if (sentences.empty()) {
      out << "\"" << input.title << "\" has no content to summarise.";
    } else {
      std::map<std::string, int> frequency;
      for (const auto& s : sentences) {
        for (const auto& w : Words(s)) {
          if (w.size() > 3) ++frequency[w];
        }
      }
      std::vector<std::pair<double, size_t>> scored;
      for (size_t i = 0; i < sentences.size(); ++i) {
        auto words = Words(sentences[i]);
        double score = 0;
        for (const auto& w : words) score += w.size() > 3 ? frequency[w] : 0;
        scored.push_back({words.empty() ? 0 : score / static_cast<double>(words.size()), i});
      }
      std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
      // The best two sentences summarise; the best five are the key points.
      auto best = [&](size_t n) {
        std::set<size_t> chosen;  // ordered: the text's order
        for (size_t i = 0; i < scored.size() && chosen.size() < n; ++i) chosen.insert(scored[i].second);
        return chosen;
      };
      out << "Summary of \"" << input.title << "\" (" << sentences.size() << " sentence"
          << (sentences.size() == 1 ? "" : "s") << "):";
      for (size_t i : best(2)) out << " " << sentences[i];
      out << "\n\nKey points:";
      for (size_t i : best(5)) out << "\n- " << sentences[i];
    }
    result.completion.text = out.str();
    result.completion.input_tokens = static_cast<int32_t>(Words(UserMessage(input)).size());
    result.completion.output_tokens = static_cast<int32_t>(Words(result.completion.text).size());
    return result;
  }

 private:
  struct Paced {
    std::chrono::steady_clock::time_point next;
    std::vector<std::pair<size_t, size_t>> pieces;  // offset and length in the text
    size_t sent = 0;
    ProviderResult result;
    CompletionDone done;
    std::shared_ptr<http::AbortSignal> abort;
    DeltaSink on_delta;
  };

  // Every pace: the next piece of each call that is due; a finished or
  // aborted call is answered. Callbacks run outside the lock.
  void Loop() {
    while (true) {
      std::vector<Paced> ready;
      {
        absl::MutexLock lock(&mu_);
        mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::FromChrono(pace_));
        if (stopping_) break;
        calls_.swap(ready);
      }
      std::vector<Paced> going_on;
      for (auto& call : ready) {
        if (call.abort && call.abort->aborted()) {
          call.done(Aborted());
          continue;
        }
        if (call.sent < call.pieces.size()) {
          const auto [offset, length] = call.pieces[call.sent++];
          if (call.on_delta) call.on_delta(std::string_view(call.result.completion.text).substr(offset, length));
        }
        if (call.sent == call.pieces.size()) {
          call.done(std::move(call.result));
        } else {
          going_on.push_back(std::move(call));
        }
      }
      absl::MutexLock lock(&mu_);
      for (auto& call : going_on) calls_.push_back(std::move(call));
    }
    // Stopping: what is left is answered as a remote provider's would be.
    std::vector<Paced> left;
    {
      absl::MutexLock lock(&mu_);
      calls_.swap(left);
    }
    for (auto& call : left) call.done(Failure(Outcome::kTransient, "the worker stopped during the answer"));
  }

  static ProviderResult Aborted() { return Failure(Outcome::kAborted, "the offline answer was aborted"); }

  bool InOutage() const {
    std::error_code ignored;
    return !outage_file_.empty() && std::filesystem::exists(outage_file_, ignored);
  }

  const std::chrono::milliseconds pace_;
  const std::string outage_file_;
  absl::Mutex mu_;
  std::vector<Paced> calls_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace

std::string UserMessage(const PromptInput& input) {
  return absl::StrCat(input.instruction, "\n\n<resource>\nTitle: ", input.title, "\n\n", input.content,
                      "\n</resource>");
}

bool IsTransientHttpStatus(long status) { return status == 408 || status == 409 || status == 429 || status >= 500; }

absl::StatusOr<std::unique_ptr<Provider>> MakeProvider(const ProviderOptions& options) {
  if (options.kind == "offline")
    return std::unique_ptr<Provider>(new OfflineProvider(options.offline_pace, options.offline_outage_file));
  if (options.max_tokens < 1) return absl::InvalidArgumentError("max_tokens must be positive");
  if (options.base_url.empty() || options.model.empty()) {
    return absl::InvalidArgumentError(options.kind + " provider needs a base URL and a model");
  }
  if (options.kind == "anthropic") {
    if (options.api_key.empty()) return absl::InvalidArgumentError("anthropic provider needs ANTHROPIC_API_KEY");
    if (options.api_version.empty()) return absl::InvalidArgumentError("anthropic provider needs an API version");
    return std::unique_ptr<Provider>(new AnthropicProvider(options));
  }
  if (options.kind == "openai") return std::unique_ptr<Provider>(new OpenAiCompatibleProvider(options));
  return absl::InvalidArgumentError("LLM_PROVIDER must be anthropic, openai or offline");
}

}  // namespace plinth::analysis
