#include "services/llm/provider.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <nlohmann/json.hpp>

#include "libs/http/http_client.h"

namespace plinth::llm {
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
    http::Request request;
    request.method = "POST";
    request.url = Url();
    request.headers = Headers();
    request.headers.push_back("content-type: application/json");
    request.body = json{{"model", options_.model},
                        {"max_tokens", options_.max_tokens},
                        {"messages", json::array({{{"role", "user"}, {"content", UserMessage(input)}}})}}
                       .dump();
    request.timeout = timeout;
    auto response = http::Send(request);
    if (!response.ok()) {
      return Failure(Outcome::kTransient, absl::StrCat(Name(), " unreachable: ", response.status().message()));
    }
    if (response->status != 200) {
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

 protected:
  virtual std::string Name() const = 0;
  virtual std::string Url() const = 0;
  virtual std::vector<std::string> Headers() const = 0;
  // Text and usage from a 200's body; false if it does not have the shape.
  virtual bool Read(const json& body, Completion* out) const = 0;

  ProviderOptions options_;
};

class AnthropicProvider final : public RemoteProvider {
 public:
  using RemoteProvider::RemoteProvider;

 protected:
  std::string Name() const override { return "Anthropic"; }
  std::string Url() const override { return options_.base_url + "/v1/messages"; }
  std::vector<std::string> Headers() const override {
    return {"x-api-key: " + options_.api_key, std::string("anthropic-version: ") + kAnthropicVersion};
  }
  bool Read(const json& body, Completion* out) const override {
    if (!body.contains("content") || !body["content"].is_array()) return false;
    for (const auto& block : body["content"]) {
      if (block.is_object() && block.value("type", "") == "text" && block.contains("text") &&
          block["text"].is_string()) {
        out->text += block["text"].get<std::string>();
      }
    }
    const json usage = body.value("usage", json::object());
    out->input_tokens = Int(usage, "input_tokens");
    out->output_tokens = Int(usage, "output_tokens");
    return true;
  }
};

class OpenAiCompatibleProvider final : public RemoteProvider {
 public:
  using RemoteProvider::RemoteProvider;

 protected:
  std::string Name() const override { return "the chat-completions server"; }
  std::string Url() const override { return options_.base_url + "/chat/completions"; }
  std::vector<std::string> Headers() const override {
    if (options_.api_key.empty()) return {};
    return {"authorization: Bearer " + options_.api_key};
  }
  bool Read(const json& body, Completion* out) const override {
    if (!body.contains("choices") || !body["choices"].is_array() || body["choices"].empty()) return false;
    const json& choice = body["choices"][0];
    if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object()) return false;
    const json& message = choice["message"];
    if (!message.contains("content") || !message["content"].is_string()) return false;
    out->text = message["content"].get<std::string>();
    const json usage = body.value("usage", json::object());
    out->input_tokens = Int(usage, "prompt_tokens");
    out->output_tokens = Int(usage, "completion_tokens");
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
    bool end_mark = (c == '.' || c == '!' || c == '?') && (i + 1 == text.size() || std::isspace(static_cast<unsigned char>(text[i + 1])));
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
// the whole text, in their original order. Same input, same output.
class OfflineProvider final : public Provider {
 public:
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
};

}  // namespace

std::string UserMessage(const PromptInput& input) {
  return absl::StrCat(input.instruction, "\n\n<resource>\nTitle: ", input.title, "\n\n", input.content,
                      "\n</resource>");
}

bool IsTransientHttpStatus(long status) {
  return status == 408 || status == 409 || status == 429 || status >= 500;
}

absl::StatusOr<std::unique_ptr<Provider>> MakeProvider(const ProviderOptions& options) {
  if (options.kind == "offline") return std::unique_ptr<Provider>(new OfflineProvider());
  if (options.max_tokens < 1) return absl::InvalidArgumentError("max_tokens must be positive");
  if (options.base_url.empty() || options.model.empty()) {
    return absl::InvalidArgumentError(options.kind + " provider needs a base URL and a model");
  }
  if (options.kind == "anthropic") {
    if (options.api_key.empty()) return absl::InvalidArgumentError("anthropic provider needs ANTHROPIC_API_KEY");
    return std::unique_ptr<Provider>(new AnthropicProvider(options));
  }
  if (options.kind == "openai") return std::unique_ptr<Provider>(new OpenAiCompatibleProvider(options));
  return absl::InvalidArgumentError("LLM_PROVIDER must be anthropic, openai or offline");
}

}  // namespace plinth::llm
