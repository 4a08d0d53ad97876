#ifndef PLINTH_SERVICES_ANALYSIS_WORKER_PROVIDER_H_
#define PLINTH_SERVICES_ANALYSIS_WORKER_PROVIDER_H_

// Where the text of an analysis comes from, behind one interface chosen by
// configuration (LLM_PROVIDER): the Anthropic Messages API, an
// OpenAI-compatible chat-completions server (self-hosted models), or
// `offline`, a deterministic extractive summary computed locally.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <absl/status/statusor.h>

#include "libs/http/http_client.h"

namespace plinth::analysis {

struct PromptInput {
  std::string instruction;  // the analysis' prompt
  std::string title;        // of the resource
  std::string content;      // of the resource
};

struct Completion {
  std::string text;
  std::string model;
  int32_t input_tokens = 0;
  int32_t output_tokens = 0;
  // Prompt caching (Anthropic's cache_read_input_tokens and
  // cache_creation_input_tokens; an OpenAI-compatible server's cached
  // prompt tokens are reads).
  int32_t cache_read_input_tokens = 0;
  int32_t cache_write_input_tokens = 0;
};

struct ProviderResult {
  // kModelUnavailable: the provider no longer knows the configured model
  // (retired, renamed, or the key lost access to it): permanent for this
  // analysis, and the worker stops taking work until the model is back.
  // kAborted: the caller dropped the call through its AbortSignal.
  enum class Outcome { kOk, kTransient, kPermanent, kModelUnavailable, kAborted };
  Outcome outcome = Outcome::kOk;
  Completion completion;                // kOk
  std::string error;                    // otherwise: what went wrong, for the analysis row
  std::chrono::seconds retry_after{0};  // kTransient: the provider's retry-after, if any
};

// Whether the configured model can be used, asked of the provider itself
// (Anthropic's Models API; an OpenAI-compatible server's GET /models).
struct ModelCheck {
  enum class State { kUsable, kUnusable, kUnknown };
  State state = State::kUnknown;  // kUnknown: the provider could not be asked (network, 5xx)
  std::string detail;             // why, for the log
};

class Provider {
 public:
  using CompletionDone = std::function<void(ProviderResult)>;
  // A piece of the answer's text as the provider writes it; runs on the
  // provider's I/O thread and must not block. The pieces of a call that ends
  // kOk make up its text; a call that fails may have sent some.
  using DeltaSink = std::function<void(std::string_view text)>;

  virtual ~Provider() = default;
  // Blocking; gives up after `timeout` (a transient failure).
  virtual ProviderResult Complete(const PromptInput& input, std::chrono::milliseconds timeout) = 0;
  // Starts the same completion and returns at once; `done` runs exactly once
  // with what Complete would have returned, on the provider's I/O thread (a
  // remote provider: thousands in flight on one thread) or before this
  // returns (a local one). `done` must not block. A remote call whose
  // `abort` fires ends kAborted as soon as its request has been sent; a local
  // one has nothing to abort. A remote provider streams (Anthropic's and the
  // OpenAI-compatible server-sent events), passing the text to `on_delta`
  // (optional) as it arrives.
  virtual void CompleteAsync(const PromptInput& input, std::chrono::milliseconds timeout, CompletionDone done,
                             std::shared_ptr<http::AbortSignal> abort = nullptr, DeltaSink on_delta = nullptr) {
    (void)abort;
    ProviderResult result = Complete(input, timeout);
    if (on_delta && result.outcome == ProviderResult::Outcome::kOk) on_delta(result.completion.text);
    done(std::move(result));
  }
  virtual ModelCheck CheckModel(std::chrono::milliseconds timeout) = 0;
};

struct ProviderOptions {
  std::string kind;      // "anthropic", "openai" or "offline"
  std::string base_url;  // anthropic: without /v1; openai: including /v1
  std::string api_key;
  std::string model;
  int max_tokens = 4096;
  std::string api_version;  // anthropic: the anthropic-version header
  // offline: the pause between the pieces (words) of its streamed answer, so
  // that the local stack shows an answer being written; 0: all at once.
  std::chrono::milliseconds offline_pace{0};
  // offline: while this file exists, calls fail as in a provider's outage.
  std::string offline_outage_file;
};

// Current as of 2026-11 (Anthropic's models overview and versioning pages);
// both are configuration (LLM_MODEL, ANTHROPIC_VERSION). Where to check for
// the next change: docs/ARCHITECTURE.md, "Providers".
constexpr char kAnthropicDefaultModel[] = "claude-sonnet-5";
constexpr char kAnthropicDefaultVersion[] = "2026-10-21";
constexpr char kOfflineModel[] = "offline-extractive-v1";

absl::StatusOr<std::unique_ptr<Provider>> MakeProvider(const ProviderOptions& options);

// The one user message every remote provider is sent.
std::string UserMessage(const PromptInput& input);

// How an HTTP answer of a remote provider is classified: 408, 409, 429 and
// 5xx (529 "overloaded" included) are worth retrying; other 4xx are not.
bool IsTransientHttpStatus(long status);

}  // namespace plinth::analysis

#endif  // PLINTH_SERVICES_ANALYSIS_WORKER_PROVIDER_H_
