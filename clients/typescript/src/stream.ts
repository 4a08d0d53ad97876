// Watching an analysis as it runs: GET /api/v1/analyses/{id}/events, a
// Server-Sent Events stream (docs/API.md, "Streams"). Read with fetch, not
// EventSource, so that the bearer token goes with it; resumed with
// Last-Event-ID after a drop, so that nothing is lost or shown twice.
import type { components } from "./schema.js";

type Schemas = components["schemas"];
type Analysis = Schemas["Analysis"];

/** One event of an analysis's stream; `id` is what a resume starts after. */
export type AnalysisStreamEvent =
  | { event: "status"; id: string; data: Schemas["AnalysisStatusEvent"] }
  | { event: "delta"; id: string; data: Schemas["AnalysisDeltaEvent"] }
  | { event: "done"; data: Analysis }
  | { event: "error"; data: Schemas["AnalysisStreamError"] };

/** What a page shows of a running analysis: the current attempt's text. */
export interface LiveText {
  attempt: number;
  text: string;
}

/**
 * The live text after `event`: a `running` status starts an attempt's text
 * afresh (an earlier attempt's is dropped), a delta of that attempt appends.
 */
export function nextLiveText(current: LiveText, event: AnalysisStreamEvent): LiveText {
  if (event.event === "status" && event.data.status === "running") return { attempt: event.data.attempt, text: "" };
  if (event.event === "delta" && event.data.attempt === current.attempt) {
    return { attempt: current.attempt, text: current.text + event.data.text };
  }
  if (event.event === "done" && event.data.output !== null) return { attempt: current.attempt, text: event.data.output };
  return current;
}

export interface WatchOptions {
  /** Called for every event, in order, each once (across resumes too). */
  onEvent: (event: AnalysisStreamEvent) => void;
  /** Resume after this event id (one kept across a page reload). */
  after?: string;
  /** Stops watching (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** A refusal or failure of the stream, as the API said it. */
export interface StreamFailure {
  status: number;
  code: string;
  message: string;
  requestId?: string | undefined;
  retryAfterSeconds?: number | undefined;
}

export interface StreamTransport {
  url: string;
  fetch: (input: Request) => Promise<Response>;
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  headers?: Record<string, string>;
  fail: (failure: StreamFailure) => Error;
}

// Waits between resumes after a drop: 0.5 s doubling to 15 s.
const firstBackoffMs = 500;
const maxBackoffMs = 15000;

// Resolves after `ms`, or at once when `signal` aborts (the caller checks).
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Splits an SSE byte stream into events (`id`, `event`, `data`). */
async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ id: string; event: string; data: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let id = "";
  let event = "";
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith("\r\n", newline) ? 2 : 1));
        if (line === "") {
          if (event !== "" || data.length > 0) yield { id, event: event || "message", data: data.join("\n") };
          id = "";
          event = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue; // heartbeat
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "id") id = value;
        else if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Watches until the analysis ends: resolves with the analysis as it ended
 * (`done`), rejects with the API's error for a refusal (404, 401…) or an
 * `error` event. A dropped connection is resumed after the last event seen,
 * with a back-off; a 429 waits its Retry-After.
 */
export async function watchAnalysis(transport: StreamTransport, options: WatchOptions): Promise<Analysis> {
  let after = options.after ?? "";
  let backoff = firstBackoffMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const headers = new Headers({ Accept: "text/event-stream", ...(transport.headers ?? {}) });
    const token = await transport.getToken?.();
    if (token) headers.set("Authorization", `Bearer ${token}`);
    if (after !== "") headers.set("Last-Event-ID", after);
    let response: Response;
    try {
      response = await transport.fetch(
        new Request(transport.url, { headers, ...(options.signal ? { signal: options.signal } : {}) }),
      );
    } catch {
      // No answer (offline, the gateway restarting): try again.
      options.signal?.throwIfAborted();
      await sleep(backoff, options.signal);
      backoff = Math.min(backoff * 2, maxBackoffMs);
      continue;
    }
    if (!response.ok || response.body === null) {
      const retryAfter = response.headers.get("Retry-After");
      const retryAfterSeconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
      if (response.status === 429 || response.status >= 500) {
        // Busy or unavailable: try again later, as the server says.
        await sleep(retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : backoff, options.signal);
        backoff = Math.min(backoff * 2, maxBackoffMs);
        continue; // the loop's first line checks the signal
      }
      const body = (await response.json().catch(() => undefined)) as
        | { error?: { code?: string; message?: string; request_id?: string } }
        | undefined;
      throw transport.fail({
        status: response.status,
        code: body?.error?.code ?? "VALIDATION_ERROR",
        message: body?.error?.message ?? `HTTP ${response.status}`,
        requestId: body?.error?.request_id ?? response.headers.get("X-Request-Id") ?? undefined,
        retryAfterSeconds,
      });
    }
    try {
      for await (const raw of readEvents(response.body)) {
        const data: unknown = JSON.parse(raw.data);
        const event = { event: raw.event, id: raw.id, data } as AnalysisStreamEvent;
        if (event.event !== "status" && event.event !== "delta" && event.event !== "done" && event.event !== "error") {
          continue; // a kind this client does not know yet
        }
        if (raw.id !== "") after = raw.id;
        backoff = firstBackoffMs;
        options.onEvent(event);
        if (event.event === "done") return event.data;
        if (event.event === "error") {
          throw transport.fail({ status: 0, code: event.data.code, message: event.data.message });
        }
      }
    } catch (cause) {
      // A dropped connection mid-stream: resume below. Our own errors go up.
      options.signal?.throwIfAborted();
      if (!(cause instanceof TypeError) && !(cause instanceof DOMException)) throw cause;
    }
    // Ended before `done` (idle timeout, a gateway draining, a drop): resume.
    await sleep(backoff, options.signal);
    backoff = Math.min(backoff * 2, maxBackoffMs);
  }
}
