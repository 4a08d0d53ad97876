import type { Analysis } from "@plinth/client";

/** An analysis as the API returns it, in `status`. */
export function analysisIn(status: Analysis["status"], ids = { id: "6f1c2b1e-0000-4000-8000-000000000001", resource_id: "6f1c2b1e-0000-4000-8000-000000000002" }): Analysis {
  return {
    ...ids,
    status,
    prompt: "Summarise.",
    output: status === "succeeded" ? "Done." : null,
    error: null,
    model: null,
    attempts: 1,
    usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_write_input_tokens: 0 },
    created_at: "2026-11-25T10:00:00Z",
    started_at: null,
    completed_at: null,
  };
}
